// log.file: appends and rollovers (see log_file.hpp).
#include "io/log_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "core/text.hpp"
#include "io/durable_file.hpp"

namespace ferry {

namespace {

constexpr mode_t kLogFileMode = 0640;

Result<UniqueFd> open_log(const std::string& path, bool truncate) {
  const int flags =
      O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (truncate ? O_TRUNC : 0);
  UniqueFd fd(::open(path.c_str(), flags, kLogFileMode));
  if (fd.valid()) return fd;
  const int error = errno;
  std::string hint;
  if (error == ENOENT) hint = " (ferry creates the file, not its directory)";
  if (error == ELOOP) hint = " (a symbolic link is not followed)";
  return make_error(cat("cannot open log.file ", path, ": ", std::strerror(error), hint));
}

// Size of the open file (0 if it cannot be told).
uint64_t file_size(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

}  // namespace

LogFile::LogFile(std::string path, RotationPolicy policy, UniqueFd fd, uint64_t size)
    : path_(std::move(path)), policy_(policy), fd_(std::move(fd)), trigger_(policy, size) {}

Result<LogFile> LogFile::open(std::string path, RotationPolicy policy) {
  auto fd = open_log(path, false);
  if (!fd) return fd.error();
  const uint64_t size = file_size(fd->get());  // log4j appends and counts what is there
  return LogFile(std::move(path), policy, std::move(fd.value()), size);
}

Status LogFile::write(std::string_view bytes) {
  if (auto written = write_all(fd_.get(), bytes, path_); !written) return written;
  if (trigger_.appended(bytes.size())) due_ = true;
  return Ok{};
}

Result<bool> LogFile::roll_if_due() {
  if (!std::exchange(due_, false)) return false;
  // Due by our count; the file itself may have been emptied meanwhile (logrotate's
  // copytruncate): then there is nothing to roll.
  const uint64_t actual = file_size(fd_.get());
  if (actual < policy_.max_file_size) {
    trigger_.resync(actual);
    return false;
  }
  if (const Status rolled = roll(); !rolled) return rolled.error();
  return true;
}

Status LogFile::roll() {
  for (const RollStep& step : plan_roll(path_, policy_.max_backup_index)) {
    switch (step.kind) {
      case RollStep::Kind::remove:
        if (::unlink(step.from.c_str()) != 0 && errno != ENOENT) {
          const int error = errno;
          trigger_.roll_failed();
          return make_error(
              cat("cannot remove ", step.from, " to roll log.file over: ", std::strerror(error)));
        }
        break;
      case RollStep::Kind::rename:
        if (::rename(step.from.c_str(), step.to.c_str()) != 0 && errno != ENOENT) {
          const int error = errno;
          trigger_.roll_failed();
          return make_error(cat("cannot rename ", step.from, " to ", step.to,
                                " to roll log.file over: ", std::strerror(error)));
        }
        break;
      case RollStep::Kind::start_new: {
        auto fd = open_log(step.from, true);
        if (!fd) {  // the old file (renamed or not) stays open and is written on
          trigger_.roll_failed();
          return fd.error();
        }
        fd_ = std::move(fd.value());
        trigger_.rolled();
        break;
      }
    }
  }
  return Ok{};
}

}  // namespace ferry
