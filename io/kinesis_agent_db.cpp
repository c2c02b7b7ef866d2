// The Kinesis Agent's SQLite checkpoint store, opened read-only (see the header).
#include "io/kinesis_agent_db.hpp"

#include <sqlite3.h>

#include <memory>

#include "core/observe/log_text.hpp"
#include "core/text.hpp"

namespace ferry {
namespace {

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct FinalizeStatement {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;
using Statement = std::unique_ptr<sqlite3_stmt, FinalizeStatement>;

constexpr int kBusyTimeoutMillis = 2000;
// Virtual machine steps between progress checks, and the checks allowed: a hostile schema (a
// view in place of the table) cannot keep the query running for long.
constexpr int kProgressSteps = 100000;
constexpr int kMaxProgressChecks = 2000;

constexpr const char* kQuery =
    "select flow, path, fileId, offset from FILE_CHECKPOINTS order by lastUpdated desc";

const char* type_name(int type) {
  switch (type) {
    case SQLITE_INTEGER: return "an integer";
    case SQLITE_FLOAT: return "a real number";
    case SQLITE_TEXT: return "text";
    case SQLITE_BLOB: return "a blob";
    default: return "null";
  }
}

// A text (or blob) column of at most kMaxKinesisAgentTextBytes; the problem otherwise.
std::string read_text(sqlite3_stmt* statement, int column, const char* name, std::string& out) {
  const int type = sqlite3_column_type(statement, column);
  if (type != SQLITE_TEXT && type != SQLITE_BLOB) return cat(name, " is ", type_name(type));
  const void* bytes = type == SQLITE_TEXT
                          ? static_cast<const void*>(sqlite3_column_text(statement, column))
                          : sqlite3_column_blob(statement, column);
  const int size = sqlite3_column_bytes(statement, column);
  if (size < 0 || static_cast<size_t>(size) > kMaxKinesisAgentTextBytes)
    return cat(name, " is longer than ", kMaxKinesisAgentTextBytes, " bytes");
  out.assign(static_cast<const char*>(bytes), bytes == nullptr ? 0 : static_cast<size_t>(size));
  return {};
}

std::string db_error(sqlite3* db, const std::string& path, std::string_view doing) {
  const int code = sqlite3_errcode(db);
  std::string message =
      cat("cannot read the Kinesis Agent's checkpoint database ", inert_log_text(path, 1024), " (",
          doing, "): ", inert_log_text(sqlite3_errmsg(db), 512));
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
    message +=
        "; the Kinesis Agent is writing it: stop the agent first (systemctl stop "
        "aws-kinesis-agent), then run ferry migrate again";
  else if (code == SQLITE_NOTADB)
    message +=
        "; it is not an SQLite database: pass the Kinesis Agent's checkpoint file with "
        "--from";
  return message;
}

}  // namespace

Result<std::vector<KinesisAgentRow>> read_kinesis_agent_checkpoints(const std::string& path) {
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  Db db(raw);  // closed on every path, also when the open failed
  if (opened != SQLITE_OK) {
    if (!db)
      return make_error("cannot open the Kinesis Agent's checkpoint database: out of memory");
    return make_error(db_error(db.get(), path, "open"));
  }
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMillis);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_limit(db.get(), SQLITE_LIMIT_LENGTH, 1 << 20);
  int checks = 0;
  sqlite3_progress_handler(
      db.get(), kProgressSteps,
      [](void* count) { return ++*static_cast<int*>(count) > kMaxProgressChecks ? 1 : 0; },
      &checks);

  sqlite3_stmt* prepared = nullptr;
  if (sqlite3_prepare_v2(db.get(), kQuery, -1, &prepared, nullptr) != SQLITE_OK)
    return make_error(db_error(db.get(), path, "query FILE_CHECKPOINTS"));
  Statement statement(prepared);

  std::vector<KinesisAgentRow> rows;
  for (;;) {
    const int step = sqlite3_step(statement.get());
    if (step == SQLITE_DONE) break;
    if (step != SQLITE_ROW) return make_error(db_error(db.get(), path, "read FILE_CHECKPOINTS"));
    if (rows.size() == kMaxKinesisAgentRows)
      return make_error(cat("the Kinesis Agent's checkpoint database ", inert_log_text(path, 1024),
                            " holds more than ", kMaxKinesisAgentRows,
                            " rows; ferry migrate "
                            "reads at most that many"));
    KinesisAgentRow& row = rows.emplace_back();
    std::string problem = read_text(statement.get(), 0, "flow", row.flow);
    if (problem.empty()) problem = read_text(statement.get(), 1, "path", row.path);
    if (problem.empty()) problem = read_text(statement.get(), 2, "fileId", row.file_id);
    if (problem.empty() && sqlite3_column_type(statement.get(), 3) != SQLITE_INTEGER)
      problem = cat("offset is ", type_name(sqlite3_column_type(statement.get(), 3)));
    if (problem.empty()) row.offset = sqlite3_column_int64(statement.get(), 3);
    if (problem.empty() && (row.path.empty() || row.path.front() != '/'))
      problem = "path is not absolute";
    if (problem.empty() && row.path.find('\0') != std::string::npos)
      problem = "path holds a NUL byte";
    row.problem = std::move(problem);
  }
  return rows;
}

}  // namespace ferry
