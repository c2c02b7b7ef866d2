// Loading with fallback to the previous generation; saving that keeps it.
#include "io/checkpoint_store.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "core/observe/log.hpp"
#include "core/text.hpp"
#include "io/durable_file.hpp"

namespace ferry {
namespace {

std::string previous_path(const std::string& path) {
  return cat(path, ".prev");
}

// The Kinesis Agent keeps its checkpoints in an SQLite database (by default at
// /var/run/aws-kinesis-agent/checkpoints): an agent.json that kept its checkpointFile names one.
bool is_sqlite_database(std::string_view text) {
  constexpr std::string_view kMagic("SQLite format 3\0", 16);
  return text.starts_with(kMagic);
}

}  // namespace

Result<Checkpoint> load_checkpoint(const std::string& path) {
  auto current = read_whole_file(path);
  if (!current) return make_error(cat("checkpoint: ", current.error().message));
  std::string problem;
  if (current->has_value() && is_sqlite_database(**current))
    return make_error(cat("checkpoint: ", path,
                          " is an SQLite database (the Kinesis Agent's checkpoint store), not a "
                          "ferry checkpoint; point checkpointFile at a file of ferry's own, such "
                          "as /var/lib/ferry/checkpoints, and carry the Kinesis Agent's positions "
                          "over into it with ferry migrate --from ",
                          path));
  if (current->has_value()) {
    auto decoded = decode_checkpoint(**current);
    if (decoded) return decoded;
    problem = decoded.error().message;
  }
  auto previous = read_whole_file(previous_path(path));
  if (!previous) return make_error(cat("checkpoint: ", previous.error().message));
  if (!previous->has_value()) {
    if (!current->has_value()) {
      FERRY_INFO(cat("checkpoint: ", path, " does not exist yet; this is a first start"));
      return Checkpoint{};
    }
    return make_error(cat(problem, " (", path,
                          ") and there is no previous generation. ferry "
                          "will not guess where to resume: restore the file, or move it aside to "
                          "read every file again from initialPosition"));
  }
  auto decoded = decode_checkpoint(**previous);
  if (!decoded)
    return make_error(cat(problem.empty() ? std::string("checkpoint: missing") : problem, " (",
                          path, "), and the previous generation too: ", decoded.error().message,
                          " (", previous_path(path),
                          "). ferry will not guess where to resume: restore a file, or move both "
                          "aside to read every file again from initialPosition"));
  FERRY_WARN(cat(problem.empty() ? std::string("checkpoint: missing") : problem, " (", path,
                 "); resuming from the previous generation ", decoded->generation, " in ",
                 previous_path(path)));
  return decoded;
}

Status save_checkpoint(const std::string& path, std::string_view text) {
  const std::string previous = previous_path(path);
  const std::string previous_temp = cat(previous, ".tmp");
  // A hard link keeps the current generation readable under its own name while the previous
  // one is replaced.
  ::unlink(previous_temp.c_str());
  if (::link(path.c_str(), previous_temp.c_str()) == 0) {
    if (::rename(previous_temp.c_str(), previous.c_str()) != 0)
      return make_error(cat("rename to ", previous, ": ", std::strerror(errno)));
  } else if (errno != ENOENT) {
    return make_error(cat("link ", path, " to ", previous_temp, ": ", std::strerror(errno)));
  }
  return write_file_atomically(path, text);
}

}  // namespace ferry
