// Redactor: DOM-validates a record, decides consent per rule, splices replacements into the bytes.
// Worker threads, one instance each; every buffer is reused so steady state does not allocate.
#include "core/redactor.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "core/assert.hpp"
#include "core/text.hpp"

namespace ferry {

namespace {

bool is_json_whitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// The scanner below only ever walks bytes that simdjson's DOM parser has accepted, so it can
// be this small; its asserts guard that assumption rather than validate input.
size_t skip_whitespace(std::string_view s, size_t i) {
  while (i < s.size() && is_json_whitespace(s[i])) ++i;
  FERRY_ASSERT(i < s.size());
  return i;
}

// `i` is at an opening quote; returns the index just past the closing quote.
size_t skip_string(std::string_view s, size_t i) {
  FERRY_ASSERT(s[i] == '"');
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;  // the escaped character can be a quote
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  FERRY_ASSERT(false && "unterminated string in a validated document");
  return s.size();
}

// `i` is at the first byte of a value; returns the index just past it.
size_t skip_value(std::string_view s, size_t i) {
  const char first = s[i];
  if (first == '"') return skip_string(s, i);
  if (first == '{' || first == '[') {
    size_t depth = 0;
    while (i < s.size()) {
      const char c = s[i];
      if (c == '"') {
        i = skip_string(s, i);
        continue;
      }
      if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        --depth;
        if (depth == 0) return i + 1;
      }
      ++i;
    }
    FERRY_ASSERT(false && "unbalanced container in a validated document");
  }
  // true, false, null or a number: ends at a delimiter.
  while (i < s.size() && !is_json_whitespace(s[i]) && s[i] != ',' && s[i] != '}' && s[i] != ']') {
    ++i;
  }
  return i;
}

// Replaces each maximal invalid UTF-8 subsequence by U+FFFD, so that a file name made of
// arbitrary bytes still yields valid JSON in the invalid-record marker.
void repair_utf8(std::string_view in, std::string& out) {
  out.clear();
  size_t i = 0;
  while (i < in.size()) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte (RFC 3629 table)
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c == 0xE0) {
      len = 3, lo = 0xA0;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      len = 3;
    } else if (c == 0xED) {
      len = 3, hi = 0x9F;
    } else if (c == 0xF0) {
      len = 4, lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
      len = 4;
    } else if (c == 0xF4) {
      len = 4, hi = 0x8F;
    }
    size_t valid = 1;
    while (len != 0 && valid < len && i + valid < in.size()) {
      const auto b = static_cast<unsigned char>(in[i + valid]);
      const unsigned char min = valid == 1 ? lo : 0x80, max = valid == 1 ? hi : 0xBF;
      if (b < min || b > max) break;
      ++valid;
    }
    if (len != 0 && valid == len) {
      out.append(in.substr(i, len));
    } else {
      out.append("\xEF\xBF\xBD");
    }
    i += valid;
  }
}

void append_decimal(std::string& out, uint64_t value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, result.ptr);
}

}  // namespace

Redactor::Redactor(std::vector<RedactionRule> rules) {
  rules_.reserve(rules.size());
  for (auto& rule : rules) {
    // Both strings are written into the output; invalid UTF-8 there would make it invalid JSON.
    // Config validation rejects such rules, so reaching here with one is a bug.
    FERRY_ASSERT(simdjson::validate_utf8(rule.replacement.data(), rule.replacement.size()));
    FERRY_ASSERT(simdjson::validate_utf8(rule.flag_field.data(), rule.flag_field.size()));
    PreparedRule prepared;
    append_json_string(prepared.replacement_json, rule.replacement);
    append_json_string(prepared.flag_key_json, rule.flag_field);
    prepared.rule = std::move(rule);
    rules_.push_back(std::move(prepared));
  }
}

RedactOutcome Redactor::process(std::string_view record, const RecordOrigin& origin,
                                std::string& out) {
  if (rules_.empty()) {
    out.append(record);
    out.push_back('\n');
    return RedactOutcome::passed;
  }
  if (!parse(record)) {
    append_invalid_marker(record, origin, out);
    return RedactOutcome::invalid;
  }
  if (!apply_rules()) {
    out.append(record);
    out.push_back('\n');
    return RedactOutcome::passed;
  }
  scan_value_spans(record);
  splice(record, out);
  return RedactOutcome::redacted;
}

// The DOM parser validates the whole record (structure, UTF-8, escapes, number ranges). What it
// rejects is invalid for ferry too, fail-closed: e.g. 1e400 or 123456789012345678901234567890
// (outside double / 64-bit integer range) and nesting deeper than 1024 make a record invalid.
bool Redactor::parse(std::string_view record) {
  const size_t needed = record.size() + simdjson::SIMDJSON_PADDING;
  if (padded_capacity_ < needed) {
    padded_capacity_ = std::max(needed, 2 * padded_capacity_);
    padded_ = std::make_unique_for_overwrite<char[]>(padded_capacity_);
  }
  if (!record.empty()) std::memcpy(padded_.get(), record.data(), record.size());

  simdjson::dom::element root;
  if (parser_.parse(padded_.get(), record.size(), false).get(root) != simdjson::SUCCESS) {
    return false;
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) return false;

  // DOM iteration keeps document order and duplicate keys, and yields unescaped keys.
  members_.clear();
  for (const simdjson::dom::key_value_pair field : object) {
    bool value = false;
    const bool is_true = field.value.get_bool().get(value) == simdjson::SUCCESS && value;
    members_.push_back(Member{field.key, is_true, ValueState::original, false, 0, 0, 0, 0});
  }
  original_members_ = members_.size();
  return true;
}

bool Redactor::consents(std::string_view consent_field) const {
  if (consent_field.empty()) return false;
  bool present = false;
  for (const Member& member : members_) {
    if (member.key != consent_field) continue;
    present = true;
    const bool is_true = member.state == ValueState::flag_true ||
                         (member.state == ValueState::original && member.original_is_true);
    if (!is_true) return false;  // any occurrence that is not `true` withholds consent
  }
  return present;
}

// Applies the rules in order to the member states; returns whether any rule applied.
bool Redactor::apply_rules() {
  bool applied = false;
  for (size_t r = 0; r < rules_.size(); ++r) {
    const RedactionRule& rule = rules_[r].rule;
    if (consents(rule.consent_field)) continue;
    applied = true;
    for (Member& member : members_) {
      if (std::find(rule.fields.begin(), rule.fields.end(), member.key) != rule.fields.end()) {
        member.state = ValueState::replaced;
        member.replaced_by = r;
      }
    }
    if (rule.flag_field.empty()) continue;
    // The flag goes last so that it wins over a listed field of the same name.
    bool flagged = false;
    for (Member& member : members_) {
      if (member.key == rule.flag_field) {
        member.state = ValueState::flag_true;
        flagged = true;
      }
    }
    if (!flagged) {
      members_.push_back(Member{rule.flag_field, false, ValueState::flag_true, true, 0, r, 0, 0});
    }
  }
  return applied;
}

// Finds the value span of each original top-level member, in the order the DOM yielded them.
void Redactor::scan_value_spans(std::string_view s) {
  size_t i = skip_whitespace(s, 0);
  FERRY_ASSERT(s[i] == '{');
  i = skip_whitespace(s, i + 1);
  size_t count = 0;
  last_value_end_ = 0;
  while (s[i] != '}') {
    if (s[i] == ',') i = skip_whitespace(s, i + 1);
    i = skip_whitespace(s, skip_string(s, i));
    FERRY_ASSERT(s[i] == ':');
    i = skip_whitespace(s, i + 1);
    const size_t value_begin = i;
    i = skip_value(s, i);
    FERRY_ASSERT(count < original_members_);
    members_[count].value_begin = value_begin;
    members_[count].value_end = i;
    last_value_end_ = i;
    ++count;
    i = skip_whitespace(s, i);
  }
  FERRY_ASSERT(count == original_members_);
  close_brace_ = i;
}

void Redactor::append_value(const Member& member, std::string& out) const {
  if (member.state == ValueState::flag_true) {
    out.append("true");
  } else {
    FERRY_ASSERT(member.state == ValueState::replaced);
    out.append(rules_[member.replaced_by].replacement_json);
  }
}

void Redactor::splice(std::string_view record, std::string& out) const {
  size_t cursor = 0;
  for (size_t m = 0; m < original_members_; ++m) {
    const Member& member = members_[m];
    if (member.state == ValueState::original) continue;
    out.append(record.substr(cursor, member.value_begin - cursor));
    append_value(member, out);
    cursor = member.value_end;
  }
  // Appended flags go right after the last member (or inside an empty object).
  const size_t insert_at = original_members_ > 0 ? last_value_end_ : close_brace_;
  out.append(record.substr(cursor, insert_at - cursor));
  cursor = insert_at;
  bool comma = original_members_ > 0;
  for (size_t m = original_members_; m < members_.size(); ++m) {
    const Member& member = members_[m];
    FERRY_ASSERT(member.appended);
    if (comma) out.push_back(',');
    comma = true;
    out.append(rules_[member.appended_by].flag_key_json);
    out.push_back(':');
    append_value(member, out);
  }
  out.append(record.substr(cursor));
  out.push_back('\n');
}

void Redactor::append_invalid_marker(std::string_view record, const RecordOrigin& origin,
                                     std::string& out) {
  out.append(R"({"ferry_invalid_record":true,"file":)");
  if (simdjson::validate_utf8(origin.file.data(), origin.file.size())) {
    append_json_string(out, origin.file);
  } else {
    repair_utf8(origin.file, file_scratch_);
    append_json_string(out, file_scratch_);
  }
  out.append(R"(,"offset":)");
  append_decimal(out, origin.offset);
  out.append(R"(,"length":)");
  append_decimal(out, record.size());
  out.append("}\n");
}

}  // namespace ferry
