// `ferry migrate`'s decisions, pure: which configured flow a row of the Kinesis Agent's
// checkpoint database belongs to, whether the file it names is still the file it checkpointed
// (and where ferry resumes it), and which other files of the flow the Kinesis Agent had finished.
// The reader (io/kinesis_agent_db) and the command (agent/commands/migrate_command) feed it what the
// database and stat() say. Any thread.
//
// The Kinesis Agent resumes a flow at the offset of its most recently updated row, in that row's
// file (found by device and inode), treats the flow's files modified before that file as shipped
// and reads the newer ones from their start. Migration records the same in ferry's checkpoint:
// each row whose file is still there (same device and inode, at least `offset` bytes long) at its
// offset, and, when the flow's newest row is one of those, the flow's older files at their end.
// Nothing is guessed: a row that cannot be verified is reported and left out.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/tail/file_identity.hpp"

namespace ferry {

// One FILE_CHECKPOINTS row as the reader took it; rows come newest lastUpdated first.
struct KinesisAgentRow {
  std::string flow;     // the Kinesis Agent's flow id (bounded by the reader)
  std::string path;     // any bytes
  std::string file_id;  // "(dev=803,ino=1234)"
  int64_t offset = 0;
  std::string problem;  // not empty: the row's values could not be read (wrong type, too long)
};

// A configured flow as migration sees it.
struct MigrationFlow {
  std::string name;
  std::string checkpoint_key;
  std::string kinesis_agent_id;  // from its deliveryStream/kinesisStream; empty: it names neither
  std::string file_pattern;
};

struct RowMatch {
  std::optional<size_t> flow;  // index into the flows
  bool by_pattern = false;     // matched by filePattern alone (the flow names no stream)
  std::string problem;         // why no flow, when none
};

// A row matches the flow whose Kinesis Agent id is the row's flow id. A flow that names no stream
// (an "s3" or "directory" flow written for ferry) matches by its filePattern alone, and only when
// it is the one such flow with that pattern and all the rows with that pattern carry one flow id.
std::vector<RowMatch> match_rows(std::span<const KinesisAgentRow> rows,
                                 std::span<const MigrationFlow> flows);

// What stat() and the file's first bytes say of the path a row names, now.
struct PathState {
  bool found = false;     // the path exists and names a regular file that could be opened
  std::string problem;    // when not found: why (ENOENT, a directory, ...)
  FileIdentity identity;  // device, inode and fingerprint, as the tailer takes them
  uint64_t size = 0;
  int64_t modified_nanos = 0;
};

enum class RowOutcome {
  migrated,         // the file is the one checkpointed: ferry resumes it at the row's offset
  unreadable,       // the row's values were not usable (KinesisAgentRow::problem)
  no_flow,          // no configured flow matches its flow id
  bad_file_id,      // its fileId is not "(dev=HEX,ino=N)"
  file_gone,        // nothing (or no regular file) at its path now
  inode_changed,    // its path names another file now (rotated or replaced)
  beyond_end,       // the file is shorter than the offset (truncated since)
  negative_offset,  // a negative offset
  superseded,       // a newer row of the same flow names the same file
};

struct RowDecision {
  RowOutcome outcome = RowOutcome::unreadable;
  uint64_t offset = 0;  // migrated: where ferry resumes
  std::string reason;   // for the report
};

// Decides one matched row. `live` is what its path holds now.
RowDecision decide_row(const KinesisAgentRow& row, const PathState& live);

// A file the flow's pattern matches now that no migrated row names.
struct FlowFile {
  std::string path;
  PathState live;
};

struct FinishedFile {
  size_t file = 0;       // index into the files
  bool shipped = false;  // true: recorded at its end; false: left for ferry to read from 0
  std::string reason;
};

// The flow's other files, given the file its newest row resumes (modified at
// `resumed_modified_nanos`): those modified strictly before it were shipped by the Kinesis
// Agent; the others are newer (or as new), so ferry reads them from their start, as the Kinesis
// Agent would have.
std::vector<FinishedFile> plan_other_files(std::span<const FlowFile> files,
                                           int64_t resumed_modified_nanos);

}  // namespace ferry
