// Stream destinations of a configuration (see stream_setup.hpp).
#include "agent/setup/stream_setup.hpp"

#include <algorithm>

#include "core/assert.hpp"
#include "core/aws/aws_endpoint.hpp"
#include "core/observe/log.hpp"
#include "core/text.hpp"

namespace ferry {

Result<StreamTarget> stream_target_of(const config::Config& config,
                                      const config::StreamDestination& stream,
                                      const std::string& region, FlowMetrics& metrics) {
  const bool firehose = stream.kind == config::StreamDestination::Kind::firehose;
  StreamTarget target;
  target.kind = firehose ? StreamKind::firehose : StreamKind::kinesis;
  const std::string_view key = firehose ? "firehose.endpoint" : "kinesis.endpoint";
  const std::string& configured =
      firehose ? config.streams.firehose_endpoint : config.streams.kinesis_endpoint;
  const std::string_view region_override =
      firehose ? std::string_view() : std::string_view(config.streams.kinesis_region);
  auto endpoint = resolve_aws_endpoint(configured, firehose ? "firehose" : "kinesis",
                                       region_override, kKinesisAgentServiceRegion);
  if (!endpoint.ok()) return make_error(cat("config: ", key, ": ", endpoint.error().message));
  if (const std::string warning = implied_region_warning(key, configured, region_override, region);
      !warning.empty())
    FERRY_WARN(warning);
  target.endpoint = std::move(*endpoint);
  target.stream = stream.name;
  target.initial_backoff_millis = stream.retry_initial_backoff_millis;
  target.max_backoff_millis = stream.retry_max_backoff_millis;
  target.metrics = &metrics;
  return target;
}

ShipStream ship_stream_of(const config::Flow& flow, const config::StreamDestination& stream,
                          size_t target) {
  const bool firehose = stream.kind == config::StreamDestination::Kind::firehose;
  ShipStream ship;
  ship.limits.max_record_bytes = firehose ? kFirehoseMaxRecordBytes : kKinesisMaxRecordBytes;
  ship.limits.max_call_records = stream.max_buffer_size_records;
  ship.limits.max_call_bytes = stream.max_buffer_size_bytes;
  ship.limits.aggregate_bytes = firehose ? stream.aggregated_record_size_bytes : 0;
  ship.limits.partition_keys = !firehose;
  // The configuration sets the terminator of every stream flow (the Kinesis Agent's "\n" is "").
  FERRY_ASSERT(flow.truncated_record_terminator.has_value());
  ship.limits.truncation_suffix = *flow.truncated_record_terminator;
  ship.deterministic_keys = stream.partition_key == config::PartitionKeyOption::deterministic;
  ship.max_buffer_age_millis = flow.max_buffer_age_millis;
  ship.target = target;
  return ship;
}

size_t sending_threads(const config::StreamServices& services, unsigned cpus) {
  if (services.max_sending_threads > 0) return services.max_sending_threads;
  return std::min<size_t>(services.max_sending_threads_per_core * std::max(1u, cpus),
                          kDefaultMaxSendingThreads);
}

}  // namespace ferry
