// Reading the Kinesis Agent's checkpoint database (SQLite, FILE_CHECKPOINTS) read-only, for
// `ferry migrate`. The database is outside bytes: any row's values may be of the wrong type,
// too long or absurd, and the file may not be SQLite at all; all of it is bounded and reported.
#pragma once

#include <string>
#include <vector>

#include "core/checkpoint/kinesis_agent_migration.hpp"
#include "core/result.hpp"

namespace ferry {

inline constexpr size_t kMaxKinesisAgentRows = 100000;
inline constexpr size_t kMaxKinesisAgentTextBytes = 8192;

// Every row, newest lastUpdated first (the order the Kinesis Agent resumes by). A row whose
// values are unusable carries a `problem`. Errors: the file cannot be opened, is not an SQLite
// database, has no FILE_CHECKPOINTS table, is locked (the Kinesis Agent is writing it), or
// holds more than kMaxKinesisAgentRows rows.
Result<std::vector<KinesisAgentRow>> read_kinesis_agent_checkpoints(const std::string& path);

}  // namespace ferry
