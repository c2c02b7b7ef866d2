// The operations keys of agent.json (metrics.listen, metrics.unhealthyAfterSeconds, log.format,
// log.statusReportingPeriodSeconds, log.file, log.maxFileSize, log.maxBackupIndex) into
// config::Operations. Internal to agent/config/config.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "agent/config/config.hpp"
#include "agent/config/config_values.hpp"

namespace ferry::config {

bool is_operations_key(std::string_view key);

// One key at `path` into `operations`; a non-loopback metrics address adds a warning. A relative
// log.file is resolved against `base_directory` (none: it must be absolute).
Status parse_operations_key(std::string_view key, element value, std::string_view path,
                            std::string_view base_directory, Operations& operations,
                            std::vector<std::string>& warnings);

}  // namespace ferry::config
