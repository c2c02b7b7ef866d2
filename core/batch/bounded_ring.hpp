// BoundedRing: a fixed-capacity lock-free ring between pipeline stages, any number of producers
// and consumers (Vyukov's bounded MPMC queue: a sequence number per slot says whose turn it is).
// It never blocks: try_push() says "full", try_pop() says "nothing yet"; io/ring_queue.hpp
// parks threads on those answers. close() is a bit in the push position, so once close() has
// returned no push succeeds, and drained() (closed, every pushed item taken) is final.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

#include "core/assert.hpp"

namespace ferry {

template <class T>
class BoundedRing {
 public:
  enum class Push { pushed, full, closed };

  // The capacity is `min_capacity` rounded up to a power of two, allocated once; at least 2, as
  // with one slot "holds the item of position p" and "free for position p + 1" would be one turn.
  explicit BoundedRing(size_t min_capacity)
      : mask_(std::bit_ceil(std::max<size_t>(min_capacity, 2)) - 1),
        slots_(std::make_unique<Slot[]>(mask_ + 1)) {
    FERRY_ASSERT(min_capacity > 0 && min_capacity <= (size_t{1} << 32));
    for (uint64_t i = 0; i <= mask_; ++i) slots_[i].turn.store(i, std::memory_order_relaxed);
  }

  size_t capacity() const { return mask_ + 1; }

  // Moves the item in only when it returns pushed: full or closed leave it unchanged.
  Push try_push(T& item) {
    uint64_t tail = tail_.load(std::memory_order_relaxed);
    for (;;) {
      if (tail & kClosed) return Push::closed;
      const uint64_t position = tail >> 1;
      Slot& slot = slots_[position & mask_];
      const auto lag = static_cast<int64_t>(slot.turn.load(std::memory_order_acquire) - position);
      if (lag == 0) {
        if (tail_.compare_exchange_weak(tail, tail + 2, std::memory_order_relaxed)) {
          FERRY_ASSERT(!slot.item.has_value());
          slot.item.emplace(std::move(item));
          slot.turn.store(position + 1, std::memory_order_release);
          return Push::pushed;
        }
      } else if (lag < 0) {
        // The slot still holds the item of the previous lap: full, unless closed meanwhile.
        const uint64_t now = tail_.load(std::memory_order_acquire);
        if (now == tail) return Push::full;
        tail = now;
      } else {
        tail = tail_.load(std::memory_order_relaxed);  // another producer took this position
      }
    }
  }

  // The oldest item, or nullopt when there is none yet (a push may be on its way: see drained()).
  std::optional<T> try_pop() {
    uint64_t head = head_.load(std::memory_order_relaxed);
    for (;;) {
      Slot& slot = slots_[head & mask_];
      const auto lag = static_cast<int64_t>(slot.turn.load(std::memory_order_acquire) - (head + 1));
      if (lag == 0) {
        if (head_.compare_exchange_weak(head, head + 1, std::memory_order_relaxed)) {
          FERRY_ASSERT(slot.item.has_value());
          std::optional<T> item(std::move(slot.item));
          slot.item.reset();
          slot.turn.store(head + mask_ + 1, std::memory_order_release);  // free for the next lap
          return item;
        }
      } else if (lag < 0) {
        return std::nullopt;
      } else {
        head = head_.load(std::memory_order_relaxed);  // another consumer took this position
      }
    }
  }

  void close() { tail_.fetch_or(kClosed); }

  bool closed() const { return tail_.load(std::memory_order_acquire) & kClosed; }

  // Closed and every item pushed has been taken: nothing will ever come out again.
  bool drained() const {
    const uint64_t tail = tail_.load(std::memory_order_acquire);
    return (tail & kClosed) && head_.load(std::memory_order_acquire) == tail >> 1;
  }

 private:
  static constexpr uint64_t kClosed = 1;  // the push position is tail_ >> 1

  struct Slot {
    // position + 1 once the item of that position is in; position + capacity once it is taken.
    std::atomic<uint64_t> turn;
    std::optional<T> item;
  };

  const uint64_t mask_;
  const std::unique_ptr<Slot[]> slots_;
  alignas(64) std::atomic<uint64_t> tail_{0};  // (next push position << 1) | kClosed
  alignas(64) std::atomic<uint64_t> head_{0};  // next pop position
};

}  // namespace ferry
