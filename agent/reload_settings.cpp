// The top-level keys at a reload (see reload_settings.hpp).
#include "agent/reload_settings.hpp"

#include "core/text.hpp"

namespace ferry {
namespace {

std::string_view log_level_name(config::LogLevel level) {
  switch (level) {
    case config::LogLevel::debug: return "debug";
    case config::LogLevel::info: return "info";
    case config::LogLevel::warn: return "warn";
    case config::LogLevel::error: return "error";
  }
  return "info";
}

std::string_view log_format_name(config::LogFormat format) {
  return format == config::LogFormat::json ? "json" : "text";
}

template <class T>
void note_change(std::vector<std::string>& applied, std::string_view key, const T& before,
                 const T& after) {
  if (before != after) applied.push_back(cat(key, " ", before, " -> ", after));
}

// A key the running process cannot change: named, and kept at its running value.
template <class T>
void keep_running(std::vector<std::string>& warnings, std::string_view keys, const T& running,
                  T& next) {
  if (running == next) return;
  warnings.push_back(cat("reload: ", keys, " change", keys.find(',') == keys.npos ? "s" : "",
                         " only at the next start"));
  next = running;
}

}  // namespace

ReloadSettings settle_reload_settings(const config::Config& running, config::Config& next,
                                      bool log_file_from_cli) {
  ReloadSettings settings;
  const config::Operations& now = running.operations;
  config::Operations& then = next.operations;
  keep_running(settings.warnings, "metrics.listen", now.metrics_listen, then.metrics_listen);
  if (!log_file_from_cli) keep_running(settings.warnings, "log.file", now.log_file, then.log_file);
  keep_running(settings.warnings, "log.maxFileSize, log.maxBackupIndex", now.log_rotation,
               then.log_rotation);
  keep_running(settings.warnings, "checkpointFile", running.checkpoint_file, next.checkpoint_file);
  if (running.cloudwatch != next.cloudwatch) {
    settings.warnings.push_back(
        "reload: cloudwatch.* (and the emitMetrics default) change only at the next start");
    next.cloudwatch = running.cloudwatch;
  }
  note_change(settings.applied, "metrics.unhealthyAfterSeconds", now.unhealthy_after_millis / 1000,
              then.unhealthy_after_millis / 1000);
  note_change(settings.applied, "log.statusReportingPeriodSeconds", now.status_period_seconds,
              then.status_period_seconds);
  note_change(settings.applied, "shutdownTimeoutMillis", running.shutdown_timeout_millis,
              next.shutdown_timeout_millis);
  note_change(settings.applied, "checkpointTimeToLiveDays", running.checkpoint_ttl_days,
              next.checkpoint_ttl_days);
  note_change(settings.applied, "log.level", log_level_name(running.log_level),
              log_level_name(next.log_level));
  note_change(settings.applied, "log.format", log_format_name(now.log_format),
              log_format_name(then.log_format));
  return settings;
}

}  // namespace ferry
