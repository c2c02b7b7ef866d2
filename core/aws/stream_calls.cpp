// Aggregation, cutting and call packing of stream records (see stream_calls.hpp).
#include "core/aws/stream_calls.hpp"

#include <algorithm>
#include <utility>

#include "core/assert.hpp"

namespace ferry {

size_t max_record_data_bytes(const StreamCallLimits& limits) {
  return limits.max_record_bytes - (limits.partition_keys ? kPartitionKeyBytes : 0);
}

StreamCallBuilder::StreamCallBuilder(StreamCallLimits limits, PartitionKeyFunction partition_key)
    : limits_(std::move(limits)), partition_key_(std::move(partition_key)) {
  FERRY_ASSERT(limits_.max_call_records >= 1 && limits_.max_call_records <= kStreamMaxCallRecords);
  FERRY_ASSERT(limits_.max_record_bytes > kPartitionKeyBytes);
  FERRY_ASSERT(limits_.aggregate_bytes <= limits_.max_record_bytes);
  FERRY_ASSERT(limits_.truncation_suffix.size() < max_record_data_bytes(limits_));
  FERRY_ASSERT(!limits_.partition_keys || partition_key_);
}

bool StreamCallBuilder::add(std::string_view record, std::vector<StreamCall>& full) {
  FERRY_ASSERT(!record.empty() && record.back() == '\n');
  if (limits_.aggregate_bytes > 0 && record.size() <= limits_.aggregate_bytes) {
    if (aggregate_.size() + record.size() > limits_.aggregate_bytes) close_aggregate(full);
    aggregate_.append(record);
    ++aggregate_lines_;
    return true;
  }
  close_aggregate(full);  // records keep their order
  const size_t max_data = max_record_data_bytes(limits_);
  if (record.size() <= max_data) {
    add_single(std::string(record), full);
    return true;
  }
  // As the Kinesis Agent: the record's first bytes, the terminator, and the rest dropped.
  std::string cut(record.substr(0, max_data - limits_.truncation_suffix.size() - 1));
  cut.append(limits_.truncation_suffix);
  cut.push_back('\n');
  FERRY_ASSERT(cut.size() == max_data);
  add_single(std::move(cut), full);
  return false;
}

void StreamCallBuilder::add_single(std::string data, std::vector<StreamCall>& full) {
  StreamRecord record{std::move(data), {}, 1};
  if (limits_.partition_keys) {
    record.partition_key = partition_key_(record.data);
    FERRY_ASSERT(record.partition_key.size() == kPartitionKeyBytes);
  }
  append(std::move(record), full);
}

void StreamCallBuilder::close_aggregate(std::vector<StreamCall>& full) {
  if (aggregate_.empty()) return;
  StreamRecord record{std::move(aggregate_), {}, aggregate_lines_};
  aggregate_.clear();
  aggregate_lines_ = 0;
  append(std::move(record), full);
}

void StreamCallBuilder::append(StreamRecord record, std::vector<StreamCall>& full) {
  FERRY_ASSERT(record.size() <= limits_.max_record_bytes);
  if (!building_.records.empty() && building_.bytes + record.size() > limits_.max_call_bytes) {
    full.push_back(std::move(building_));
    building_ = StreamCall{};
  }
  building_.bytes += record.size();
  building_.records.push_back(std::move(record));
  if (building_.records.size() == limits_.max_call_records) {
    full.push_back(std::move(building_));
    building_ = StreamCall{};
  }
}

void StreamCallBuilder::flush(std::vector<StreamCall>& full) {
  close_aggregate(full);
  if (building_.records.empty()) return;
  full.push_back(std::move(building_));
  building_ = StreamCall{};
}

}  // namespace ferry
