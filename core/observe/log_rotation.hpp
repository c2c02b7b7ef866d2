// When and how log.file rolls over, as log4j 1.2's RollingFileAppender (the Kinesis Agent's):
// once a line takes the file to maxFileSize bytes or more, FILE.N is removed, FILE.i becomes
// FILE.(i+1) from N-1 down to 1, FILE becomes FILE.1, and a new FILE is started; with no
// backups the file is emptied instead. Pure decisions; io/log_file.* carries them out.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ferry {

// The Kinesis Agent's defaults (custom.log4j.xml): 10 MiB, 5 backups.
inline constexpr uint64_t kDefaultLogMaxFileSize = 10 * 1024 * 1024;
inline constexpr uint32_t kDefaultLogMaxBackupIndex = 5;
inline constexpr uint32_t kMaxLogBackupIndex = 1000;  // every roll renames each backup

struct RotationPolicy {
  uint64_t max_file_size = kDefaultLogMaxFileSize;        // > 0
  uint32_t max_backup_index = kDefaultLogMaxBackupIndex;  // 0: no backups, the file is emptied

  bool operator==(const RotationPolicy&) const = default;
};

// "FILE.i".
std::string log_backup_path(std::string_view path, uint32_t index);

// One step of a roll, in order. A step whose source does not exist is skipped; a remove or
// rename that fails stops the roll (the current file is kept and written on).
struct RollStep {
  enum class Kind { remove, rename, start_new } kind;
  std::string from;  // remove: the path; rename: the source; start_new: the file, emptied
  std::string to;    // rename only
};

std::vector<RollStep> plan_roll(std::string_view path, uint32_t max_backup_index);

// Tracks the size of the file being written and says when to roll. Like log4j, a roll that
// failed is not tried again until another max_file_size bytes were written.
class RollTrigger {
 public:
  explicit RollTrigger(RotationPolicy policy, uint64_t size_at_open = 0);

  // `bytes` were appended; true: roll now.
  bool appended(uint64_t bytes);
  // The file's size was found to be `size` (truncated or replaced by someone else): go on from it.
  void resync(uint64_t size);
  // The roll succeeded: a new empty file.
  void rolled();
  // The roll failed: wait for another max_file_size bytes.
  void roll_failed();

  uint64_t size() const { return size_; }

 private:
  RotationPolicy policy_;
  uint64_t size_;
  uint64_t next_roll_ = 0;  // a size below which no roll is due (after a failed one)
};

}  // namespace ferry
