// Unit tests for the top-level keys at a reload: every changed one is applied and listed, or
// named in a warning and kept at its running value.
#include "agent/reload_settings.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ferry {
namespace {

TEST(ReloadSettings, NothingChangedSaysNothing) {
  const config::Config running;
  config::Config next;
  const ReloadSettings settings = settle_reload_settings(running, next, false);
  EXPECT_TRUE(settings.applied.empty());
  EXPECT_TRUE(settings.warnings.empty());
}

TEST(ReloadSettings, AppliedKeysAreListedWithTheirValues) {
  const config::Config running;
  config::Config next;
  next.operations.unhealthy_after_millis = 7000;
  next.operations.status_period_seconds = 1;
  next.shutdown_timeout_millis = 20000;
  next.checkpoint_ttl_days = 3;
  next.log_level = config::LogLevel::debug;
  next.operations.log_format = config::LogFormat::json;
  const ReloadSettings settings = settle_reload_settings(running, next, false);
  EXPECT_EQ(settings.applied,
            (std::vector<std::string>{
                "metrics.unhealthyAfterSeconds 60 -> 7", "log.statusReportingPeriodSeconds 30 -> 1",
                "shutdownTimeoutMillis 10000 -> 20000", "checkpointTimeToLiveDays 7 -> 3",
                "log.level info -> debug", "log.format text -> json"}));
  EXPECT_TRUE(settings.warnings.empty());
  EXPECT_EQ(next.operations.status_period_seconds, 1u);  // applied: left as the new config says
}

TEST(ReloadSettings, RestartOnlyKeysAreNamedAndKeptAtTheirRunningValues) {
  config::Config running;
  running.operations.metrics_listen = "127.0.0.1:9464";
  config::Config next = running;
  next.operations.metrics_listen = "127.0.0.1:9999";
  next.checkpoint_file = "/elsewhere/checkpoints";
  next.operations.log_file = "/var/log/ferry.log";
  next.operations.log_rotation.max_backup_index = 9;
  next.cloudwatch.emit_metrics = !running.cloudwatch.emit_metrics;
  const ReloadSettings settings = settle_reload_settings(running, next, false);
  EXPECT_EQ(settings.warnings,
            (std::vector<std::string>{
                "reload: metrics.listen changes only at the next start",
                "reload: log.file changes only at the next start",
                "reload: log.maxFileSize, log.maxBackupIndex change only at the next start",
                "reload: checkpointFile changes only at the next start",
                "reload: cloudwatch.* (and the emitMetrics default) change only at the next "
                "start"}));
  EXPECT_EQ(next.operations.metrics_listen, running.operations.metrics_listen);
  EXPECT_EQ(next.checkpoint_file, running.checkpoint_file);
  EXPECT_EQ(next.operations.log_file, running.operations.log_file);
  EXPECT_TRUE(next.operations.log_rotation == running.operations.log_rotation);
  EXPECT_TRUE(next.cloudwatch == running.cloudwatch);
  // --log-file names the file: log.file in the configuration does not matter.
  config::Config with_cli = running;
  with_cli.operations.log_file = "/var/log/other.log";
  EXPECT_TRUE(settle_reload_settings(running, with_cli, true).warnings.empty());
}

}  // namespace
}  // namespace ferry
