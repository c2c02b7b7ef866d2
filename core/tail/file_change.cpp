// The tailer's identity decisions (see file_change.hpp). Pure logic, any thread.
#include "core/tail/file_change.hpp"

#include <algorithm>

namespace ferry {

bool same_content(const FileIdentity& known, const PrefixFingerprint& prefix) {
  if (known.fingerprint_bytes == 0) return true;
  const std::optional<uint64_t> now = prefix(known.fingerprint_bytes);
  return now.has_value() && *now == known.fingerprint;
}

namespace {

// A copy is recognised only by a full KiB of identical bytes: shorter prefixes (a CSV header, a
// banner line) are too often shared by unrelated files, and a false match would skip data.
bool full_fingerprint_match(const FileIdentity& a, const FileIdentity& b) {
  return a.fingerprint_bytes == kFingerprintBytes && b.fingerprint_bytes == kFingerprintBytes &&
         a.fingerprint == b.fingerprint;
}

}  // namespace

StartPlan plan_start(const FileIdentity& identity, uint64_t size,
                     std::span<const FileCheckpoint> checkpointed, std::span<const LiveFile> live,
                     bool start_at_end, const PrefixFingerprint& prefix) {
  StartPlan plan;
  for (const auto& entry : checkpointed) {
    if (!entry.identity.same_inode(identity)) continue;
    plan.checkpoint_path = entry.path;
    if (!same_content(entry.identity, prefix)) {
      plan.reason = StartPlan::Reason::inode_reused;
      return plan;
    }
    if (entry.offset > size) {
      plan.reason = StartPlan::Reason::truncated;
      return plan;
    }
    plan.reason = StartPlan::Reason::checkpoint;
    plan.offset = entry.offset;
    return plan;
  }
  for (const auto& file : live) {
    if (file.identity.same_inode(identity) || !full_fingerprint_match(file.identity, identity))
      continue;
    plan.reason = StartPlan::Reason::copy_of_live;
    plan.copy_of = file.id;
    return plan;
  }
  for (const auto& entry : checkpointed) {
    if (!full_fingerprint_match(entry.identity, identity)) continue;
    plan.reason = StartPlan::Reason::copy_of_checkpointed;
    plan.checkpoint_path = entry.path;
    plan.offset = std::min(entry.offset, size);
    return plan;
  }
  plan.reason = StartPlan::Reason::new_file;
  plan.offset = start_at_end ? size : 0;
  return plan;
}

FileChange classify_change(bool same_inode, uint64_t read_offset, uint64_t size,
                           bool first_bytes_unchanged) {
  if (!same_inode) return FileChange::replaced;
  if (size < read_offset || !first_bytes_unchanged) return FileChange::truncated;
  return size > read_offset ? FileChange::grown : FileChange::unchanged;
}

}  // namespace ferry
