// dataProcessingOptions parsing (see config_processing.hpp). Messages follow the rest of the
// configuration: `config: flows[0].dataProcessingOptions[1].logFormat: must be one of ...`.
#include "agent/config/config_processing.hpp"

#include <algorithm>
#include <array>

#include "agent/config/config_keys.hpp"
#include "core/convert/data_processing_json.hpp"
#include "core/convert/data_processing_log_formats.hpp"
#include "core/convert/data_processing_regex.hpp"
#include "core/text.hpp"

namespace ferry::config {

namespace {

// In the order of ProcessingKind, JsonFormat and LogFormat.
constexpr std::array<std::string_view, 6> kOptionNames = {
    "SINGLELINE", "CSVTOJSON", "LOGTOJSON", "ADDMETADATA", "ADDEC2METADATA", "ADDBRACKETS"};
constexpr std::array<std::string_view, 2> kJsonFormats = {"COMPACT", "PRETTYPRINT"};
constexpr std::array<std::string_view, 5> kLogFormats = {
    "COMMONAPACHELOG", "COMBINEDAPACHELOG", "APACHEERRORLOG", "SYSLOG", "RFC3339SYSLOG"};
constexpr std::array<std::string_view, 2> kParseOptions = {"NO_TRIM", "ESCAPE_NEW_LINE"};

constexpr std::array<std::string_view, 11> kOptionKeys = {
    "optionName", "jsonFormat",  "parseOptions",     "customFieldNames",
    "delimiter",  "logFormat",   "matchPattern",     "metadata",
    "timestamp",  "metadataTTL", "metadataTimestamp"};
const KeyTable kProcessingKeys{kOptionKeys, {}};

constexpr uint64_t kMaxTtlSeconds = 7 * 24 * 3600;

// Which keys each option reads (the Java agent's converters); others get a warning.
bool option_uses(ProcessingKind kind, std::string_view key) {
  if (key == "optionName") return true;
  switch (kind) {
    case ProcessingKind::single_line: return key == "parseOptions";
    case ProcessingKind::csv_to_json:
      return key == "customFieldNames" || key == "delimiter" || key == "jsonFormat";
    case ProcessingKind::log_to_json:
      return key == "logFormat" || key == "matchPattern" || key == "customFieldNames" ||
             key == "jsonFormat";
    case ProcessingKind::add_metadata:
      return key == "metadata" || key == "timestamp" || key == "jsonFormat";
    case ProcessingKind::add_ec2_metadata:
      return key == "metadataTTL" || key == "logFormat" || key == "jsonFormat";
    case ProcessingKind::add_brackets: return false;
  }
  return false;
}

Result<std::vector<std::string>> read_field_names(element value, std::string_view path) {
  array items;
  FERRY_CONFIG_TRY(items, read_array(value, path));
  if (items.size() == 0) return config_error(path, "must list at least one field name");
  std::vector<std::string> names;
  std::size_t index = 0;
  for (element item : items) {
    std::string name;
    FERRY_CONFIG_TRY(name, read_string(item, index_path(path, index++)));
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      return config_error(
          path, cat(quote_value(name), " appears twice: one of the two values would be lost"));
    }
    names.push_back(std::move(name));
  }
  return names;
}

Status read_parse_options(element value, std::string_view path, ProcessingOption& option) {
  array items;
  FERRY_CONFIG_TRY(items, read_array(value, path));
  std::size_t index = 0;
  for (element item : items) {
    std::size_t choice = 0;
    FERRY_CONFIG_TRY(choice, read_choice(item, index_path(path, index++), kParseOptions));
    if (choice == 0) option.trim_lines = false;
    if (choice == 1) option.escape_new_line = true;
  }
  return Ok{};
}

// What the options need together, once every key is read.
Status check_option(const ProcessingOption& option, const KeyChecker& keys, bool has_field_names) {
  const std::string& path = keys.path();
  switch (option.kind) {
    case ProcessingKind::csv_to_json:
      if (!has_field_names) return keys.missing("customFieldNames");
      break;
    case ProcessingKind::log_to_json: {
      if (!option.has_log_format) return keys.missing("logFormat");
      if (!option.match_pattern.empty()) {
        if (!has_field_names) {
          return config_error(key_path(path, "matchPattern"),
                              "needs customFieldNames, one name per capturing group");
        }
        const auto pattern = processing::compile_pattern(option.match_pattern);
        if (!pattern) return config_error(key_path(path, "matchPattern"), pattern.error().message);
        if ((*pattern)->capture_count() != option.field_names.size()) {
          return config_error(
              key_path(path, "customFieldNames"),
              cat("names ", option.field_names.size(), " fields but matchPattern has ",
                  (*pattern)->capture_count(), " capturing groups"));
        }
      } else if (has_field_names) {
        const std::size_t expected = processing::log_field_names(option.log_format).size();
        if (option.field_names.size() != expected) {
          return config_error(key_path(path, "customFieldNames"),
                              cat("names ", option.field_names.size(), " fields but ",
                                  kLogFormats[static_cast<std::size_t>(option.log_format)], " has ",
                                  expected, " (give matchPattern to extract other fields)"));
        }
      }
      break;
    }
    default: break;
  }
  return Ok{};
}

Result<ProcessingOption> parse_option(element value, const std::string& path,
                                      std::vector<std::string>& warnings) {
  object fields;
  FERRY_CONFIG_TRY(fields, read_object(value, path));
  KeyChecker keys(kProcessingKeys, path, warnings);
  ProcessingOption option;
  // optionName first: it decides which of the other keys apply.
  bool has_name = false;
  for (simdjson::dom::key_value_pair field : fields) {
    if (field.key != "optionName") continue;
    std::size_t kind = 0;
    FERRY_CONFIG_TRY(kind, read_choice(field.value, key_path(path, field.key), kOptionNames));
    option.kind = static_cast<ProcessingKind>(kind);
    has_name = true;
  }
  bool has_field_names = false;
  for (simdjson::dom::key_value_pair field : fields) {
    const std::string_view key = field.key;
    const std::string where = key_path(path, key);
    if (!std::count(kOptionKeys.begin(), kOptionKeys.end(), key)) {
      keys.unhandled(key);
      continue;
    }
    if (key == "optionName") continue;
    if (has_name && !option_uses(option.kind, key)) {
      warnings.push_back(cat("config: ", where, ": not used by ",
                             kOptionNames[static_cast<std::size_t>(option.kind)], "; ignored"));
      continue;
    }
    if (key == "jsonFormat") {
      std::size_t format = 0;
      FERRY_CONFIG_TRY(format, read_choice(field.value, where, kJsonFormats));
      option.json_format = static_cast<JsonFormat>(format);
    } else if (key == "parseOptions") {
      const Status status = read_parse_options(field.value, where, option);
      if (!status) return status.error();
    } else if (key == "customFieldNames") {
      FERRY_CONFIG_TRY(option.field_names, read_field_names(field.value, where));
      has_field_names = true;
    } else if (key == "delimiter") {
      FERRY_CONFIG_TRY(option.delimiter, read_string(field.value, where));
      const auto splitter = processing::JavaSplitter::create(option.delimiter);
      if (!splitter) return config_error(where, splitter.error().message);
    } else if (key == "logFormat") {
      std::size_t format = 0;
      FERRY_CONFIG_TRY(format, read_choice(field.value, where, kLogFormats));
      option.log_format = static_cast<LogFormat>(format);
      option.has_log_format = true;
    } else if (key == "matchPattern") {
      FERRY_CONFIG_TRY(option.match_pattern, read_string(field.value, where));
      if (option.match_pattern.empty()) return config_error(where, "must not be empty");
    } else if (key == "metadata") {
      option.metadata_json.clear();
      processing::JacksonWriter writer;
      writer.reset(option.metadata_json, JsonFormat::compact);
      writer.element(field.value);
    } else if (key == "timestamp") {
      FERRY_CONFIG_TRY(option.timestamp, read_bool(field.value, where));
    } else if (key == "metadataTTL") {
      FERRY_CONFIG_TRY(option.metadata_ttl_seconds,
                       read_uint(field.value, where, 1, kMaxTtlSeconds));
    } else {
      keys.ignored(key);  // metadataTimestamp: ferry always adds the fetch time
    }
  }
  if (!has_name) return keys.missing("optionName");
  const Status checked = check_option(option, keys, has_field_names);
  if (!checked) return checked.error();
  return option;
}

}  // namespace

Result<std::vector<ProcessingOption>> parse_data_processing(element value, std::string_view path,
                                                            std::vector<std::string>& warnings) {
  if (value.is_null()) return std::vector<ProcessingOption>{};
  array items;
  FERRY_CONFIG_TRY(items, read_array(value, path));
  std::vector<ProcessingOption> options;
  std::size_t index = 0;
  for (element item : items) {
    const std::string option_path = index_path(path, index++);
    ProcessingOption option;
    FERRY_CONFIG_TRY(option, parse_option(item, option_path, warnings));
    options.push_back(std::move(option));
  }
  return options;
}

}  // namespace ferry::config
