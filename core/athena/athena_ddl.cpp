// Renders a JsonSchema as Athena column types and assembles the CREATE EXTERNAL TABLE text.
#include "core/athena/athena_ddl.hpp"

#include <map>
#include <set>

#include "core/assert.hpp"
#include "core/text.hpp"

namespace ferry {
namespace {

using Kind = JsonType::Kind;

// A key the DDL can name: not empty, and no quote, backslash or control byte to escape.
bool usable_key(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (c == '\'' || c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}

// Gives every JSON key its Athena name, the same key the same name at every level.
class Namer {
 public:
  explicit Namer(AthenaColumns& out) : out_(out) {}

  std::string name(std::string_view key) {
    std::string lower(key);
    for (char& c : lower) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    const std::string base = athena_name(key);
    std::string name = base;
    for (int n = 2;; ++n) {
      const auto [owner, inserted] = owners_.emplace(name, lower);
      if (inserted || owner->second == lower) break;
      name = cat(base, "_", n);
    }
    if (name != lower && !mapped_.contains(name)) {
      mapped_.emplace(name);
      out_.mappings.emplace_back(name, lower);
    }
    return name;
  }

  std::string type(const JsonType& type) {
    switch (type.kind) {
      case Kind::null: return "string";
      case Kind::boolean: return "boolean";
      case Kind::bigint: return "bigint";
      case Kind::real: return "double";
      case Kind::text: return "string";
      case Kind::array:
        return type.element.empty() ? "array<string>"
                                    : cat("array<", this->type(type.element[0]), ">");
      case Kind::object: {
        std::string members;
        for (const JsonField& field : type.fields) {
          if (!usable_key(field.name)) continue;
          if (!members.empty()) members += ",";
          members += cat("`", name(field.name), "`:", this->type(field.type));
        }
        return members.empty() ? "string" : cat("struct<", members, ">");
      }
    }
    return "string";
  }

 private:
  AthenaColumns& out_;
  std::map<std::string, std::string> owners_;  // Athena name -> lowercased JSON key
  std::set<std::string> mapped_;
};

// A DDL string literal. Keys, locations and templates hold no quote or backslash (checked
// before); a Java date pattern quotes its literal text with ', so it goes in double quotes,
// which Athena's (Hive's) DDL accepts as well.
std::string sql_string(std::string_view text) {
  FERRY_ASSERT(text.find('\\') == std::string_view::npos &&
               text.find('"') == std::string_view::npos);
  if (text.find('\'') == std::string_view::npos) return cat("'", text, "'");
  return cat("\"", text, "\"");
}

void append_properties(std::string& out,
                       const std::vector<std::pair<std::string, std::string>>& properties) {
  for (size_t i = 0; i < properties.size(); ++i) {
    out += cat("  ", sql_string(properties[i].first), " = ", sql_string(properties[i].second),
               i + 1 < properties.size() ? ",\n" : "\n");
  }
}

}  // namespace

std::string athena_name(std::string_view key) {
  std::string name;
  name.reserve(key.size());
  for (char c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    name.push_back(plain ? c : '_');
  }
  return name;
}

AthenaColumns athena_columns(const JsonType& schema) {
  FERRY_ASSERT(schema.kind == Kind::object);
  AthenaColumns out;
  Namer namer(out);
  for (const JsonField& field : schema.fields) {
    if (!usable_key(field.name)) continue;
    std::string name = namer.name(field.name);
    out.columns.push_back(AthenaColumn{std::move(name), namer.type(field.type)});
  }
  return out;
}

std::string create_table_ddl(std::string_view table, const AthenaColumns& columns,
                             const AthenaLayout& layout) {
  std::string out = cat("CREATE EXTERNAL TABLE IF NOT EXISTS `", table, "` (\n");
  for (size_t i = 0; i < columns.columns.size(); ++i) {
    out += cat("  `", columns.columns[i].name, "` ", columns.columns[i].type,
               i + 1 < columns.columns.size() ? ",\n" : "\n");
  }
  out += ")\n";
  if (!layout.partitions.empty()) {
    out += "PARTITIONED BY (\n";
    for (size_t i = 0; i < layout.partitions.size(); ++i) {
      const AthenaPartition& p = layout.partitions[i];
      out += cat("  `", p.name, "` ", p.kind == AthenaPartition::Kind::integer ? "int" : "string",
                 i + 1 < layout.partitions.size() ? ",\n" : "\n");
    }
    out += ")\n";
  }
  // OpenX: reads a nested value under a string column as its JSON text, matches keys without
  // regard to case, and skips a line that is not JSON instead of failing the query.
  std::vector<std::pair<std::string, std::string>> serde{{"ignore.malformed.json", "true"}};
  for (const auto& [column, key] : columns.mappings)
    serde.emplace_back(cat("mapping.", column), key);
  out += "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\nWITH SERDEPROPERTIES (\n";
  append_properties(out, serde);
  out += ")\n";
  out +=
      "STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'\n"
      "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'\n";
  out += cat("LOCATION ", sql_string(layout.location), "\n");
  std::vector<std::pair<std::string, std::string>> properties;
  if (!layout.partitions.empty()) {
    properties.emplace_back("projection.enabled", "true");
    for (const AthenaPartition& p : layout.partitions) {
      const std::string key = cat("projection.", p.name, ".");
      switch (p.kind) {
        case AthenaPartition::Kind::date:
          properties.emplace_back(key + "type", "date");
          properties.emplace_back(key + "format", p.format);
          properties.emplace_back(key + "range", p.range);
          properties.emplace_back(key + "interval", "1");
          properties.emplace_back(key + "interval.unit", p.unit);
          break;
        case AthenaPartition::Kind::integer:
          properties.emplace_back(key + "type", "integer");
          properties.emplace_back(key + "range", p.range);
          properties.emplace_back(key + "digits", std::to_string(p.digits));
          break;
        case AthenaPartition::Kind::injected:
          properties.emplace_back(key + "type", "injected");
          break;
      }
    }
    properties.emplace_back("storage.location.template", layout.location_template);
  }
  if (!properties.empty()) {
    out += "TBLPROPERTIES (\n";
    append_properties(out, properties);
    out += ")";
  }
  while (out.ends_with("\n")) out.pop_back();
  return out + ";\n";
}

}  // namespace ferry
