// Parses a flow's "redact" rules (see config_sections.hpp) into core/redaction_rule.hpp values.
// A rule that redacts nothing is an error: a silently empty rule would ship the data it names.
#include "agent/config_keys.hpp"
#include "agent/config_sections.hpp"
#include "core/text.hpp"

namespace ferry::config {

Result<std::vector<RedactionRule>> parse_redact_rules(element value, std::string_view path,
                                                      ParseContext& context) {
  array items;
  FERRY_CONFIG_TRY(items, read_array(value, path));
  std::vector<RedactionRule> rules;
  std::size_t index = 0;
  for (element item : items) {
    const std::string rule_path = index_path(path, index++);
    object fields;
    FERRY_CONFIG_TRY(fields, read_object(item, rule_path));
    KeyChecker keys(kRedactKeys, rule_path, context.warnings);
    RedactionRule rule;
    bool has_fields = false;
    for (simdjson::dom::key_value_pair field : fields) {
      const std::string_view key = field.key;
      const std::string where = key_path(rule_path, key);
      if (key == "consentField") {
        FERRY_CONFIG_TRY(rule.consent_field, read_string(field.value, where));
      } else if (key == "replacement") {
        FERRY_CONFIG_TRY(rule.replacement, read_string(field.value, where));
      } else if (key == "flagField") {
        FERRY_CONFIG_TRY(rule.flag_field, read_string(field.value, where));
      } else if (key == "fields") {
        array names;
        FERRY_CONFIG_TRY(names, read_array(field.value, where));
        if (names.size() == 0) return config_error(where, "must list at least one field");
        std::size_t name_index = 0;
        for (element name : names) {
          const std::string name_path = index_path(where, name_index++);
          std::string text;
          FERRY_CONFIG_TRY(text, read_string(name, name_path));
          if (text.empty()) return config_error(name_path, "must not be empty");
          rule.fields.push_back(std::move(text));
        }
        has_fields = true;
      } else {
        keys.unhandled(key);
      }
    }
    if (!has_fields) return keys.missing("fields");
    for (const std::string& name : rule.fields) {
      if (!rule.flag_field.empty() && name == rule.flag_field) {
        return config_error(
            key_path(rule_path, "flagField"),
            cat("must not be one of the redacted fields, got ", quote_value(rule.flag_field)));
      }
    }
    rules.push_back(std::move(rule));
  }
  // Rules apply in order: a flag that is also a consent field would grant the consent itself.
  for (std::size_t i = 0; i < rules.size(); ++i) {
    for (const RedactionRule& other : rules) {
      if (!rules[i].flag_field.empty() && rules[i].flag_field == other.consent_field) {
        return config_error(
            key_path(index_path(path, i), "flagField"),
            cat("must not be a consentField of this flow, got ", quote_value(rules[i].flag_field)));
      }
    }
  }
  return rules;
}

}  // namespace ferry::config
