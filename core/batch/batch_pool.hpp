// BatchPool: the fixed set of batch buffers in flight. It bounds memory whatever the input rate or
// the destination's latency: when it is empty the reactor stops reading (backpressure).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/assert.hpp"
#include "core/batch/batch.hpp"

namespace ferry {

class BatchPool {
 public:
  BatchPool(size_t count, size_t input_capacity) : total_(count) {
    FERRY_ASSERT(count > 0);
    free_.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      auto batch = std::make_unique<Batch>();
      batch->input.reserve(input_capacity);
      free_.push_back(std::move(batch));
    }
  }

  // Called (on the releasing thread) after a batch returns: lets a waiting reader resume.
  void set_on_release(std::function<void()> on_release) { on_release_ = std::move(on_release); }

  std::unique_ptr<Batch> try_acquire() {
    std::lock_guard lock(mutex_);
    if (free_.empty()) return nullptr;
    auto batch = std::move(free_.back());
    free_.pop_back();
    return batch;
  }

  void release(std::unique_ptr<Batch> batch) {
    FERRY_ASSERT(batch != nullptr);
    batch->reset();
    {
      std::lock_guard lock(mutex_);
      FERRY_ASSERT(free_.size() < total_);
      free_.push_back(std::move(batch));
    }
    if (on_release_) on_release_();
  }

  size_t available() const {
    std::lock_guard lock(mutex_);
    return free_.size();
  }
  size_t total() const { return total_; }

 private:
  const size_t total_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Batch>> free_;
  std::function<void()> on_release_;
};

}  // namespace ferry
