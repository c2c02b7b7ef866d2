// One redaction rule of a flow (config key `redact`), as plain data shared by config and redactor.
#pragma once

#include <string>
#include <vector>

namespace ferry {

struct RedactionRule {
  // The rule applies to a record unless this top-level field is JSON `true` (every occurrence).
  // Empty: the rule applies to every record.
  std::string consent_field;
  // Top-level fields whose values are replaced (every occurrence, escaped spellings included).
  std::vector<std::string> fields;
  std::string replacement = "REDACTED_CONTENT";
  // When non-empty, a redacted record carries `"<flag_field>": true` (exactly once).
  std::string flag_field;
};

}  // namespace ferry
