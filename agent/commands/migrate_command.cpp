// `ferry migrate`: reads the Kinesis Agent's checkpoint database, verifies each row's file,
// reports every row and file, and records what it verified in ferry's checkpoint (see the header).
#include "agent/commands/migrate_command.hpp"

#include <ctime>
#include <filesystem>
#include <optional>

#include "agent/commands/command_config.hpp"
#include "core/checkpoint/checkpoint.hpp"
#include "core/checkpoint/kinesis_agent_migration.hpp"
#include "core/observe/log_text.hpp"
#include "core/text.hpp"
#include "io/checkpoint_store.hpp"
#include "io/kinesis_agent_db.hpp"
#include "io/tail/path_state.hpp"

namespace ferry {
namespace {

constexpr int kExitMigrated = 0;
constexpr int kExitWriteFailed = 1;
constexpr int kExitUsage = 2;

// Outside bytes (database values, file names) as they may appear in a report line.
std::string shown(std::string_view bytes) {
  return cat("\"", inert_log_text(bytes, 1024), "\"");
}

bool same_file(const std::string& a, const std::string& b) {
  if (a == b) return true;
  std::error_code error;
  return std::filesystem::equivalent(a, b, error) && !error;
}

// What migration records for one flow.
struct FlowResult {
  std::vector<FileCheckpoint> files;
  size_t rows = 0;
  std::optional<int64_t> resumed_modified_nanos;  // its newest row was verified
};

bool has_inode(const std::vector<FileCheckpoint>& files, const FileIdentity& identity) {
  for (const FileCheckpoint& file : files)
    if (file.identity.same_inode(identity)) return true;
  return false;
}

// Tallies for the summary.
struct Counts {
  size_t migrated = 0, skipped = 0, shipped = 0, left = 0;
};

void report_row(std::ostream& out, const std::vector<MigrationFlow>& flows,
                const KinesisAgentRow& row, const RowMatch& match, const RowDecision& decision) {
  const bool migrated = decision.outcome == RowOutcome::migrated;
  out << (migrated ? "migrated " : "skipped  ");
  if (match.flow)
    out << "flow " << flows[*match.flow].name;
  else
    out << "row " << shown(row.flow);
  out << ": " << shown(row.path) << ": " << decision.reason;
  if (match.by_pattern) out << " (matched by filePattern " << shown(row.flow) << ")";
  out << "\n";
}

}  // namespace

Result<MigrateOptions> parse_migrate_args(const std::vector<std::string>& args) {
  MigrateOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::optional<std::string> value;
    if (const size_t equals = arg.find('='); arg.starts_with("--") && equals != std::string::npos) {
      value = arg.substr(equals + 1);
      arg.resize(equals);
    }
    const bool takes_value = arg == "--config" || arg == "-c" || arg == "--from";
    if (takes_value && !value) {
      if (i + 1 >= args.size()) return make_error(cat(arg, " needs a value"));
      value = args[++i];
    } else if (!takes_value && value) {
      return make_error(cat(arg, " takes no value, got ", args[i]));
    }
    if (arg == "--config" || arg == "-c") {
      options.config_path = *value;
    } else if (arg == "--from") {
      options.from = *value;
    } else if (arg == "--dry-run") {
      options.dry_run = true;
    } else if (arg == "--force") {
      options.force = true;
    } else {
      return make_error(cat("unknown argument ", args[i], " (see --help)"));
    }
    if (takes_value && value->empty()) return make_error(cat(arg, " needs a value"));
  }
  return options;
}

int run_migrate_command(const std::vector<std::string>& args, std::ostream& out,
                        std::ostream& err) {
  auto options = parse_migrate_args(args);
  if (!options) {
    err << "ferry: migrate: " << options.error().message << "\n";
    return kExitUsage;
  }
  auto parsed = load_command_config(options->config_path, err);
  if (!parsed) return kExitUsage;
  const config::Config& config = parsed->config;
  if (same_file(config.checkpoint_file, options->from)) {
    err << "ferry: migrate: checkpointFile " << shown(config.checkpoint_file)
        << " is the Kinesis Agent's database itself; point checkpointFile at a file of ferry's "
           "own (such as /var/lib/ferry/checkpoints) and pass the database with --from\n";
    return kExitUsage;
  }
  auto rows = read_kinesis_agent_checkpoints(options->from);
  if (!rows) {
    err << "ferry: migrate: " << rows.error().message << "\n";
    return kExitUsage;
  }
  auto checkpoint = load_checkpoint(config.checkpoint_file);
  if (!checkpoint) {
    err << "ferry: migrate: " << checkpoint.error().message << "\n";
    return kExitUsage;
  }

  std::vector<MigrationFlow> flows;
  for (const config::Flow& flow : config.flows)
    flows.push_back({flow.name, flow.checkpoint_key, flow.kinesis_agent_id, flow.file_pattern});
  const std::vector<RowMatch> matches = match_rows(*rows, flows);
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  std::vector<FlowResult> results(flows.size());
  Counts counts;

  // Rows newest first: a flow's first row is the one the Kinesis Agent would resume.
  for (size_t r = 0; r < rows->size(); ++r) {
    const KinesisAgentRow& row = (*rows)[r];
    const RowMatch& match = matches[r];
    RowDecision decision;
    if (!match.flow) {
      decision.outcome = row.problem.empty() ? RowOutcome::no_flow : RowOutcome::unreadable;
      decision.reason = match.problem;
    } else {
      FlowResult& result = results[*match.flow];
      const bool newest = result.rows++ == 0;
      const PathState live = row.problem.empty() ? probe_path(row.path) : PathState{};
      decision = decide_row(row, live);
      if (decision.outcome == RowOutcome::migrated && has_inode(result.files, live.identity)) {
        decision.outcome = RowOutcome::superseded;
        decision.reason = "a newer row of the flow names the same file";
      }
      if (decision.outcome == RowOutcome::migrated) {
        FERRY_ASSERT(decision.offset <= live.size);
        result.files.push_back({row.path, live.identity, decision.offset, now});
        if (newest) result.resumed_modified_nanos = live.modified_nanos;
      }
    }
    ++(decision.outcome == RowOutcome::migrated ? counts.migrated : counts.skipped);
    report_row(out, flows, row, match, decision);
  }

  // Per flow: the files the Kinesis Agent had finished, and what stays as it is.
  std::vector<std::string> already;
  for (size_t f = 0; f < flows.size(); ++f) {
    FlowResult& result = results[f];
    const std::string& name = flows[f].name;
    if (result.rows == 0) {
      out << "new      flow " << name
          << ": no row in the Kinesis Agent's checkpoint: starts at its initialPosition\n";
      continue;
    }
    if (result.resumed_modified_nanos) {
      std::vector<FlowFile> others;
      for (FlowFile& file : list_flow_files(flows[f].file_pattern))
        if (!has_inode(result.files, file.live.identity)) others.push_back(std::move(file));
      for (const FinishedFile& planned : plan_other_files(others, *result.resumed_modified_nanos)) {
        const FlowFile& file = others[planned.file];
        out << (planned.shipped ? "shipped  flow " : "left     flow ") << name << ": "
            << shown(file.path) << ": " << planned.reason << "\n";
        if (planned.shipped)
          result.files.push_back({file.path, file.live.identity, file.live.size, now});
        ++(planned.shipped ? counts.shipped : counts.left);
      }
    } else if (!result.files.empty()) {
      out << "note     flow " << name
          << ": its newest row could not be verified: its other files are read from their "
             "start\n";
    }
    if (result.files.empty()) {
      out << "new      flow " << name
          << ": no row could be verified: starts at its initialPosition\n";
      continue;
    }
    const FlowCheckpoint* existing = checkpoint->find_flow(flows[f].checkpoint_key);
    if (existing != nullptr && !existing->files.empty()) already.push_back(name);
  }

  out << "ferry migrate: " << rows->size() << " row(s): " << counts.migrated << " migrated, "
      << counts.skipped << " skipped; " << counts.shipped << " older file(s) recorded as shipped, "
      << counts.left << " left to read from the start\n";
  if (!already.empty() && !options->force) {
    std::string names;
    for (const std::string& name : already) names += (names.empty() ? "" : ", ") + name;
    err << "ferry: migrate: ferry's checkpoint " << shown(config.checkpoint_file)
        << " already has positions for flow(s) " << names
        << " (ferry has run): nothing written. Pass --force to replace them with the Kinesis "
           "Agent's\n";
    return kExitUsage;
  }
  if (options->dry_run) {
    out << "ferry migrate: dry run: nothing written\n";
    return kExitMigrated;
  }
  bool any = false;
  for (size_t f = 0; f < flows.size(); ++f) {
    if (results[f].files.empty()) continue;
    any = true;
    FlowCheckpoint& entry = checkpoint->flow(flows[f].checkpoint_key);
    entry.files = std::move(results[f].files);  // --force: the Kinesis Agent's positions win
  }
  if (!any) {
    out << "ferry migrate: nothing to record; " << config.checkpoint_file << " left as it is\n";
    return kExitMigrated;
  }
  ++checkpoint->generation;
  if (auto saved = save_checkpoint(config.checkpoint_file, encode_checkpoint(*checkpoint));
      !saved) {
    err << "ferry: migrate: cannot write the checkpoint: " << saved.error().message << "\n";
    return kExitWriteFailed;
  }
  out << "ferry migrate: wrote " << config.checkpoint_file << " (generation "
      << checkpoint->generation << "); start ferry now\n";
  return kExitMigrated;
}

}  // namespace ferry
