// log.file's rollover plan and size trigger (see log_rotation.hpp).
#include "core/observe/log_rotation.hpp"

#include "core/assert.hpp"
#include "core/text.hpp"

namespace ferry {

std::string log_backup_path(std::string_view path, uint32_t index) {
  return cat(path, ".", index);
}

std::vector<RollStep> plan_roll(std::string_view path, uint32_t max_backup_index) {
  FERRY_ASSERT(!path.empty() && max_backup_index <= kMaxLogBackupIndex);
  std::vector<RollStep> steps;
  if (max_backup_index > 0) {
    steps.push_back({RollStep::Kind::remove, log_backup_path(path, max_backup_index), {}});
    for (uint32_t i = max_backup_index - 1; i >= 1; --i)
      steps.push_back(
          {RollStep::Kind::rename, log_backup_path(path, i), log_backup_path(path, i + 1)});
    steps.push_back({RollStep::Kind::rename, std::string(path), log_backup_path(path, 1)});
  }
  steps.push_back({RollStep::Kind::start_new, std::string(path), {}});
  return steps;
}

RollTrigger::RollTrigger(RotationPolicy policy, uint64_t size_at_open)
    : policy_(policy), size_(size_at_open) {
  FERRY_ASSERT(policy_.max_file_size > 0 && policy_.max_backup_index <= kMaxLogBackupIndex);
}

bool RollTrigger::appended(uint64_t bytes) {
  size_ += bytes;
  return size_ >= policy_.max_file_size && size_ >= next_roll_;
}

void RollTrigger::resync(uint64_t size) {
  size_ = size;
  next_roll_ = 0;
}

void RollTrigger::rolled() {
  size_ = 0;
  next_roll_ = 0;
}

void RollTrigger::roll_failed() {
  next_roll_ = size_ + policy_.max_file_size;
}

}  // namespace ferry
