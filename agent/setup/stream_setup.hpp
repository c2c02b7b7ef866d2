// What a run needs for its Kinesis / Firehose flows: each flow's destination (endpoint, signing
// region, backoff) as a StreamTarget, how its records become calls (ShipStream), and the
// sender threads they share. Internal to agent/pipeline.cpp.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "agent/config/config.hpp"
#include "agent/shipper.hpp"
#include "core/result.hpp"
#include "io/aws/stream_sender.hpp"

namespace ferry {

// `region`: the configuration's region in effect (s3.region, AWS_REGION, ... us-east-1), only
// for the warning when the stream's endpoint is unset: the stream itself is reached as the
// Kinesis Agent reaches it (kinesis.region, the endpoint's region, else us-east-1).
Result<StreamTarget> stream_target_of(const config::Config& config,
                                      const config::StreamDestination& stream,
                                      const std::string& region, FlowMetrics& metrics);

ShipStream ship_stream_of(const config::Flow& flow, const config::StreamDestination& stream,
                          size_t target);

// maxSendingThreads, else maxSendingThreadsPerCore x `cpus` (the CPUs ferry may use, counted as
// the Kinesis Agent's JVM counts them: io/cpu_budget_probe), at most kDefaultMaxSendingThreads.
size_t sending_threads(const config::StreamServices& services, unsigned cpus);
inline constexpr size_t kDefaultMaxSendingThreads = 8;

}  // namespace ferry
