// Parking: where threads sleep until a lock-free structure changes (a futex). A waiter counts
// itself in `sleepers_` before it looks one last time, so notify() costs a fence and a load, no
// system call, while nobody sleeps; `epoch_` is the futex word, bumped by each notify so that a
// wake-up between that last look and the sleep is not lost.
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
  // this thread counted. Returns false when `deadline` (none: nullptr) passed first.
  template <class Done>
  bool wait(Done&& done, const Deadline* deadline) {
    if (done()) return true;
    for (;;) {
      sleepers_.fetch_add(1);
      std::atomic_thread_fence(std::memory_order_seq_cst);  // against notify()'s fence
      const uint32_t epoch = epoch_.load();
      const bool ready = done();
      const bool in_time = ready || sleep(epoch, deadline);
      sleepers_.fetch_sub(1, std::memory_order_relaxed);
      if (ready) return true;
      if (!in_time) return done();
    }
  }

  // After the change a waiter's done() looks for (its atomic store or read-modify-write).
  void notify_one() { notify(1); }
  void notify_all() { notify(INT_MAX); }

 private:
  void notify(int threads) {
    std::atomic_thread_fence(std::memory_order_seq_cst);  // the change before the count's load
    if (sleepers_.load(std::memory_order_relaxed) == 0) return;
    epoch_.fetch_add(1);
    syscall(SYS_futex, word(), FUTEX_WAKE_PRIVATE, threads, nullptr, nullptr, 0);
  }

  // Sleeps while the epoch is `epoch`, until woken or the deadline. False when it has passed.
  bool sleep(uint32_t epoch, const Deadline* deadline) {
    if (!deadline) {
      syscall(SYS_futex, word(), FUTEX_WAIT_PRIVATE, epoch, nullptr, nullptr, 0);
      return true;
    }
    const auto left = *deadline - std::chrono::steady_clock::now();
    if (left <= Deadline::duration::zero()) return false;
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(left);
    const timespec timeout{static_cast<time_t>(seconds.count()),
                           static_cast<long>(std::chrono::nanoseconds(left - seconds).count())};
    syscall(SYS_futex, word(), FUTEX_WAIT_PRIVATE, epoch, &timeout, nullptr, 0);
    return std::chrono::steady_clock::now() < *deadline;
  }

  uint32_t* word() { return reinterpret_cast<uint32_t*>(&epoch_); }

  static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t) &&
                std::atomic<uint32_t>::is_always_lock_free);
  std::atomic<uint32_t> epoch_{0};
  std::atomic<uint32_t> sleepers_{0};
};

}  // namespace ferry
