// Parsing of the operations keys.
#include "agent/config_operations.hpp"

#include <array>

#include "core/listen_address.hpp"
#include "core/text.hpp"

namespace ferry::config {

namespace {

constexpr std::array<std::string_view, 2> kLogFormats = {"text", "json"};

}  // namespace

bool is_operations_key(std::string_view key) {
  return key == "metrics.listen" || key == "metrics.unhealthyAfterSeconds" || key == "log.format" ||
         key == "log.statusReportingPeriodSeconds";
}

Status parse_operations_key(std::string_view key, element value, std::string_view path,
                            Operations& operations, std::vector<std::string>& warnings) {
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
  } else {
    FERRY_CONFIG_TRY(operations.status_period_seconds, read_uint(value, path, 0, 86400));
  }
  return Ok{};
}

}  // namespace ferry::config
