// Parking: where threads sleep until a lock-free structure changes (a futex). A waiter marks the
// futex word "waited on" before it looks one last time, and sleeps on the word it marked; a
// notify() finding no mark costs a fence and a load, no system call. The first notify() after a
// mark moves the epoch on (clearing the mark) and wakes every sleeper: any later one, until
// somebody marks the new epoch, has nobody to wake. Wakes are many-at-once, cheap for the few
// threads of a pipeline; a wake-up lands either in the kernel or as a changed word.
#pragma once

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>
#include <ctime>

namespace ferry {

class Parking {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  // Calls `done()` until it returns true, sleeping between calls once it has returned false with
  // the word marked. Returns false when `deadline` (none: nullptr) passed first.
  template <class Done>
  bool wait(Done&& done, const Deadline* deadline) {
    if (done()) return true;
    for (;;) {
      const uint32_t marked = word_.fetch_or(kWaitedOn) | kWaitedOn;
      std::atomic_thread_fence(std::memory_order_seq_cst);  // against notify()'s fence
      if (done()) return true;
      if (!sleep(marked, deadline)) return done();
    }
  }

  // After the change a waiter's done() looks for (its atomic store or read-modify-write).
  void notify() {
    std::atomic_thread_fence(std::memory_order_seq_cst);  // the change before the word's load
    uint32_t word = word_.load(std::memory_order_relaxed);
    while (word & kWaitedOn) {
      if (word_.compare_exchange_weak(word, (word & ~kWaitedOn) + 2)) {
        syscall(SYS_futex, &word_, FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
        return;
      }
    }
  }

 private:
  static constexpr uint32_t kWaitedOn = 1;  // the epoch is word_ >> 1

  // Sleeps while the word is `marked`, until woken or the deadline. False when it has passed.
  bool sleep(uint32_t marked, const Deadline* deadline) {
    if (!deadline) {
      syscall(SYS_futex, &word_, FUTEX_WAIT_PRIVATE, marked, nullptr, nullptr, 0);
      return true;
    }
    const auto left = *deadline - std::chrono::steady_clock::now();
    if (left <= Deadline::duration::zero()) return false;
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(left);
    const timespec timeout{static_cast<time_t>(seconds.count()),
                           static_cast<long>(std::chrono::nanoseconds(left - seconds).count())};
    syscall(SYS_futex, &word_, FUTEX_WAIT_PRIVATE, marked, &timeout, nullptr, 0);
    return std::chrono::steady_clock::now() < *deadline;
  }

  // The kernel reads the futex as a plain 32-bit word.
  static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t) &&
                std::atomic<uint32_t>::is_always_lock_free);
  std::atomic<uint32_t> word_{0};
};

}  // namespace ferry
