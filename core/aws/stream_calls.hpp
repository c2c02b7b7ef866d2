// StreamCallBuilder: turns a stream flow's processed records into PutRecordBatch (Firehose) or
// PutRecords (Kinesis) calls within the services' limits: records aggregated up to
// aggregatedRecordSizeBytes (Firehose), a record over the service's record limit truncated to it
// (the Kinesis Agent's truncatedRecordTerminator), and calls closed at maxBufferSizeRecords /
// maxBufferSizeBytes. Pure; one per flow.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry {

// Service limits (docs/streams.md).
inline constexpr size_t kFirehoseMaxRecordBytes = 1'024'000;
inline constexpr size_t kFirehoseMaxCallBytes = 4u << 20;
inline constexpr size_t kKinesisMaxRecordBytes = 1u << 20;  // data + partition key
inline constexpr size_t kKinesisMaxCallBytes = 5u << 20;    // data + partition keys
inline constexpr size_t kStreamMaxCallRecords = 500;
inline constexpr size_t kPartitionKeyBytes = 32;  // ferry's keys: 32 hex digits

struct StreamRecord {
  std::string data;
  std::string partition_key;  // Kinesis only
  uint32_t lines = 0;         // the flow's records that end in this one (for the counts)

  size_t size() const { return data.size() + partition_key.size(); }
};

struct StreamCall {
  std::vector<StreamRecord> records;
  size_t bytes = 0;  // data + partition keys, as the service counts them
};

struct StreamCallLimits {
  size_t max_record_bytes = kFirehoseMaxRecordBytes;  // data + key of one record
  size_t max_call_records = kStreamMaxCallRecords;
  size_t max_call_bytes = kFirehoseMaxCallBytes;
  size_t aggregate_bytes = 0;   // Firehose: records joined up to this size; 0: one per record
  bool partition_keys = false;  // Kinesis: every record gets a kPartitionKeyBytes key
  // A record over the limit keeps its first bytes, then this, then its '\n' (the Kinesis
  // Agent's truncatedRecordTerminator, its final line break being the record's own).
  std::string truncation_suffix;
};

// The data bytes of one record (with its '\n') that fit the limits.
size_t max_record_data_bytes(const StreamCallLimits& limits);

class StreamCallBuilder {
 public:
  // `partition_key(data)`: the key of a record (only with limits.partition_keys); it must
  // return kPartitionKeyBytes characters.
  using PartitionKeyFunction = std::function<std::string(std::string_view data)>;
  StreamCallBuilder(StreamCallLimits limits, PartitionKeyFunction partition_key);

  // Adds one record (with its '\n'); calls that became full are appended to `full`. Returns
  // false if the record was over the limit and went out truncated.
  bool add(std::string_view record, std::vector<StreamCall>& full);
  // Closes the call being built, with any aggregate in progress (one or two calls).
  void flush(std::vector<StreamCall>& full);
  bool empty() const { return aggregate_.empty() && building_.records.empty(); }

 private:
  void add_single(std::string data, std::vector<StreamCall>& full);
  void append(StreamRecord record, std::vector<StreamCall>& full);
  void close_aggregate(std::vector<StreamCall>& full);

  StreamCallLimits limits_;
  PartitionKeyFunction partition_key_;
  std::string aggregate_;  // Firehose records joined so far
  uint32_t aggregate_lines_ = 0;
  StreamCall building_;
};

}  // namespace ferry
