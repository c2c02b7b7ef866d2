// ShutdownWatchdog: SIGTERM and SIGINT, and shutdownTimeoutMillis. A thread waits on the
// signalfd; at the first signal it stops the run (on_signal: open objects are completed and
// checkpointed) and starts counting. If the process has not finished by the timeout, it logs
// what it abandons and exits at once: records not yet acknowledged stay after the checkpoint
// and are read again at the next start, so nothing is lost (at-least-once).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "io/unique_fd.hpp"

namespace ferry {

class ShutdownWatchdog {
 public:
  // `signal_fd`: a signalfd for SIGTERM/SIGINT (blocked in every thread), borrowed.
  // `abandoned`: what a forced exit leaves undone, for the log. `exit_code`: the forced exit's.
  ShutdownWatchdog(int signal_fd, uint64_t timeout_millis, std::function<void()> on_signal,
                   std::function<std::string()> abandoned, int exit_code);
  ~ShutdownWatchdog();  // the run is over: stops counting and joins
  ShutdownWatchdog(const ShutdownWatchdog&) = delete;
  ShutdownWatchdog& operator=(const ShutdownWatchdog&) = delete;

  bool signalled() const { return signalled_.load(); }
  // A reload may change shutdownTimeoutMillis; applies to a signal from now on.
  void set_timeout(uint64_t millis) { timeout_millis_.store(millis); }

 private:
  void run();

  const int signal_fd_;
  std::atomic<uint64_t> timeout_millis_;
  std::function<void()> on_signal_;
  std::function<std::string()> abandoned_;
  const int exit_code_;
  std::atomic<bool> signalled_{false};
  UniqueFd quit_;  // eventfd: the destructor's "done"
  std::thread thread_;
};

}  // namespace ferry
