// The workers' shared table of flows (see the header).
#include "core/batch/flow_processing_table.hpp"

#include "core/assert.hpp"

namespace ferry {

uint32_t FlowProcessingTable::add(FlowProcessing flow) {
  std::lock_guard lock(mutex_);
  flows_.push_back(std::move(flow));
  version_.fetch_add(1, std::memory_order_release);
  return static_cast<uint32_t>(flows_.size() - 1);
}

void FlowProcessingTable::end(uint32_t flow) {
  std::lock_guard lock(mutex_);
  FERRY_ASSERT(flow < flows_.size());
  ended_.push_back(flow);
  version_.fetch_add(1, std::memory_order_release);
}

FlowProcessingTable::View FlowProcessingTable::since(uint32_t from) const {
  std::lock_guard lock(mutex_);
  View view;
  for (size_t i = from; i < flows_.size(); ++i) view.added.push_back(&flows_[i]);
  view.ended = ended_;
  view.version = version_.load(std::memory_order_relaxed);
  return view;
}

uint64_t FlowProcessingTable::version() const {
  return version_.load(std::memory_order_acquire);
}

}  // namespace ferry
