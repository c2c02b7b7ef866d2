// `ferry migrate`'s decisions (see the header). Pure logic, any thread.
#include "core/checkpoint/kinesis_agent_migration.hpp"

#include <map>

#include "core/checkpoint/kinesis_agent_ids.hpp"
#include "core/text.hpp"

namespace ferry {

std::vector<RowMatch> match_rows(std::span<const KinesisAgentRow> rows,
                                 std::span<const MigrationFlow> flows) {
  // The flow ids the rows carry, per pattern: a pattern-only match needs exactly one.
  std::map<std::string, std::map<std::string, bool>> ids_by_pattern;
  for (const KinesisAgentRow& row : rows) {
    if (!row.problem.empty()) continue;
    if (auto id = parse_kinesis_agent_flow_id(row.flow))
      ids_by_pattern[java_normal_path(id->file_pattern)][row.flow] = true;
  }
  std::vector<RowMatch> matches(rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    RowMatch& match = matches[r];
    if (!rows[r].problem.empty()) {
      match.problem = rows[r].problem;
      continue;
    }
    const auto id = parse_kinesis_agent_flow_id(rows[r].flow);
    if (!id) {
      match.problem =
          "its flow id is not the Kinesis Agent's (fh:STREAM:PATTERN or "
          "kinesis:STREAM:PATTERN)";
      continue;
    }
    for (size_t f = 0; f < flows.size() && !match.flow; ++f)
      if (!flows[f].kinesis_agent_id.empty() && flows[f].kinesis_agent_id == rows[r].flow)
        match.flow = f;
    if (match.flow) continue;
    const std::string pattern = java_normal_path(id->file_pattern);
    std::optional<size_t> only;
    size_t candidates = 0;
    for (size_t f = 0; f < flows.size(); ++f) {
      if (flows[f].kinesis_agent_id.empty() && java_normal_path(flows[f].file_pattern) == pattern) {
        only = f;
        ++candidates;
      }
    }
    if (candidates == 1 && ids_by_pattern[pattern].size() == 1) {
      match.flow = only;
      match.by_pattern = true;
    } else if (candidates > 1) {
      match.problem = cat(candidates, " flows read this filePattern and none names its stream");
    } else if (candidates == 1) {
      match.problem = cat("the database has ", ids_by_pattern[pattern].size(),
                          " flows reading this filePattern; name the stream in the flow "
                          "(deliveryStream or kinesisStream) to say which");
    } else {
      match.problem = "no flow in the configuration has this stream and filePattern";
    }
  }
  return matches;
}

RowDecision decide_row(const KinesisAgentRow& row, const PathState& live) {
  RowDecision decision;
  if (!row.problem.empty()) {
    decision.reason = row.problem;
    return decision;
  }
  const auto key = parse_kinesis_agent_file_id(row.file_id);
  if (!key) {
    decision.outcome = RowOutcome::bad_file_id;
    decision.reason = "its fileId is not (dev=HEX,ino=NUMBER)";
    return decision;
  }
  if (row.offset < 0) {
    decision.outcome = RowOutcome::negative_offset;
    decision.reason = cat("its offset ", row.offset, " is negative");
    return decision;
  }
  if (!live.found) {
    decision.outcome = RowOutcome::file_gone;
    decision.reason = cat("no regular file there now (", live.problem, ")");
    return decision;
  }
  if (live.identity.device != key->device || live.identity.inode != key->inode) {
    decision.outcome = RowOutcome::inode_changed;
    decision.reason =
        cat("the path now names another file (", row.file_id, " was checkpointed; now device ",
            live.identity.device, ", inode ", live.identity.inode, ")");
    return decision;
  }
  const auto offset = static_cast<uint64_t>(row.offset);
  if (offset > live.size) {
    decision.outcome = RowOutcome::beyond_end;
    decision.reason =
        cat("the file is ", live.size, " bytes, shorter than the offset ", offset, " (truncated)");
    return decision;
  }
  decision.outcome = RowOutcome::migrated;
  decision.offset = offset;
  decision.reason = cat("resumes at offset ", offset, " of ", live.size, " bytes");
  return decision;
}

std::vector<FinishedFile> plan_other_files(std::span<const FlowFile> files,
                                           int64_t resumed_modified_nanos) {
  std::vector<FinishedFile> plan;
  for (size_t i = 0; i < files.size(); ++i) {
    if (!files[i].live.found) continue;
    FinishedFile entry{i, files[i].live.modified_nanos < resumed_modified_nanos, {}};
    entry.reason = entry.shipped ? cat("modified before the file the Kinesis Agent resumes: "
                                       "shipped, recorded at its end (",
                                       files[i].live.size, " bytes)")
                                 : "not older than the file the Kinesis Agent resumes: ferry "
                                   "reads it from its start";
    plan.push_back(std::move(entry));
  }
  return plan;
}

}  // namespace ferry
