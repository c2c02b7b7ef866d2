// Parses a flow's "redact" rules (see config_sections.hpp) into core/redact/redaction_rule.hpp
// values. A rule that redacts nothing is an error: a silently empty rule would ship the data it
// names. The one impure step: an hmac rule's keyFile is read here, so a bad key stops ferry at
// start.
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "agent/config/config_keys.hpp"
#include "agent/config/config_rules.hpp"
#include "agent/config/config_sections.hpp"
#include "agent/setup/secret_file_check.hpp"
#include "core/redact/field_path.hpp"
#include "core/redact/pattern_set.hpp"
#include "core/redact/redaction_order.hpp"
#include "core/text.hpp"

namespace ferry::config {

namespace {

constexpr std::array<std::string_view, 3> kModes = {"replace", "hmac", "remove"};
constexpr std::size_t kMinKeyBytes = 16;
constexpr std::uintmax_t kMaxKeyFileBytes = 4096;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The key file holds the key in hex (e.g. `openssl rand -hex 32`), surrounding whitespace
// ignored. Messages never quote its content.
Result<std::string> read_hmac_key(const std::string& file, std::string_view where) {
  // Only a small regular file: a key file pointing at /dev/zero or a FIFO must not hang start.
  std::error_code error;
  const auto status = std::filesystem::status(file, error);
  if (!error && std::filesystem::exists(status) &&
      (!std::filesystem::is_regular_file(status) ||
       std::filesystem::file_size(file, error) > kMaxKeyFileBytes)) {
    return config_error(where, cat(quote_value(file), " must be a regular file of at most ",
                                   kMaxKeyFileBytes, " bytes"));
  }
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return config_error(where, cat("cannot read ", quote_value(file), ": ", std::strerror(errno)));
  std::ostringstream content;
  content << in.rdbuf();
  std::string text = std::move(content).str();
  const std::string_view hex = trim_whitespace(text);
  std::string key;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    const int high = hex_digit(hex[i]), low = hex_digit(hex[i + 1]);
    if (high < 0 || low < 0) break;
    key.push_back(static_cast<char>(high * 16 + low));
  }
  if (key.size() * 2 != hex.size()) {
    return config_error(where, cat(quote_value(file), " must hold the key as hex digits only"));
  }
  if (key.size() < kMinKeyBytes) {
    return config_error(where, cat(quote_value(file), " holds a key of ", key.size(),
                                   " bytes; at least ", kMinKeyBytes, " are required"));
  }
  return key;
}

// Whether `field` is the path of exactly the top-level member `name`.
bool is_top_level(std::string_view field, std::string_view name) {
  const Result<FieldPath> path = parse_field_path(field);
  return path.ok() && path->size() == 1 && (*path)[0].key == name;
}

// "config: flows[0].redact[0] changes values that flows[0].redact[1] then hashes ..." and the fix.
std::string order_warning(const RuleOrderConflict& conflict, std::string_view path) {
  const std::string earlier = index_path(path, conflict.earlier);
  const std::string later = index_path(path, conflict.later);
  const bool hashes = conflict.later_mode == RedactMode::hmac;
  return cat("config: ", earlier, " changes values that ", later, " then ",
             hashes ? "hashes" : "removes", " (", quote_value(conflict.field), "): ",
             hashes ? "the pseudonyms would be of the changed values (after a replacement, every "
                      "record gets the same one), not of the originals"
                    : cat("they are removed either way, but the audit of ", earlier,
                          " counts them as redacted"),
             "; list ", later, " first, or leave that field out of ", earlier);
}

}  // namespace

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
    bool has_fields = false, has_replacement = false;
    std::string key_file;
    for (simdjson::dom::key_value_pair field : fields) {
      const std::string_view key = field.key;
      const std::string where = key_path(rule_path, key);
      if (key == "consentField") {
        FERRY_CONFIG_TRY(rule.consent_field, read_string(field.value, where));
      } else if (key == "replacement") {
        FERRY_CONFIG_TRY(rule.replacement, read_string(field.value, where));
        has_replacement = true;
      } else if (key == "flagField") {
        FERRY_CONFIG_TRY(rule.flag_field, read_string(field.value, where));
      } else if (key == "redactedAtField") {
        FERRY_CONFIG_TRY(rule.redacted_at_field, read_string(field.value, where));
      } else if (key == "mode") {
        std::size_t mode = 0;
        FERRY_CONFIG_TRY(mode, read_choice(field.value, where, kModes));
        rule.mode = static_cast<RedactMode>(mode);
      } else if (key == "keyFile") {
        FERRY_CONFIG_TRY(key_file, read_string(field.value, where));
        key_file = resolve_path(key_file, context.base_directory);
        const std::string problem = check_absolute_path(key_file);
        if (!problem.empty()) return config_error(where, problem);
      } else if (key == "patterns") {
        array entries;
        FERRY_CONFIG_TRY(entries, read_array(field.value, where));
        if (entries.size() == 0) return config_error(where, "must list at least one pattern");
        std::size_t entry_index = 0;
        for (element entry : entries) {
          std::string text;
          FERRY_CONFIG_TRY(text, read_string(entry, index_path(where, entry_index++)));
          if (text.empty())
            return config_error(index_path(where, entry_index - 1), "must not be empty");
          rule.patterns.push_back(std::move(text));
        }
        // Compiled here too, so that a bad expression stops ferry at start with its reason.
        const Result<PatternSet> compiled = PatternSet::compile(rule.patterns);
        if (!compiled.ok()) return config_error(where, compiled.error().message);
      } else if (key == "fields") {
        if (field.value.is_string() &&
            std::string_view(field.value.get_string().value_unsafe()) == "*") {
          rule.every_string = true;
          has_fields = true;
          continue;
        }
        array names;
        FERRY_CONFIG_TRY(names, read_array(field.value, where));
        if (names.size() == 0) return config_error(where, "must list at least one field");
        std::size_t name_index = 0;
        for (element name : names) {
          const std::string name_path = index_path(where, name_index++);
          std::string text;
          FERRY_CONFIG_TRY(text, read_string(name, name_path));
          if (text.empty()) return config_error(name_path, "must not be empty");
          const Result<FieldPath> parsed = parse_field_path(text);
          if (!parsed.ok()) {
            return config_error(name_path,
                                cat(parsed.error().message, ", got ", quote_value(text)));
          }
          for (const PathSegment& segment : *parsed) {
            if (!segment.any_element && segment.key.empty()) {
              return config_error(name_path,
                                  cat("invalid field path: empty key, got ", quote_value(text)));
            }
          }
          rule.fields.push_back(std::move(text));
        }
        has_fields = true;
      } else {
        keys.unhandled(key);
      }
    }
    if (!has_fields) return keys.missing("fields");
    if (rule.every_string && rule.patterns.empty()) {
      return config_error(key_path(rule_path, "fields"),
                          "\"*\" (every string) only applies to a rule with patterns");
    }
    if (!rule.patterns.empty() && rule.mode == RedactMode::remove) {
      return config_error(
          key_path(rule_path, "mode"),
          "must be \"replace\" or \"hmac\" in a rule with patterns, got \"remove\"");
    }
    if (has_replacement && rule.mode != RedactMode::replace) {
      return config_error(key_path(rule_path, "replacement"),
                          cat("only applies to mode \"replace\", got mode ",
                              quote_value(kModes[static_cast<std::size_t>(rule.mode)])));
    }
    if (rule.mode == RedactMode::hmac) {
      if (key_file.empty()) return keys.missing("keyFile");
      const std::string where = key_path(rule_path, "keyFile");
      FERRY_CONFIG_TRY(rule.hmac_key, read_hmac_key(key_file, where));
      // Anyone who reads the key can recompute the pseudonym of any value they can guess.
      if (auto warning = secret_file_warning(key_file, where, "an HMAC key"))
        context.warnings.push_back(std::move(*warning));
    } else if (!key_file.empty()) {
      return config_error(key_path(rule_path, "keyFile"), "only applies to mode \"hmac\"");
    }
    for (const std::string& name : rule.fields) {
      if (!rule.flag_field.empty() && is_top_level(name, rule.flag_field)) {
        return config_error(
            key_path(rule_path, "flagField"),
            cat("must not be one of the redacted fields, got ", quote_value(rule.flag_field)));
      }
      if (!rule.redacted_at_field.empty() && is_top_level(name, rule.redacted_at_field)) {
        return config_error(key_path(rule_path, "redactedAtField"),
                            cat("must not be one of the redacted fields, got ",
                                quote_value(rule.redacted_at_field)));
      }
    }
    if (!rule.flag_field.empty() && rule.flag_field == rule.redacted_at_field) {
      return config_error(key_path(rule_path, "redactedAtField"),
                          cat("must not be the flagField, got ", quote_value(rule.flag_field)));
    }
    rules.push_back(std::move(rule));
  }
  // Rules apply in order: a flag or time that is also a consent field would grant or withhold
  // the consent itself.
  for (std::size_t i = 0; i < rules.size(); ++i) {
    for (const RedactionRule& other : rules) {
      if (!rules[i].flag_field.empty() && rules[i].flag_field == other.consent_field) {
        return config_error(
            key_path(index_path(path, i), "flagField"),
            cat("must not be a consentField of this flow, got ", quote_value(rules[i].flag_field)));
      }
      if (!rules[i].redacted_at_field.empty() &&
          rules[i].redacted_at_field == other.consent_field) {
        return config_error(key_path(index_path(path, i), "redactedAtField"),
                            cat("must not be a consentField of this flow, got ",
                                quote_value(rules[i].redacted_at_field)));
      }
    }
  }
  for (const RuleOrderConflict& conflict : rule_order_conflicts(rules))
    context.warnings.push_back(order_warning(conflict, path));
  return rules;
}

}  // namespace ferry::config
