// The only place that wires stages together: reactor (this thread) -> workers -> shipper,
// through bounded queues and a fixed batch pool.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "agent/config/config.hpp"
#include "agent/shipper.hpp"
#include "core/observe/metrics.hpp"
#include "core/result.hpp"

namespace ferry {

class AwsAccessCache;  // agent/setup/aws_access_cache.hpp

// Lets another thread stop a running pipeline the way SIGTERM does: reading stops, open
// objects are completed and checkpointed, run_pipeline returns (a reload uses it).
class StopHandle {
 public:
  void request();  // thread-safe; before run_pipeline attaches, the run stops as soon as it can
  void attach(std::function<void()> stop);
  void detach();
  bool requested() const;
  void reset();  // between runs: a request from now on stops the next run

 private:
  mutable std::mutex mutex_;
  std::function<void()> stop_;
  bool requested_ = false;
};

// Lets another thread (the reloader) hand a new configuration to the running pipeline, which
// applies it flow by flow (agent/running_pipeline.hpp).
class ReloadHandle {
 public:
  using Apply = std::function<bool(const config::Config& next, std::string& why_not)>;
  // Thread-safe: true once applied; false with `why_not` when only a new run can apply it (no
  // run attached, or a setting every flow shares changed).
  bool apply(const config::Config& next, std::string& why_not);
  void attach(Apply apply);
  void detach();

 private:
  std::mutex mutex_;  // held while applying: detach() waits for an apply in progress
  Apply apply_;
};

struct RunOptions {
  bool once = false;               // ship what the files hold now, then return
  unsigned workers = 1;            // compression threads
  unsigned cpus = 1;               // the CPUs ferry may use (io/cpu_budget_probe)
  Metrics* metrics = nullptr;      // required: counters live across runs (reloads)
  StopHandle* stop = nullptr;      // optional
  ReloadHandle* reload = nullptr;  // optional (following only)
  // Required: the region and credentials outlive the runs unless a reload changes their keys.
  AwsAccessCache* aws_access = nullptr;
};

// What a run did is in the metrics registry (agent/run_totals.hpp); this is how it ended.
struct RunSummary {
  // Following: a flow's destination failed in this run (its records stay in its files). The
  // next run tries it again; a run that ends ferry (SIGTERM) then exits 1.
  bool undelivered = false;
};

// Runs every flow of `config`. An error means something could not be delivered (or could not
// start); what was delivered is checkpointed either way.
Result<RunSummary> run_pipeline(const config::Config& config, const RunOptions& options);

}  // namespace ferry
