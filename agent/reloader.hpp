// Reloader: a thread that answers SIGHUP. It reads and validates the configuration file again;
// a valid one goes to `apply`, which applies it to the running pipeline flow by flow; one it
// cannot apply that way is kept for the main loop and the running pipeline is stopped (its open
// objects completed and checkpointed) so that the next run uses it. An invalid one is refused
// with the reason, and the running configuration goes on. SIGHUP must be blocked in every thread.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "agent/config/config.hpp"
#include "agent/pipeline.hpp"
#include "core/observe/metrics.hpp"
#include "io/unique_fd.hpp"

namespace ferry {

class Reloader {
 public:
  // apply: true once the running pipeline took the configuration (it may change it, e.g. keep
  // settings that apply only at the next start).
  using Apply = std::function<bool(config::Config& next)>;
  Reloader(std::string config_path, StopHandle& stop, Metrics& metrics, Apply apply);
  ~Reloader();
  Reloader(const Reloader&) = delete;
  Reloader& operator=(const Reloader&) = delete;

  // The newest valid configuration read since the last call, if any.
  std::optional<config::Parsed> take();

 private:
  void run();
  void reload();

  std::string config_path_;
  StopHandle& stop_;
  Metrics& metrics_;
  Apply apply_;
  UniqueFd hangup_;  // signalfd for SIGHUP
  UniqueFd quit_;    // eventfd: written by the destructor
  std::mutex mutex_;
  std::optional<config::Parsed> pending_;
  std::thread thread_;
};

}  // namespace ferry
