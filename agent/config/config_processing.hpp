// Parses a flow's "dataProcessingOptions" (the Kinesis Agent's list of record converters) into
// core/convert/data_processing.hpp values, checking everything the chain relies on: patterns compile,
// field names match the pattern's groups, metadata is JSON. Pure, any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "agent/config/config_values.hpp"
#include "core/convert/data_processing.hpp"

namespace ferry::config {

// `value` at `path` (e.g. `flows[0].dataProcessingOptions`); keys an option does not use and
// unknown keys add warnings.
Result<std::vector<ProcessingOption>> parse_data_processing(element value, std::string_view path,
                                                            std::vector<std::string>& warnings);

}  // namespace ferry::config
