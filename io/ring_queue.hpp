// RingQueue: the blocking hand-off between pipeline stages (any thread count): a lock-free
// BoundedRing (core/batch/bounded_ring.hpp) whose callers sleep on a futex (io/parking.hpp) only
// when it is empty or full. push() blocks while full: that is the backpressure. close() wakes
// everyone; pop() then drains.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <optional>

#include "core/batch/bounded_ring.hpp"
#include "io/parking.hpp"

namespace ferry {

template <class T>
class RingQueue {
 public:
  // Room for at least `capacity` items (rounded up to a power of two).
  explicit RingQueue(size_t capacity) : ring_(capacity) {}

  size_t capacity() const { return ring_.capacity(); }

  // Returns false (and drops nothing: the item is returned unchanged) if the queue is closed.
  bool push(T& item) {
    auto result = BoundedRing<T>::Push::full;
    not_full_.wait(
        [&] {
          result = ring_.try_push(item);
          return result != BoundedRing<T>::Push::full;
        },
        nullptr);
    if (result != BoundedRing<T>::Push::pushed) return false;
    not_empty_.notify();
    return true;
  }

  // Blocks until an item or close; nullopt only when closed and empty.
  std::optional<T> pop() { return pop_until(nullptr); }

  // Waits at most `timeout`; nullopt on timeout, after a wake(), or when closed and empty.
  template <class Duration>
  std::optional<T> pop_for(Duration timeout) {
    const Parking::Deadline deadline = std::chrono::steady_clock::now() + timeout;
    return pop_until(&deadline);
  }

  // Any thread: the consumer waiting in pop_for() (or the next to call it) returns at once,
  // empty-handed, to look at something else (a stream call answered).
  void wake() {
    woken_.store(true);
    not_empty_.notify();
  }

  // Closed and empty: nothing will ever come out again.
  bool drained() const { return ring_.drained(); }

  void close() {
    ring_.close();
    not_empty_.notify();
    not_full_.notify();
  }

 private:
  // A deadline (pop_for) also ends the wait at a wake(); pop() waits for an item or close only.
  std::optional<T> pop_until(const Parking::Deadline* deadline) {
    std::optional<T> item;
    not_empty_.wait(
        [&] {
          item = ring_.try_pop();
          return item.has_value() || ring_.drained() || (deadline && woken_.exchange(false));
        },
        deadline);
    if (item) not_full_.notify();
    return item;
  }

  BoundedRing<T> ring_;
  Parking not_empty_;  // consumers wait here for an item or close
  Parking not_full_;   // producers wait here for room or close
  std::atomic<bool> woken_{false};
};

}  // namespace ferry
