// Stream keys of agent.json (see config_streams.hpp); limits in docs/streams.md.
#include "agent/config/config_streams.hpp"

#include <array>

#include "agent/config/config_rules.hpp"
#include "core/assert.hpp"
#include "core/aws/aws_endpoint.hpp"
#include "core/checkpoint/kinesis_agent_ids.hpp"
#include "core/aws/stream_calls.hpp"
#include "core/aws/stream_protocol.hpp"
#include "core/text.hpp"

namespace ferry::config {
namespace {

constexpr std::array<std::string_view, 2> kPartitionKeyOptions = {"RANDOM", "DETERMINISTIC"};
constexpr uint64_t kMaxBackoffMillis = 600000;

}  // namespace

bool is_stream_service_key(std::string_view key) {
  return key == "firehose.endpoint" || key == "kinesis.endpoint" || key == "kinesis.region" ||
         key == "maxSendingThreads" || key == "maxSendingThreadsPerCore";
}

Status parse_stream_service_key(std::string_view key, element value, std::string_view path,
                                StreamServices& services) {
  if (key == "firehose.endpoint" || key == "kinesis.endpoint") {
    std::string endpoint;
    FERRY_CONFIG_TRY(endpoint, read_string(value, path));
    // Empty means the AWS endpoint, as in the Kinesis Agent; a bare host name means https.
    auto resolved = resolve_aws_endpoint(
        endpoint, key == "firehose.endpoint" ? "firehose" : "kinesis", "", "us-east-1");
    if (!resolved.ok()) return config_error(path, resolved.error().message);
    (key == "firehose.endpoint" ? services.firehose_endpoint : services.kinesis_endpoint) =
        std::move(endpoint);
  } else if (key == "kinesis.region") {
    FERRY_CONFIG_TRY(services.kinesis_region, read_string(value, path));
    const std::string problem =
        services.kinesis_region.empty() ? std::string() : check_region(services.kinesis_region);
    if (!problem.empty()) return config_error(path, problem);
  } else if (key == "maxSendingThreads") {
    FERRY_CONFIG_TRY(services.max_sending_threads, read_uint(value, path, 1, 256));
  } else {
    FERRY_ASSERT(key == "maxSendingThreadsPerCore");
    FERRY_CONFIG_TRY(services.max_sending_threads_per_core, read_uint(value, path, 1, 64));
  }
  return Ok{};
}

bool FlowStreamKeys::is_stream_key(std::string_view key) {
  return key == "deliveryStream" || key == "kinesisStream" || key == "partitionKeyOption" ||
         key == "aggregatedRecordSizeBytes" || key == "maxBufferSizeRecords" ||
         key == "maxBufferSizeBytes" || key == "retryInitialBackoffMillis" ||
         key == "retryMaxBackoffMillis";
}

Status FlowStreamKeys::parse(std::string_view key, element value, std::string_view path,
                             std::vector<std::string>& warnings) {
  const auto number = [&](std::optional<Seen>& into, uint64_t min, uint64_t max) -> Status {
    uint64_t read = 0;
    FERRY_CONFIG_TRY(read, read_uint(value, path, min, max));
    into = Seen{std::string(path), read};
    return Ok{};
  };
  if (key == "deliveryStream" || key == "kinesisStream") {
    const bool firehose = key == "deliveryStream";
    std::string name;
    FERRY_CONFIG_TRY(name, read_string(value, path));
    const std::string problem =
        check_stream_name(firehose ? StreamKind::firehose : StreamKind::kinesis, name);
    if (!problem.empty()) return config_error(path, problem);
    (firehose ? delivery_stream_ : kinesis_stream_) = std::move(name);
    (firehose ? delivery_where_ : kinesis_where_) = std::string(path);
  } else if (key == "partitionKeyOption") {
    std::size_t choice = 0;
    FERRY_CONFIG_TRY(choice, read_choice(value, path, kPartitionKeyOptions));
    partition_key_ = choice == 0 ? PartitionKeyOption::random : PartitionKeyOption::deterministic;
    partition_where_ = std::string(path);
  } else if (key == "aggregatedRecordSizeBytes") {
    return number(aggregated_, 0, kFirehoseMaxRecordBytes);
  } else if (key == "maxBufferSizeRecords") {
    return number(buffer_records_, 1, kStreamMaxCallRecords);
  } else if (key == "maxBufferSizeBytes") {
    return number(buffer_bytes_, 1, kKinesisMaxCallBytes);  // Firehose's lower cap: finish()
  } else {
    // The Kinesis Agent reads its backoffs unchecked ("TODO: Add validation").
    FERRY_ASSERT(key == "retryInitialBackoffMillis" || key == "retryMaxBackoffMillis");
    uint64_t millis = 0;
    FERRY_CONFIG_TRY(millis, read_uint_clamped(value, path, 1, kMaxBackoffMillis,
                                               "a retry waits at most 10 minutes", warnings));
    (key == "retryInitialBackoffMillis" ? initial_backoff_ : max_backoff_) =
        Seen{std::string(path), millis};
  }
  return Ok{};
}

std::string FlowStreamKeys::kinesis_agent_id(std::string_view file_pattern) const {
  if (delivery_stream_) return kinesis_agent_flow_id(true, *delivery_stream_, file_pattern);
  if (kinesis_stream_) return kinesis_agent_flow_id(false, *kinesis_stream_, file_pattern);
  return {};
}

Result<std::optional<StreamDestination>> FlowStreamKeys::finish(
    std::string_view flow_path, std::string_view other_destination,
    std::vector<std::string>& warnings) const {
  const auto ignored = [&](std::string_view where, std::string_view why) {
    warnings.push_back(cat("config: ", where, ": ", why, "; ignored"));
  };
  if (!delivery_stream_ && !kinesis_stream_) {
    for (const auto* seen :
         {&aggregated_, &buffer_records_, &buffer_bytes_, &initial_backoff_, &max_backoff_})
      if (*seen)
        ignored((*seen)->where,
                "tunes a deliveryStream or kinesisStream flow, and this flow sends to neither");
    if (partition_key_) ignored(partition_where_, "only a kinesisStream flow has partition keys");
    return std::optional<StreamDestination>();
  }
  if (!other_destination.empty()) {
    const std::string& where = delivery_stream_ ? delivery_where_ : kinesis_where_;
    ignored(where, cat("this flow ships to its \"", other_destination,
                       "\" block instead (one destination per flow; remove that block to send "
                       "to the stream)"));
    return std::optional<StreamDestination>();
  }
  StreamDestination stream;
  // The Kinesis Agent prefers Firehose when a flow names both.
  if (delivery_stream_) {
    stream.kind = StreamDestination::Kind::firehose;
    stream.name = *delivery_stream_;
    if (kinesis_stream_)
      ignored(kinesis_where_,
              "the flow also names a deliveryStream, which wins (as in the "
              "Kinesis Agent)");
  } else {
    stream.kind = StreamDestination::Kind::kinesis;
    stream.name = *kinesis_stream_;
  }
  const bool firehose = stream.kind == StreamDestination::Kind::firehose;
  if (partition_key_) {
    if (firehose)
      ignored(partition_where_, "only a kinesisStream flow has partition keys");
    else
      stream.partition_key = *partition_key_;
  }
  if (aggregated_) {
    if (firehose)
      stream.aggregated_record_size_bytes = aggregated_->value;
    else
      ignored(aggregated_->where, "only a deliveryStream flow aggregates records");
  }
  stream.max_buffer_size_bytes = firehose ? kFirehoseMaxCallBytes : kKinesisMaxCallBytes;
  if (buffer_bytes_) {
    if (buffer_bytes_->value > stream.max_buffer_size_bytes)
      return config_error(
          buffer_bytes_->where,
          cat("must be between 1 and ", stream.max_buffer_size_bytes, " for a ",
              firehose ? "deliveryStream" : "kinesisStream", " flow, got ", buffer_bytes_->value));
    stream.max_buffer_size_bytes = buffer_bytes_->value;
  }
  if (buffer_records_) stream.max_buffer_size_records = buffer_records_->value;
  if (initial_backoff_) stream.retry_initial_backoff_millis = initial_backoff_->value;
  if (max_backoff_) stream.retry_max_backoff_millis = max_backoff_->value;
  if (stream.retry_initial_backoff_millis > stream.retry_max_backoff_millis) {
    // The Kinesis Agent accepts it (its backoff is then capped at the maximum at once).
    const std::string where = initial_backoff_ ? initial_backoff_->where
                                               : key_path(flow_path, "retryInitialBackoffMillis");
    warnings.push_back(cat("config: ", where, ": ", stream.retry_initial_backoff_millis,
                           " exceeds retryMaxBackoffMillis (", stream.retry_max_backoff_millis,
                           "): read as ", stream.retry_max_backoff_millis));
    stream.retry_initial_backoff_millis = stream.retry_max_backoff_millis;
  }
  return std::optional<StreamDestination>(std::move(stream));
}

}  // namespace ferry::config
