// Parsing of the operations keys.
#include "agent/config/config_operations.hpp"

#include <array>
#include <optional>
#include <string>

#include "agent/config/config_rules.hpp"
#include "core/http/listen_address.hpp"
#include "core/text.hpp"

namespace ferry::config {

namespace {

constexpr std::array<std::string_view, 2> kLogFormats = {"text", "json"};
// A roll checks sizes by adding to them: stay far from overflow.
constexpr uint64_t kMaxLogFileSize = 1ull << 40;

// The value as written if it is an integer at most 0 (a number, or a string of digits).
std::optional<std::string> at_most_zero(element value) {
  int64_t number = 0;
  if (value.get_int64().get(number) == simdjson::SUCCESS)
    return number <= 0 ? std::optional(std::to_string(number)) : std::nullopt;
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) return std::nullopt;
  const bool negative = text.starts_with('-');
  const std::string_view digits = negative ? text.substr(1) : text;
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  const bool zero = digits.find_first_not_of('0') == std::string_view::npos;
  return negative || zero ? std::optional(quote_value(text)) : std::nullopt;
}

// log.maxFileSize and log.maxBackupIndex: Logging.java hands them to log4j only when they are
// above 0 (its own default is -1); 0 or less keeps custom.log4j.xml's value, with a warning
// since log4j itself reads MaxBackupIndex 0 as "no backups".
Result<uint64_t> read_rollover_setting(element value, std::string_view path, uint64_t max,
                                       uint64_t fallback, std::vector<std::string>& warnings) {
  if (const std::optional<std::string> written = at_most_zero(value)) {
    warnings.push_back(cat("config: ", path, ": ", *written, " keeps the default ", fallback,
                           ", as in the Kinesis Agent (only a value above 0 sets it)"));
    return fallback;
  }
  return read_uint(value, path, 1, max);
}

}  // namespace

bool is_operations_key(std::string_view key) {
  return key == "metrics.listen" || key == "metrics.unhealthyAfterSeconds" || key == "log.format" ||
         key == "log.statusReportingPeriodSeconds" || key == "log.file" ||
         key == "log.maxFileSize" || key == "log.maxBackupIndex";
}

Status parse_operations_key(std::string_view key, element value, std::string_view path,
                            std::string_view base_directory, Operations& operations,
                            std::vector<std::string>& warnings) {
  if (key == "metrics.listen") {
    std::string text;
    FERRY_CONFIG_TRY(text, read_string(value, path));
    const auto address = parse_listen_address(text);
    if (!address) return config_error(path, address.error().message);
    if (!address->loopback())
      warnings.push_back(cat("config: ", path, ": ", quote_value(text),
                             " is not a loopback address: anyone who can reach it reads the "
                             "metrics (flow names, rule descriptions, file counts)"));
    operations.metrics_listen = text;
  } else if (key == "metrics.unhealthyAfterSeconds") {
    uint64_t seconds = 0;
    FERRY_CONFIG_TRY(seconds, read_uint(value, path, 1, 86400));
    operations.unhealthy_after_millis = seconds * 1000;
  } else if (key == "log.format") {
    std::size_t choice = 0;
    FERRY_CONFIG_TRY(choice, read_choice(value, path, kLogFormats));
    operations.log_format = choice == 0 ? LogFormat::text : LogFormat::json;
  } else if (key == "log.file") {
    std::string file;
    FERRY_CONFIG_TRY(file, read_string(value, path));
    if (!file.empty()) {  // "": no file, as without the key
      file = resolve_path(file, base_directory);
      const std::string problem = check_absolute_path(file);
      if (!problem.empty()) return config_error(path, problem);
    }
    operations.log_file = std::move(file);
  } else if (key == "log.maxFileSize") {
    FERRY_CONFIG_TRY(
        operations.log_rotation.max_file_size,
        read_rollover_setting(value, path, kMaxLogFileSize, kDefaultLogMaxFileSize, warnings));
  } else if (key == "log.maxBackupIndex") {
    uint64_t backups = 0;
    FERRY_CONFIG_TRY(backups, read_rollover_setting(value, path, kMaxLogBackupIndex,
                                                    kDefaultLogMaxBackupIndex, warnings));
    operations.log_rotation.max_backup_index = static_cast<uint32_t>(backups);
  } else {
    FERRY_ASSERT(key == "log.statusReportingPeriodSeconds");
    FERRY_CONFIG_TRY(operations.status_period_seconds, read_uint(value, path, 0, 86400));
  }
  return Ok{};
}

}  // namespace ferry::config
