// Log descriptions of redaction rules.
#include "core/redact/redaction_rule.hpp"

#include "core/text.hpp"

namespace ferry {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out.append(out.empty() ? "" : ", ").append(item);
  return out;
}

std::string_view mode_name(RedactMode mode) {
  switch (mode) {
    case RedactMode::replace: return "replace";
    case RedactMode::hmac: return "hmac";
    case RedactMode::remove: return "remove";
  }
  return "?";
}

}  // namespace

std::string describe(const RedactionRule& rule) {
  std::string out = rule.consent_field.empty() ? "" : cat("consent ", rule.consent_field, ", ");
  if (rule.patterns.empty()) {
    out.append(cat("fields ", join(rule.fields)));
  } else {
    out.append(cat("patterns ", join(rule.patterns), " in ",
                   rule.every_string ? std::string("*") : join(rule.fields)));
  }
  return cat(out, " (", mode_name(rule.mode), ")");
}

std::string describe_audit(size_t index, std::string_view description, const RuleAudit& audit) {
  return cat("rule ", index + 1, " ", description, ": ", audit.records, " records changed, ",
             audit.values, " values redacted");
}

}  // namespace ferry
