// The run loop: signals, metrics server, monitor, reloads, and the end-of-run summary.
#include "agent/run_command.hpp"

#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "agent/cloudwatch_reporter.hpp"
#include "agent/metrics_endpoint.hpp"
#include "agent/monitor.hpp"
#include "agent/pipeline.hpp"
#include "agent/reload_settings.hpp"
#include "agent/reloader.hpp"
#include "agent/run_totals.hpp"
#include "agent/setup/aws_access_cache.hpp"
#include "agent/shutdown_watchdog.hpp"
#include "core/cpu_budget.hpp"
#include "core/observe/log.hpp"
#include "core/observe/metrics.hpp"
#include "core/redact/redaction_rule.hpp"
#include "core/text.hpp"
#include "io/cpu_budget_probe.hpp"
#include "io/host_name.hpp"
#include "io/metrics_server.hpp"
#include "io/steady_clock.hpp"
#include "io/unique_fd.hpp"

namespace ferry {

namespace {

constexpr const char* kKinesisAgentLogDirectory = "/var/log/aws-kinesis-agent";

// One line per redaction rule that ran since ferry started, flow by flow and in rule order: a
// rule a reload changed or removed keeps its own line with what it did until then, so the lines
// add up to what was shipped in the whole run.
void log_audit(const Metrics& metrics) {
  for (const FlowMetrics* flow : metrics.flows()) {
    struct Line {
      size_t index;
      std::string text;
    };
    std::vector<Line> lines;  // in the order the rules were first seen
    const bool flow_active = flow->active.load(std::memory_order_relaxed);
    metrics.for_each_rule(*flow, [&](const RuleMetrics& rule) {
      const RuleAudit audit{rule.records.value(), rule.values.value()};
      const bool retired = flow_active && !rule.active.load(std::memory_order_relaxed);
      const std::string description =
          retired ? cat(rule.description, " (until a reload)") : rule.description;
      lines.push_back(Line{rule.index, describe_audit(rule.index, description, audit)});
    });
    std::stable_sort(lines.begin(), lines.end(),
                     [](const Line& a, const Line& b) { return a.index < b.index; });
    for (const Line& line : lines) {
      FERRY_INFO(cat("audit: flow ", flow->name, flow_active ? "" : " (removed by a reload)", " ",
                     line.text));
    }
  }
}

// Which flows a reload adds, removes and keeps, by name.
void log_reload_plan(const config::Config& before, const config::Config& after) {
  const auto has = [](const config::Config& config, const std::string& name) {
    for (const auto& flow : config.flows)
      if (flow.name == name) return true;
    return false;
  };
  std::string added, removed, kept;
  for (const auto& flow : after.flows)
    (has(before, flow.name) ? kept : added).append(cat(" ", flow.name));
  for (const auto& flow : before.flows)
    if (!has(after, flow.name)) removed.append(cat(" ", flow.name));
  FERRY_INFO(cat("reload: applied; flows added:", added.empty() ? " none" : added,
                 "; removed:", removed.empty() ? " none" : removed,
                 "; kept (resumed from the checkpoint):", kept.empty() ? " none" : kept));
}

// For a forced exit: per flow, the records read but not yet acknowledged.
std::string describe_unacknowledged(const Metrics& metrics) {
  std::string text;
  for (const FlowMetrics* flow : metrics.flows()) {
    if (!flow->active.load(std::memory_order_relaxed)) continue;
    const uint64_t read = flow->records_read.value();
    const uint64_t shipped = flow->records_shipped.value();
    text.append(cat(text.empty() ? "" : ", ", "flow ", flow->name, ": ",
                    read > shipped ? read - shipped : 0, " record(s) processed, not acknowledged"));
  }
  return text.empty() ? std::string("nothing") : text;
}

}  // namespace

std::optional<log::Level> parse_log_level(std::string_view name) {
  if (name == "debug" || name == "DEBUG") return log::Level::debug;
  if (name == "TRACE") return log::Level::debug;  // the Kinesis Agent's finest level
  if (name == "info" || name == "INFO") return log::Level::info;
  if (name == "warn" || name == "WARN") return log::Level::warn;
  if (name == "error" || name == "ERROR") return log::Level::error;
  return std::nullopt;
}

void apply_log_settings(const config::Config& config, const CliOptions& cli) {
  log::set_format(config.operations.log_format == config::LogFormat::json ? log::Format::json
                                                                          : log::Format::text);
  log::Level level = log::Level::info;
  switch (config.log_level) {
    case config::LogLevel::debug: level = log::Level::debug; break;
    case config::LogLevel::info: level = log::Level::info; break;
    case config::LogLevel::warn: level = log::Level::warn; break;
    case config::LogLevel::error: level = log::Level::error; break;
  }
  if (cli.log_level) level = parse_log_level(*cli.log_level).value_or(level);
  log::set_level(level);
}

std::unique_ptr<LogFileWriter> start_log_file(const config::Config& config, const CliOptions& cli) {
  const std::string path = cli.log_file.value_or(config.operations.log_file);
  if (path.empty()) {
    // A host the Java agent ran on may have readers of its default file: say that ferry differs.
    if (::access(kKinesisAgentLogDirectory, F_OK) == 0)
      FERRY_WARN(cat("log: the Kinesis Agent wrote ", kKinesisAgentLogDirectory,
                     "/aws-kinesis-agent.log by default; ferry writes a log file only with "
                     "log.file (or -l), and logs to stderr (the journal) meanwhile"));
    return nullptr;
  }
  const RotationPolicy policy = config.operations.log_rotation;
  auto writer = std::make_unique<LogFileWriter>(LogFileOptions{path, policy, system_host_name()});
  log::set_sink(writer.get());
  FERRY_INFO(cat("log: writing ", path, " too (the Kinesis Agent's layout; rolled over at ",
                 policy.max_file_size, " bytes, ", policy.max_backup_index, " backup(s))"));
  return writer;
}

int run_agent(const CliOptions& cli, config::Config config) {
  // SIGTERM/SIGINT arrive through a signalfd that the shutdown watchdog reads, SIGHUP through
  // the reloader's; blocked here before any thread starts, so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigset_t blocked = signals;
  sigaddset(&blocked, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &blocked, nullptr);
  signal(SIGPIPE, SIG_IGN);
  const UniqueFd signal_fd(::signalfd(-1, &signals, SFD_CLOEXEC));

  Metrics metrics;
  const uint64_t started_millis = steady_millis();
  // metrics.unhealthyAfterSeconds: a reload changes it for /healthz and the status lines.
  std::atomic<int64_t> grace_millis{static_cast<int64_t>(config.operations.unhealthy_after_millis)};
  std::unique_ptr<MetricsServer> server;
  if (!config.operations.metrics_listen.empty()) {
    auto started = MetricsServer::start(
        config.operations.metrics_listen, [&metrics, &grace_millis](std::string_view path) {
          return answer_metrics_request(path, metrics, grace_millis.load());
        });
    if (!started) {
      FERRY_ERROR(cat("metrics.listen: ", started.error().message));
      return kExitUndelivered;
    }
    server = std::move(started.value());
    FERRY_INFO(cat("metrics: serving /metrics and /healthz on ", config.operations.metrics_listen,
                   " (port ", server->port(), ")"));
  }

  // Declared before what is torn down after the last run, so that the shutdown timeout also
  // bounds that (the last CloudWatch flush, the monitor).
  StopHandle stop;
  ShutdownWatchdog watchdog(
      signal_fd.get(), config.shutdown_timeout_millis, [&stop] { stop.request(); },
      [&metrics] { return describe_unacknowledged(metrics); }, kExitUndelivered);

  // The region and credentials of every run and of CloudWatch: a reload keeps them unless it
  // changes the keys that decide them.
  AwsAccessCache aws_access;
  // Lives across reloads; destroyed after the last run, with a last flush of its metrics.
  std::unique_ptr<CloudWatchReporter> cloudwatch;
  if (config.cloudwatch.emit_metrics)
    cloudwatch = std::make_unique<CloudWatchReporter>(config, metrics, aws_access);

  const CpuBudget cpus = probe_cpu_budget();
  const unsigned workers = cli.workers ? cli.workers : default_workers(cpus.available);
  FERRY_INFO(cat("ferry ", FERRY_VERSION, " starting: ", config.flows.size(), " flow(s), ",
                 cli.once ? "--once" : "following files", ", ", workers, " worker(s) (",
                 cli.workers ? "--workers" : describe_cpu_budget(cpus), ")"));
  MonitorOptions monitor_options;
  monitor_options.status_period_millis = config.operations.status_period_seconds * 1000;
  monitor_options.progress = cli.once && ::isatty(STDERR_FILENO) == 1;
  monitor_options.grace_millis = grace_millis.load();
  std::optional<Monitor> monitor(std::in_place, metrics, monitor_options);

  // Guards `config`: the main loop reads it between runs, a reload applied to the running
  // pipeline (on the reloader's thread) replaces it during one.
  std::mutex config_mutex;
  // A reload's settings that are not the flows' (the caller holds config_mutex).
  const auto take_settings = [&](config::Config& next) {
    const ReloadSettings settings = settle_reload_settings(config, next, cli.log_file.has_value());
    for (const std::string& warning : settings.warnings) FERRY_WARN(warning);
    std::string applied;
    for (const std::string& change : settings.applied)
      applied.append(cat(applied.empty() ? "" : ", ", change));
    if (!applied.empty()) FERRY_INFO(cat("reload: settings applied: ", applied));
    if (cloudwatch) cloudwatch->set_flows(next.flows);
    config = std::move(next);
    watchdog.set_timeout(config.shutdown_timeout_millis);
    apply_log_settings(config, cli);
    grace_millis.store(static_cast<int64_t>(config.operations.unhealthy_after_millis));
    monitor->reconfigure(config.operations.status_period_seconds * 1000, grace_millis.load());
    metrics.reloads.add();
  };
  ReloadHandle reload;
  std::optional<Reloader> reloader;
  if (!cli.once) {
    reloader.emplace(cli.config_path, stop, metrics, [&](config::Config& next) {
      std::lock_guard lock(config_mutex);
      config::Config settled = next;
      (void)settle_reload_settings(config, settled, cli.log_file.has_value());  // as it will run
      std::string why_not;
      if (!reload.apply(settled, why_not)) {
        FERRY_INFO(cat("reload: not flow by flow (", why_not,
                       "): every flow completes its open objects, then the new configuration "
                       "starts"));
        return false;
      }
      take_settings(next);
      return true;
    });
  }

  RunOptions run_options;
  run_options.once = cli.once;
  run_options.workers = workers;
  run_options.cpus = cpus.available;
  run_options.metrics = &metrics;
  run_options.stop = &stop;
  run_options.reload = &reload;
  run_options.aws_access = &aws_access;
  bool undelivered = false;  // the last run left a failed flow's records in its files
  RunTotals run_start = run_totals(metrics);
  uint64_t run_started_millis = started_millis;
  for (;;) {
    config::Config run_config;
    {
      std::lock_guard lock(config_mutex);
      run_config = config;
    }
    auto summary = run_pipeline(run_config, run_options);
    if (!summary) {
      monitor.reset();
      FERRY_ERROR(summary.error().message);
      return kExitUndelivered;
    }
    if (watchdog.signalled() || !stop.requested()) {  // SIGTERM, SIGINT, end of --once
      undelivered = summary->undelivered;
      break;
    }
    stop.reset();
    RunTotals run = run_totals(metrics);
    const RunTotals next_start = run;
    run -= run_start;
    FERRY_INFO(cat("reload: the run before it: ",
                   describe_totals(run, steady_millis() - run_started_millis)));
    run_start = next_start;
    run_started_millis = steady_millis();
    if (auto next = reloader->take()) {
      std::lock_guard lock(config_mutex);
      log_reload_plan(config, next->config);
      take_settings(next->config);
    }
  }
  monitor.reset();
  // The whole process, every run and reload included.
  FERRY_INFO(cat("done: ", describe_totals(run_totals(metrics), steady_millis() - started_millis)));
  log_audit(metrics);
  if (undelivered) {
    FERRY_ERROR(
        "a flow's destination failed; its records stay unacknowledged in its files and "
        "are shipped at the next start");
    return kExitUndelivered;
  }
  return kExitDelivered;
}

}  // namespace ferry
