// Monitor: a thread that writes the periodic status lines (log.statusReportingPeriodSeconds):
// ferry's `status:` lines, and the Kinesis Agent's progress lines (core/observe/kinesis_agent_log.hpp),
// once more when it stops, as the Java agent; and, for --once on a terminal, the progress line
// (bytes done of the backlog, MB/s, ETA).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "core/observe/kinesis_agent_log.hpp"
#include "core/observe/metrics.hpp"

namespace ferry {

struct MonitorOptions {
  uint64_t status_period_millis = 0;  // 0: no status lines
  bool progress = false;              // a progress line on stderr (a terminal)
  int64_t grace_millis = 60000;       // health, as /healthz judges it
};

class Monitor {
 public:
  Monitor(const Metrics& metrics, MonitorOptions options);
  // Stops the thread; the progress line is left on its own line, and the Kinesis Agent's
  // progress lines are written a last time (with status lines on).
  ~Monitor();
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  // A reload's new status period (0: none; the next line one period from now) and health grace.
  void reconfigure(uint64_t status_period_millis, int64_t grace_millis);

 private:
  void run();
  void log_status();
  void log_kinesis_agent_progress();
  void draw_progress(uint64_t started_millis, uint64_t done_at_start);

  const Metrics& metrics_;
  const bool progress_;
  std::atomic<uint64_t> status_period_millis_;
  std::atomic<int64_t> grace_millis_;
  bool reconfigured_ = false;      // guarded by mutex_
  const uint64_t started_millis_;  // the uptime of the Kinesis Agent's progress line
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

// A flow's counters as the Kinesis Agent's progress lines give them.
TailerProgress tailer_progress(const FlowMetrics& flow);

// "12.3 MB" style, decimal units.
std::string format_bytes(uint64_t bytes);
// "progress: 512.0 of 1000.0 MB (51%), 210.5 MB/s, ETA 3 s" (no ETA before a rate is known).
std::string progress_line(uint64_t done, uint64_t total, uint64_t elapsed_millis);

}  // namespace ferry
