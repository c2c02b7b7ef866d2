// The Kinesis Agent's stream keys (internal to agent/config/config*.cpp): the agent-level service keys
// ("firehose.endpoint", "kinesis.endpoint", "kinesis.region", "maxSendingThreads",
// "maxSendingThreadsPerCore") into StreamServices, and a flow's "deliveryStream" /
// "kinesisStream" with the keys that tune it into a StreamDestination.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/config/config.hpp"
#include "agent/config/config_values.hpp"

namespace ferry::config {

bool is_stream_service_key(std::string_view key);
Status parse_stream_service_key(std::string_view key, element value, std::string_view path,
                                StreamServices& services);

// A flow's stream keys, gathered while its keys are read, then settled by finish().
class FlowStreamKeys {
 public:
  static bool is_stream_key(std::string_view key);
  Status parse(std::string_view key, element value, std::string_view path,
               std::vector<std::string>& warnings);
  // The flow's StreamDestination, if it names a stream; `flow_path` is "flows[N]".
  // `other_destination` ("s3", "directory" or empty): a flow with one of those ships there, and
  // its stream keys are ignored with a warning.
  Result<std::optional<StreamDestination>> finish(std::string_view flow_path,
                                                  std::string_view other_destination,
                                                  std::vector<std::string>& warnings) const;
  // The Kinesis Agent's id of a flow with these keys reading `file_pattern` (the delivery
  // stream wins, as there), whether or not the flow ships to the stream; empty: it names none.
  std::string kinesis_agent_id(std::string_view file_pattern) const;

 private:
  struct Seen {
    std::string where;  // "flows[N].key"
    uint64_t value = 0;
  };
  std::optional<std::string> delivery_stream_;
  std::optional<std::string> kinesis_stream_;
  std::string delivery_where_, kinesis_where_;
  std::optional<PartitionKeyOption> partition_key_;
  std::string partition_where_;
  std::optional<Seen> aggregated_, buffer_records_, buffer_bytes_, initial_backoff_, max_backoff_;
};

}  // namespace ferry::config
