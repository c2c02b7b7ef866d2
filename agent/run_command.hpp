// `ferry --config PATH [--once]`: runs the pipeline with its metrics server, status and
// progress lines, and SIGHUP reloads, until SIGTERM/SIGINT (or the end of --once).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "agent/commands/cli.hpp"
#include "agent/config/config.hpp"
#include "core/observe/log.hpp"
#include "io/log_file_writer.hpp"

namespace ferry {

inline constexpr int kExitDelivered = 0;
inline constexpr int kExitUndelivered = 1;
inline constexpr int kExitConfig = 2;

// "debug", "info", "warn" or "error" (the --log-level values).
std::optional<log::Level> parse_log_level(std::string_view name);

// log.format, and log.level unless --log-level overrides it.
void apply_log_settings(const config::Config& config, const CliOptions& cli);

// log.file, or --log-file (which wins, as the Kinesis Agent's -l): a writer already set as the
// logger's sink; nullptr without a file. Keep it until the end of main: its destructor writes
// what is queued.
std::unique_ptr<LogFileWriter> start_log_file(const config::Config& config, const CliOptions& cli);

// Returns the process exit status.
int run_agent(const CliOptions& cli, config::Config config);

}  // namespace ferry
