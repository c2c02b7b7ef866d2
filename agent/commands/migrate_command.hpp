// `ferry migrate`: carries the Kinesis Agent's checkpoints (its SQLite database, read-only) over
// to ferry's checkpoint, so that each flow resumes where the Kinesis Agent stopped: nothing sent
// twice, nothing skipped. The decisions are core/checkpoint/kinesis_agent_migration's.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace ferry {

inline constexpr const char* kKinesisAgentCheckpoints = "/var/run/aws-kinesis-agent/checkpoints";

struct MigrateOptions {
  std::string config_path = "/etc/aws-kinesis/agent.json";
  std::string from = kKinesisAgentCheckpoints;  // --from DB
  bool dry_run = false;                         // --dry-run: report, write nothing
  bool force = false;  // --force: replace the file entries ferry already has for a flow
};

// The arguments after "migrate".
Result<MigrateOptions> parse_migrate_args(const std::vector<std::string>& args);

// The whole command: one line per row and file on `out`, then a summary; errors on `err`.
// Returns 0 migrated (or dry run), 1 the checkpoint could not be written, 2 bad usage,
// configuration or database, or ferry's checkpoint already has a flow (without --force).
int run_migrate_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace ferry
