// The status and progress lines.
#include "agent/monitor.hpp"

#include <algorithm>
#include <cstdio>

#include "core/observe/log.hpp"
#include "core/text.hpp"
#include "io/steady_clock.hpp"
#include "io/tail/flow_files.hpp"
#include "io/thread_name.hpp"

namespace ferry {

namespace {

constexpr uint64_t kProgressMillis = 500;

uint64_t total_bytes_read(const Metrics& metrics) {
  uint64_t total = 0;
  for (const FlowMetrics* flow : metrics.flows()) total += flow->bytes_read.value();
  return total;
}

std::string one_decimal(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

}  // namespace

TailerProgress tailer_progress(const FlowMetrics& flow) {
  TailerProgress progress;
  progress.records_parsed = flow.records_read.value();
  progress.bytes_parsed = flow.bytes_read.value();
  progress.records_skipped = flow.records_dropped.value();
  if (flow.tailer().transforms && progress.records_parsed >= progress.records_skipped)
    progress.records_transformed = progress.records_parsed - progress.records_skipped;
  progress.records_sent = flow.records_shipped.value();
  return progress;
}

std::string format_bytes(uint64_t bytes) {
  if (bytes < 1000) return cat(bytes, " B");
  if (bytes < 1000 * 1000) return cat(one_decimal(static_cast<double>(bytes) / 1e3), " kB");
  if (bytes < 1000ull * 1000 * 1000)
    return cat(one_decimal(static_cast<double>(bytes) / 1e6), " MB");
  return cat(one_decimal(static_cast<double>(bytes) / 1e9), " GB");
}

std::string progress_line(uint64_t done, uint64_t total, uint64_t elapsed_millis) {
  const uint64_t shown_total = std::max(done, total);  // files may grow while they are read
  const uint64_t percent = shown_total == 0 ? 100 : done * 100 / shown_total;
  const double seconds = static_cast<double>(elapsed_millis) / 1000.0;
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  std::string line = cat("progress: ", one_decimal(static_cast<double>(done) / 1e6), " of ",
                         one_decimal(static_cast<double>(shown_total) / 1e6), " MB (", percent,
                         "%), ", one_decimal(rate / 1e6), " MB/s");
  if (rate > 0 && shown_total > done)
    line.append(cat(", ETA ",
                    static_cast<uint64_t>(static_cast<double>(shown_total - done) / rate + 0.5),
                    " s"));
  return line;
}

Monitor::Monitor(const Metrics& metrics, MonitorOptions options)
    : metrics_(metrics),
      progress_(options.progress),
      status_period_millis_(options.status_period_millis),
      grace_millis_(options.grace_millis),
      started_millis_(steady_millis()),
      thread_([this] {
        name_this_thread("ferry-monitor");
        run();
      }) {}

void Monitor::reconfigure(uint64_t status_period_millis, int64_t grace_millis) {
  grace_millis_.store(grace_millis);
  {
    std::lock_guard lock(mutex_);
    status_period_millis_.store(status_period_millis);
    reconfigured_ = true;
  }
  wake_.notify_all();
}

Monitor::~Monitor() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  if (progress_) log::end_progress();
  if (status_period_millis_.load() != 0) log_kinesis_agent_progress();
}

void Monitor::run() {
  const uint64_t started = steady_millis();
  const uint64_t done_at_start = total_bytes_read(metrics_);
  uint64_t period = status_period_millis_.load();
  uint64_t next_status = period != 0 ? started + period : 0;
  std::unique_lock lock(mutex_);
  while (!stop_) {
    if (reconfigured_) {  // a reload: the new period counts from now
      reconfigured_ = false;
      period = status_period_millis_.load();
      next_status = period != 0 ? steady_millis() + period : 0;
    }
    const uint64_t now = steady_millis();
    uint64_t wait = progress_ ? kProgressMillis : 60000;
    if (next_status != 0) wait = std::min(wait, next_status > now ? next_status - now : 0);
    wake_.wait_for(lock, std::chrono::milliseconds(wait),
                   [this] { return stop_ || reconfigured_; });
    if (stop_) break;
    if (reconfigured_) continue;
    lock.unlock();
    if (progress_) draw_progress(started, done_at_start);
    if (next_status != 0 && steady_millis() >= next_status) {
      log_kinesis_agent_progress();
      log_status();
      next_status += period;
    }
    lock.lock();
  }
  lock.unlock();
  if (progress_) draw_progress(started, done_at_start);
}

void Monitor::draw_progress(uint64_t started_millis, uint64_t done_at_start) {
  const uint64_t done = total_bytes_read(metrics_) - done_at_start;
  const auto total = static_cast<uint64_t>(std::max<int64_t>(0, metrics_.backlog_bytes.value()));
  log::write_progress(progress_line(done, total, steady_millis() - started_millis));
}

void Monitor::log_kinesis_agent_progress() {
  if (!log::enabled(log::Level::info)) return;
  AgentProgress total;
  for (const FlowMetrics* flow : metrics_.flows()) {  // every flow since the start, as totals
    const TailerProgress progress = tailer_progress(*flow);
    total.records_parsed += progress.records_parsed;
    total.bytes_parsed += progress.bytes_parsed;
    total.records_sent += progress.records_sent;
    if (!flow->active.load(std::memory_order_relaxed)) continue;
    const std::string id = flow->tailer().id;
    const std::string thread = tailer_progress_thread(id);
    log::write(log::Level::info, tailer_progress_message(id, progress),
               log::Source{thread, kTailerLogger});
  }
  total.uptime_millis = steady_millis() - started_millis_;
  log::write(log::Level::info, agent_progress_message(total), kAgentProgressSource);
}

void Monitor::log_status() {
  const int64_t now = unix_millis();
  for (const FlowMetrics* flow : metrics_.flows()) {
    if (!flow->active.load(std::memory_order_relaxed)) continue;
    const FlowSample sample = sample_flow_files(flow->file_pattern(), flow->committed());
    const int64_t pending_since = flow->oldest_pending_unix_ms.value();
    FERRY_INFO(cat(
        "status: flow ", flow->name, ": ", sample.files, " file(s), ", flow->records_read.value(),
        " records read, ", flow->records_shipped.value(), " shipped in ",
        flow->stream_calls.value() > 0 ? cat(flow->stream_calls.value(), " stream calls, ")
                                       : cat(flow->objects_completed.value(), " objects, "),
        flow->records_redacted.value(), " redacted, ", flow->records_invalid.value(),
        " invalid; lag ", format_bytes(sample.lag_bytes), "; oldest pending ",
        pending_since == 0 ? std::string("none") : cat((now - pending_since) / 1000, " s")));
  }
  const std::vector<std::string> problems = unhealthy_flows(metrics_, now, grace_millis_.load());
  for (const std::string& problem : problems) FERRY_WARN(cat("status: unhealthy: ", problem));
}

}  // namespace ferry
