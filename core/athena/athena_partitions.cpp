// Reads a flow's keyPrefix template as Athena partition projection: folders with strftime
// fields become date or integer partitions, {host} an injected one, the static head the LOCATION.
#include "core/athena/athena_partitions.hpp"

#include <algorithm>

#include "core/assert.hpp"
#include "core/batch/object_key.hpp"
#include "core/text.hpp"

namespace ferry {
namespace {

// One piece of a key prefix folder: literal text, a strftime field (%Y ...), or {host}.
struct Token {
  enum class Kind { literal, field, host };
  Kind kind;
  char field = 0;
  std::string text;  // literal: the text as rendered ("%%" is "%")
};
using Segment = std::vector<Token>;

Segment tokenize(std::string_view folder) {
  Segment tokens;
  auto literal = [&](std::string_view text) {
    if (tokens.empty() || tokens.back().kind != Token::Kind::literal) {
      tokens.push_back(Token{Token::Kind::literal, 0, ""});
    }
    tokens.back().text.append(text);
  };
  for (size_t i = 0; i < folder.size(); ++i) {
    if (folder[i] == '%' && i + 1 < folder.size()) {
      const char field = folder[++i];
      if (field == '%') {
        literal("%");
      } else {
        tokens.push_back(Token{Token::Kind::field, field, ""});
      }
    } else if (folder.substr(i).starts_with("{host}")) {
      tokens.push_back(Token{Token::Kind::host, 0, ""});
      i += 5;
    } else {
      literal(folder.substr(i, 1));
    }
  }
  return tokens;
}

bool is_static(const Segment& segment) {
  return std::all_of(segment.begin(), segment.end(),
                     [](const Token& t) { return t.kind == Token::Kind::literal; });
}

bool has_field(const Segment& segment, char field) {
  return std::any_of(segment.begin(), segment.end(), [&](const Token& t) {
    return t.kind == Token::Kind::field && t.field == field;
  });
}

bool only_fields_and_text(const Segment& segment) {
  return std::none_of(segment.begin(), segment.end(),
                      [](const Token& t) { return t.kind == Token::Kind::host; });
}

std::string literal_text(const Segment& segment) {
  std::string out;
  for (const Token& t : segment) out += t.text;
  return out;
}

// "dt=" at the start of a folder names its partition, Hive style.
std::string hive_name(const Segment& segment) {
  if (segment.empty() || segment.front().kind != Token::Kind::literal) return "";
  const std::string& text = segment.front().text;
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 != text.size()) return "";
  std::string name;
  for (char c : text.substr(0, eq)) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    else if (!word)
      return "";
    name.push_back(c);
  }
  return name;
}

// Java date pattern letters; literal text is quoted unless it is plain punctuation.
std::string java_pattern(char field) {
  switch (field) {
    case 'Y': return "yyyy";
    case 'm': return "MM";
    case 'd': return "dd";
    case 'H': return "HH";
    case 'M': return "mm";
    case 'S': return "ss";
    case 'j': return "DDD";
  }
  FERRY_ASSERT(false && "keyPrefix fields are validated with the config");
  return "";
}

std::string java_literal(std::string_view text) {
  const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
    return c == '-' || c == '/' || c == ':' || c == '.' || c == '_' || c == ' ';
  });
  if (plain) return std::string(text);
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += "'";
    out.push_back(c);
  }
  return out + "'";
}

// Finest field first: the interval unit of a date partition.
std::string interval_unit(const std::string& fields) {
  for (auto [field, unit] : {std::pair{'S', "SECONDS"},
                             {'M', "MINUTES"},
                             {'H', "HOURS"},
                             {'d', "DAYS"},
                             {'j', "DAYS"},
                             {'m', "MONTHS"}}) {
    if (fields.find(field) != std::string::npos) return unit;
  }
  return "YEARS";
}

struct IntegerField {
  const char* name;
  int min, max, digits;
};

IntegerField integer_field(char field) {
  switch (field) {
    case 'm': return {"month", 1, 12, 2};
    case 'd': return {"day", 1, 31, 2};
    case 'H': return {"hour", 0, 23, 2};
    case 'M': return {"minute", 0, 59, 2};
    case 'S': return {"second", 0, 59, 2};
    case 'j': return {"yday", 1, 366, 3};
  }
  FERRY_ASSERT(false && "only %Y makes a date partition; it is handled before");
  return {"", 0, 0, 0};
}

class Planner {
 public:
  Planner(std::vector<std::string> taken, std::optional<std::time_t> since)
      : taken_(std::move(taken)), since_(since) {}

  // Adds the date partition of `segments` (one folder, or an unnamed run of date folders)
  // and returns its part of the location template.
  std::string date(const std::vector<Segment>& segments, std::string name,
                   size_t skip_first_literal) {
    AthenaPartition partition;
    partition.kind = AthenaPartition::Kind::date;
    partition.name = unique(name);
    std::string fields, strftime_text;
    for (size_t s = 0; s < segments.size(); ++s) {
      if (s > 0) {
        partition.format += "/";
        strftime_text += "/";
      }
      for (size_t t = (s == 0 ? skip_first_literal : 0); t < segments[s].size(); ++t) {
        const Token& token = segments[s][t];
        if (token.kind == Token::Kind::field) {
          partition.format += java_pattern(token.field);
          fields.push_back(token.field);
          strftime_text += cat("%", std::string(1, token.field));
        } else {
          partition.format += java_literal(token.text);
          for (char c : token.text)
            strftime_text += c == '%' ? std::string("%%") : std::string(1, c);
        }
      }
    }
    partition.unit = interval_unit(fields);
    partition.range = since_ ? cat(render_date(strftime_text), ",NOW") : "NOW-3YEARS,NOW";
    const std::string column = partition.name;
    partitions_.push_back(std::move(partition));
    return cat("${", column, "}");
  }

  // A folder with exactly one field (not %Y) or {host} and text around it: its partition and
  // part of the location template, or nullopt for any other folder.
  std::optional<std::string> single(const Segment& segment, const std::string& hive) {
    size_t dynamic = 0;
    for (const Token& t : segment) dynamic += t.kind != Token::Kind::literal;
    if (dynamic != 1) return std::nullopt;
    AthenaPartition partition;
    std::string before, after;
    bool seen = false;
    for (const Token& t : segment) {
      if (t.kind == Token::Kind::literal) {
        (seen ? after : before) += t.text;
      } else if (t.kind == Token::Kind::host) {
        partition.kind = AthenaPartition::Kind::injected;
        partition.name = hive.empty() ? "host" : hive;
        seen = true;
      } else {
        const IntegerField field = integer_field(t.field);
        partition.kind = AthenaPartition::Kind::integer;
        partition.name = hive.empty() ? field.name : hive;
        partition.range = cat(field.min, ",", field.max);
        partition.digits = field.digits;
        seen = true;
      }
    }
    partition.name = unique(partition.name);
    const std::string column = partition.name;
    partitions_.push_back(std::move(partition));
    return cat(before, "${", column, "}", after);
  }

  std::vector<AthenaPartition> take() { return std::move(partitions_); }

 private:
  std::string unique(const std::string& wanted) {
    std::string name = wanted;
    for (int n = 2; std::find(taken_.begin(), taken_.end(), name) != taken_.end(); ++n) {
      name = cat(wanted, "_p", n == 2 ? "" : std::to_string(n));
    }
    taken_.push_back(name);
    return name;
  }

  // The range start in the partition's own format: the date run rendered at `since`.
  std::string render_date(const std::string& strftime_text) const {
    return render_key_prefix(strftime_text, *since_, "", "");
  }

  std::vector<std::string> taken_;
  std::optional<std::time_t> since_;
  std::vector<AthenaPartition> partitions_;
};

}  // namespace

Result<AthenaLayout> plan_athena_layout(std::string_view root, std::string_view key_prefix,
                                        std::string_view flow,
                                        const std::vector<std::string>& taken,
                                        std::optional<std::time_t> since) {
  FERRY_ASSERT(root.ends_with("/"));
  for (char c : cat(root, key_prefix)) {
    if (c == '\'' || c == '"' || c == '\\' || c == '$') {
      return make_error(cat("the location or keyPrefix holds ", std::string(1, c),
                            ", which athena-ddl does not quote into DDL"));
    }
  }
  // {flow} is one constant per table: render it first.
  std::string prefix;
  for (size_t i = 0; i < key_prefix.size(); ++i) {
    if (key_prefix.substr(i).starts_with("{flow}")) {
      prefix.append(flow);
      i += 5;
    } else {
      prefix.push_back(key_prefix[i]);
    }
  }
  // Only folders partition: what follows the last '/' starts the object names.
  std::vector<Segment> folders;
  const size_t last_slash = prefix.rfind('/');
  for (size_t start = 0; last_slash != std::string::npos && start <= last_slash;) {
    const size_t end = prefix.find('/', start);
    folders.push_back(tokenize(std::string_view(prefix).substr(start, end - start)));
    start = end + 1;
  }

  AthenaLayout layout;
  size_t first_dynamic = 0;
  layout.location = std::string(root);
  while (first_dynamic < folders.size() && is_static(folders[first_dynamic])) {
    layout.location += literal_text(folders[first_dynamic++]) + "/";
  }
  if (first_dynamic == folders.size()) return layout;

  Planner planner(taken, since);
  std::string location_template = layout.location;
  for (size_t i = first_dynamic; i < folders.size(); ++i) {
    const Segment& folder = folders[i];
    const std::string hive = hive_name(folder);
    std::optional<std::string> part;
    if (is_static(folder)) {
      part = literal_text(folder);
    } else if (has_field(folder, 'Y') && only_fields_and_text(folder)) {
      std::vector<Segment> run{folder};
      if (hive.empty()) {  // an unnamed run of date folders (%Y/%m/%d/%H) is one date
        while (i + 1 < folders.size() && !is_static(folders[i + 1]) &&
               only_fields_and_text(folders[i + 1]) && hive_name(folders[i + 1]).empty()) {
          run.push_back(folders[++i]);
        }
      }
      part = planner.date(run, hive.empty() ? "dt" : hive, hive.empty() ? 0 : 1);
      if (!hive.empty()) part = cat(folder.front().text, *part);
    } else {
      part = planner.single(folder, hive);
    }
    if (!part) {
      layout.unpartitioned_reason =
          cat("keyPrefix \"", key_prefix, "\": a folder mixes fields in a way partition ",
              "projection cannot express (one date, or one field or {host}, per folder)");
      return layout;
    }
    location_template += *part + "/";
  }
  layout.location_template = std::move(location_template);
  layout.partitions = planner.take();
  return layout;
}

}  // namespace ferry
