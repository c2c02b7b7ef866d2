// The answers of the metrics server: /metrics (Prometheus text) and /healthz, from the metrics
// registry and a look at each active flow's files.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/observe/metrics.hpp"
#include "io/metrics_server.hpp"

namespace ferry {

// `grace_millis`: metrics.unhealthyAfterSeconds, beyond each flow's maxObjectAgeMillis.
HttpAnswer answer_metrics_request(std::string_view path, const Metrics& metrics,
                                  int64_t grace_millis);

// Files and lag of every registered flow, by registration order (inactive flows: zeros).
std::vector<FlowSample> sample_flows(const Metrics& metrics);

}  // namespace ferry
