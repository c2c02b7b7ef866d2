// FlowProcessingTable: each flow's processing settings by flow number, shared by the workers.
// Flows are added while the pipeline runs (a reload, a failed flow started again) and end; an
// entry never changes once added, and a number is never reused. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "core/batch/flow_processing.hpp"

namespace ferry {

class FlowProcessingTable {
 public:
  // Returns the flow's number: the number of flows added before it.
  uint32_t add(FlowProcessing flow);
  // Every batch of the flow is processed (the shipper took its end_of_input, which follows
  // them): workers drop its state.
  void end(uint32_t flow);

  struct View {
    std::vector<const FlowProcessing*> added;  // flows [from, from + added.size())
    std::vector<uint32_t> ended;               // every flow ended so far
    uint64_t version = 0;
  };
  // What changed since a worker's `version` (0 at first): flows from `from` on, and the ended.
  View since(uint32_t from) const;
  uint64_t version() const;

 private:
  mutable std::mutex mutex_;
  std::deque<FlowProcessing> flows_;  // stable addresses: workers keep pointers
  std::vector<uint32_t> ended_;
  // Bumped under the mutex at every change; read without it by each worker before each batch.
  std::atomic<uint64_t> version_{0};
};

}  // namespace ferry
