// SIGHUP handling.
#include "agent/reloader.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "core/observe/log.hpp"
#include "core/text.hpp"
#include "io/thread_name.hpp"

namespace ferry {

Reloader::Reloader(std::string config_path, StopHandle& stop, Metrics& metrics, Apply apply)
    : config_path_(std::move(config_path)),
      stop_(stop),
      metrics_(metrics),
      apply_(std::move(apply)) {
  sigset_t hangup;
  sigemptyset(&hangup);
  sigaddset(&hangup, SIGHUP);
  hangup_.reset(::signalfd(-1, &hangup, SFD_CLOEXEC));
  quit_.reset(::eventfd(0, EFD_CLOEXEC));
  if (!hangup_.valid() || !quit_.valid())
    FERRY_ERROR(
        cat("reload: cannot watch for SIGHUP: ", std::strerror(errno), "; reloading is off"));
  thread_ = std::thread([this] {
    name_this_thread("ferry-reload");
    run();
  });
}

Reloader::~Reloader() {
  const uint64_t one = 1;
  if (quit_.valid()) (void)!::write(quit_.get(), &one, sizeof one);
  thread_.join();
}

std::optional<config::Parsed> Reloader::take() {
  std::lock_guard lock(mutex_);
  std::optional<config::Parsed> taken = std::move(pending_);
  pending_.reset();
  return taken;
}

void Reloader::run() {
  if (!hangup_.valid() || !quit_.valid()) return;
  for (;;) {
    pollfd fds[2] = {{hangup_.get(), POLLIN, 0}, {quit_.get(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    signalfd_siginfo info{};
    if (::read(hangup_.get(), &info, sizeof info) != sizeof info) continue;
    reload();
  }
}

void Reloader::reload() {
  FERRY_INFO(cat("reload: SIGHUP: reading ", config_path_));
  auto parsed = config::load(config_path_);
  if (!parsed) {
    metrics_.reload_failures.add();
    FERRY_ERROR(
        cat("reload: refused, the running configuration goes on: ", parsed.error().message));
    return;
  }
  for (const auto& warning : parsed->warnings) FERRY_WARN(warning);
  for (const auto& note : parsed->notes) FERRY_INFO(note);
  if (apply_ && apply_(parsed->config)) return;
  {
    std::lock_guard lock(mutex_);
    pending_ = std::move(parsed.value());
  }
  FERRY_INFO("reload: configuration valid; completing open objects, then the new flows start");
  stop_.request();
}

}  // namespace ferry
