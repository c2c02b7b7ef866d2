// BatchPool: the fixed set of batch buffers in flight. It bounds memory whatever the input rate or
// the destination's latency: when it is empty the reactor stops reading (backpressure).
// Per flow too: a flow that has batches out may not take the pool's last `reserve` free batches.
// They are kept for flows with none, so that a flow whose batches wait in the shipper (its
// destination stalls) cannot take every batch and stop the other flows' reading.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/assert.hpp"
#include "core/batch/batch.hpp"

namespace ferry {

class BatchPool {
 public:
  BatchPool(size_t count, size_t input_capacity)
      : input_capacity_(input_capacity),
        initial_(count),
        max_reserve_(std::max<size_t>(1, count / 2)) {
    FERRY_ASSERT(count > 0);
    add_batches(count);
  }

  // The reserve is one batch per flow after the first, at most half the pool it was made with;
  // the pool grows by it, so that one busy flow keeps every batch it had alone. It never
  // shrinks (flows that ended keep their place).
  void set_flow_count(size_t flows) {
    std::lock_guard lock(mutex_);
    const size_t reserve = std::min(flows > 0 ? flows - 1 : 0, max_reserve_);
    if (reserve <= reserve_) return;
    add_batches(reserve - reserve_);
    reserve_ = reserve;
  }

  // Called (on the releasing thread) after a batch returns: lets a waiting reader resume.
  void set_on_release(std::function<void()> on_release) { on_release_ = std::move(on_release); }

  // A batch for `flow` (its `flow` is set), or null: none is free, or the flow has batches out
  // and only the reserve is left.
  std::unique_ptr<Batch> try_acquire(uint32_t flow) {
    std::lock_guard lock(mutex_);
    if (flow >= out_.size()) out_.resize(flow + 1, 0);
    if (free_.empty() || (out_[flow] > 0 && free_.size() <= reserve_)) return nullptr;
    auto batch = std::move(free_.back());
    free_.pop_back();
    ++out_[flow];
    batch->flow = flow;
    return batch;
  }

  void release(std::unique_ptr<Batch> batch) {
    FERRY_ASSERT(batch != nullptr);
    const uint32_t flow = batch->flow;
    batch->reset();
    {
      std::lock_guard lock(mutex_);
      FERRY_ASSERT(free_.size() < total_ && flow < out_.size() && out_[flow] > 0);
      --out_[flow];
      free_.push_back(std::move(batch));
    }
    if (on_release_) on_release_();
  }

  size_t available() const {
    std::lock_guard lock(mutex_);
    return free_.size();
  }
  size_t total() const {
    std::lock_guard lock(mutex_);
    return total_;
  }
  // The most it can grow to: a queue with room for every batch needs this much.
  size_t max_total() const { return initial_ + max_reserve_; }

 private:
  void add_batches(size_t count) {
    for (size_t i = 0; i < count; ++i) {
      auto batch = std::make_unique<Batch>();
      batch->input.reserve(input_capacity_);
      free_.push_back(std::move(batch));
    }
    total_ += count;
  }

  const size_t input_capacity_;
  const size_t initial_;      // the count it was made with
  const size_t max_reserve_;  // half of it (at least one)
  mutable std::mutex mutex_;
  size_t total_ = 0;
  size_t reserve_ = 0;
  std::vector<std::unique_ptr<Batch>> free_;
  std::vector<uint32_t> out_;  // batches out, per flow
  std::function<void()> on_release_;
};

}  // namespace ferry
