// The Kinesis Agent's cloudwatch.* keys of agent.json into config::CloudWatchOptions, and the
// emitMetrics default that depends on the flows. Internal to agent/config/config.cpp.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "agent/config/config.hpp"
#include "agent/config/config_values.hpp"

namespace ferry::config {

// The cloudwatch.* keys as read, before the flows are known.
struct CloudWatchKeys {
  CloudWatchOptions options;
  std::optional<bool> emit_metrics;  // "cloudwatch.emitMetrics", when given
};

bool is_cloudwatch_key(std::string_view key);

// One key at `path` into `keys`.
Status parse_cloudwatch_key(std::string_view key, element value, std::string_view path,
                            CloudWatchKeys& keys);

// The options with emitMetrics resolved: as given, else true when a flow sends to Firehose or
// Kinesis (the Java agent's configurations, whose default is true) and false otherwise.
CloudWatchOptions resolve_cloudwatch(const CloudWatchKeys& keys, const std::vector<Flow>& flows);

}  // namespace ferry::config
