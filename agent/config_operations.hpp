// The operations keys of agent.json (metrics.listen, metrics.unhealthyAfterSeconds, log.format,
// log.statusReportingPeriodSeconds) into config::Operations. Internal to agent/config.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "agent/config.hpp"
#include "agent/config_values.hpp"

namespace ferry::config {

bool is_operations_key(std::string_view key);

// One key at `path` into `operations`; a non-loopback metrics address adds a warning.
Status parse_operations_key(std::string_view key, element value, std::string_view path,
                            Operations& operations, std::vector<std::string>& warnings);

}  // namespace ferry::config
