// The signal thread and the drain deadline (see shutdown_watchdog.hpp).
#include "agent/shutdown_watchdog.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/assert.hpp"
#include "core/observe/log.hpp"
#include "core/text.hpp"
#include "io/steady_clock.hpp"
#include "io/thread_name.hpp"

namespace ferry {
namespace {

// At the forced exit, the longest wait for log.file's writer.
constexpr uint64_t kExitFlushMillis = 1000;

// Milliseconds from now until `deadline` (steady clock), 0 once it passed.
int64_t millis_until(int64_t deadline) {
  return std::max<int64_t>(0, deadline - static_cast<int64_t>(steady_millis()));
}

}  // namespace

ShutdownWatchdog::ShutdownWatchdog(int signal_fd, uint64_t timeout_millis,
                                   std::function<void()> on_signal,
                                   std::function<std::string()> abandoned, int exit_code)
    : signal_fd_(signal_fd),
      timeout_millis_(timeout_millis),
      on_signal_(std::move(on_signal)),
      abandoned_(std::move(abandoned)),
      exit_code_(exit_code),
      quit_(::eventfd(0, EFD_CLOEXEC)) {
  FERRY_ASSERT(quit_.valid());
  thread_ = std::thread([this] {
    name_this_thread("ferry-watchdog");
    run();
  });
}

ShutdownWatchdog::~ShutdownWatchdog() {
  const uint64_t one = 1;
  const ssize_t written = ::write(quit_.get(), &one, sizeof one);
  FERRY_ASSERT(written == static_cast<ssize_t>(sizeof one));
  thread_.join();
}

void ShutdownWatchdog::run() {
  int64_t deadline = -1;  // steady millis once a signal came
  for (;;) {
    pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {quit_.get(), POLLIN, 0}};
    const int timeout = deadline < 0 ? -1 : static_cast<int>(millis_until(deadline));
    const int ready = ::poll(fds, 2, timeout);
    if (ready < 0 && errno == EINTR) continue;
    FERRY_ASSERT(ready >= 0);
    if (fds[1].revents != 0) return;  // the run is over
    if (ready == 0) {
      FERRY_ERROR(cat("shutdown: not finished ", timeout_millis_.load(),
                      " ms after the signal (shutdownTimeoutMillis); exiting without waiting for ",
                      abandoned_(),
                      ". Records not acknowledged stay after the checkpoint and are read again "
                      "at the next start"));
      log::flush_sink(kExitFlushMillis);  // log.file gets these lines too; _exit skips its writer
      ::_exit(exit_code_);
    }
    signalfd_siginfo info{};
    if (::read(signal_fd_, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) continue;
    const char* name = ::strsignal(static_cast<int>(info.ssi_signo));
    if (deadline >= 0) {
      FERRY_INFO(cat("received ", name, " again; already stopping (at most ",
                     millis_until(deadline), " ms more)"));
      continue;
    }
    const uint64_t limit = timeout_millis_.load();
    FERRY_INFO(cat("received ", name, "; finishing open objects and checkpointing (at most ", limit,
                   " ms, shutdownTimeoutMillis)"));
    deadline = static_cast<int64_t>(steady_millis() + limit);
    signalled_.store(true);
    on_signal_();
  }
}

}  // namespace ferry
