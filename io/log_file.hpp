// log.file on disk: appended to (O_APPEND, created 0640), rolled over by size as
// core/observe/log_rotation.hpp plans it. Used by one thread (io/log_file_writer.*).
#pragma once

#include <string>
#include <string_view>

#include "core/observe/log_rotation.hpp"
#include "core/result.hpp"
#include "io/unique_fd.hpp"

namespace ferry {

class LogFile {
 public:
  // Opens `path` for appending, creating it (mode 0640) if needed; its directory must exist and
  // `path` must not be a symbolic link. Errors say what failed, e.g.
  // "cannot open log.file /x/y.log: No such file or directory (ferry creates the file, not its
  // directory)".
  static Result<LogFile> open(std::string path, RotationPolicy policy);

  // Appends all of `bytes`. An error names the path and the failed call.
  Status write(std::string_view bytes);
  // Rolls the file over if the writes took it to max_file_size (log4j checks after each line);
  // true if it did. An error says which step failed; the current file stays open and is written
  // on, and the roll is tried again after another max_file_size bytes.
  Result<bool> roll_if_due();

  const std::string& path() const { return path_; }
  uint64_t size() const { return trigger_.size(); }

 private:
  LogFile(std::string path, RotationPolicy policy, UniqueFd fd, uint64_t size);
  Status roll();
  std::string path_;
  RotationPolicy policy_;
  UniqueFd fd_;
  RollTrigger trigger_;
  bool due_ = false;  // a write took the file to max_file_size
};

}  // namespace ferry
