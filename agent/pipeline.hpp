// The only place that wires stages together: reactor (this thread) -> workers -> shipper,
// through bounded queues and a fixed batch pool.
#pragma once

#include <cstdint>

#include "agent/config.hpp"
#include "agent/shipper.hpp"
#include "core/result.hpp"

namespace ferry {

struct RunOptions {
  bool once = false;     // ship what the files hold now, then return
  int signal_fd = -1;    // SIGTERM/SIGINT as a signalfd
  unsigned workers = 0;  // 0: one per core
};

struct RunSummary {
  uint64_t bytes_read = 0;
  ShipperStats shipped;
  double seconds = 0;
};

// Runs every flow of `config`. An error means something could not be delivered (or could not
// start); what was delivered is checkpointed either way.
Result<RunSummary> run_pipeline(const config::Config& config, const RunOptions& options);

}  // namespace ferry
