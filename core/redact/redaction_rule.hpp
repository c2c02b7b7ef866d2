// One redaction rule of a flow (config key `redact`), as plain data shared by config and redactor.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ferry {

// What a rule does to each value its fields select.
enum class RedactMode : uint8_t {
  replace,  // the value becomes the JSON string `replacement`
  hmac,     // the value becomes the lowercase hex HMAC-SHA256 of its text under `hmac_key`
  remove,   // the member (or array element) disappears
};

struct RedactionRule {
  // The rule applies to a record unless this top-level field is JSON `true` (every occurrence).
  // Empty: the rule applies to every record.
  std::string consent_field;
  // Field paths (core/redact/field_path.hpp) whose values are redacted: every occurrence, escaped
  // spellings included, nested through objects and `[*]` array elements.
  std::vector<std::string> fields;
  std::string replacement = "REDACTED_CONTENT";
  // When non-empty, a redacted record carries `"<flag_field>": true` (exactly once).
  std::string flag_field;
  RedactMode mode = RedactMode::replace;
  // The HMAC key's bytes (mode hmac only), read from the rule's keyFile. Never logged.
  std::string hmac_key;
  // When non-empty, a redacted record carries `"<redacted_at_field>": "<UTC ISO 8601 time>"`.
  std::string redacted_at_field;
  // Pattern rule when non-empty (core/redact/pattern_set.hpp): built-in names or regular expressions.
  // Only the matches inside the string values that `fields` select are redacted (replace or
  // hmac of each match), and the flags are set only on records where something matched.
  std::vector<std::string> patterns;
  // Pattern rules only: every string value of the record, instead of `fields`.
  bool every_string = false;

  bool operator==(const RedactionRule&) const = default;
};

// A short description for logs, e.g. `consent data_share_consent: dob, ssn_no (replace)` or
// `patterns us_ssn, email in * (hmac)`. Never includes the HMAC key.
std::string describe(const RedactionRule& rule);

// What one rule did (the audit): records it changed (a value redacted, or its flag or time
// added) and values it replaced, hashed or removed (for pattern rules, the matches).
struct RuleAudit {
  uint64_t records = 0;
  uint64_t values = 0;

  RuleAudit& operator+=(const RuleAudit& other) {
    records += other.records;
    values += other.values;
    return *this;
  }
};

// "rule <index from 1> <description>: <records> records changed, <values> values redacted"
std::string describe_audit(size_t index, std::string_view description, const RuleAudit& audit);

}  // namespace ferry
