// Aggregation, cutting and call packing of stream records (see stream_calls.hpp).
#include "core/stream_calls.hpp"

#include <algorithm>
#include <utility>

#include "core/assert.hpp"

namespace ferry {

StreamCallBuilder::StreamCallBuilder(StreamCallLimits limits, PartitionKeyFunction partition_key)
    : limits_(limits), partition_key_(std::move(partition_key)) {
  FERRY_ASSERT(limits_.max_call_records >= 1 && limits_.max_call_records <= kStreamMaxCallRecords);
  FERRY_ASSERT(limits_.max_record_bytes > kPartitionKeyBytes);
  FERRY_ASSERT(limits_.aggregate_bytes <= limits_.max_record_bytes);
  FERRY_ASSERT(!limits_.partition_keys || partition_key_);
}

void StreamCallBuilder::add(std::string_view record, std::vector<StreamCall>& full) {
  const size_t key_bytes = limits_.partition_keys ? kPartitionKeyBytes : 0;
  const size_t max_data = limits_.max_record_bytes - key_bytes;
  if (limits_.aggregate_bytes > 0 && record.size() <= limits_.aggregate_bytes) {
    if (aggregate_.size() + record.size() > limits_.aggregate_bytes) close_aggregate(full);
    aggregate_.append(record);
    ++aggregate_lines_;
    return;
  }
  close_aggregate(full);  // records keep their order
  // A record over the service's limit travels in pieces, each a record of its own.
  while (record.size() > max_data) {
    add_piece(record.substr(0, max_data), 0, full);
    record.remove_prefix(max_data);
  }
  add_piece(record, 1, full);
}

void StreamCallBuilder::add_piece(std::string_view data, uint32_t lines,
                                  std::vector<StreamCall>& full) {
  StreamRecord record{std::string(data), {}, lines};
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
