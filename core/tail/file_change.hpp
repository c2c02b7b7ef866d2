// Pure decisions of the tailer about file identity: where a newly seen file starts (checkpoint,
// a reused inode, a rotated copy of content already read) and what a tracked file's size and
// first bytes say now (grown, truncated, replaced). No OS calls; the reactor feeds them stat()
// results and fingerprints. Any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "core/checkpoint/checkpoint.hpp"
#include "core/tail/file_identity.hpp"

namespace ferry {

// The hash of a file's first `bytes` bytes, or nothing if it is shorter (or unreadable).
using PrefixFingerprint = std::function<std::optional<uint64_t>(uint32_t bytes)>;

// Does the file whose prefix is `prefix` begin with the bytes `known` was fingerprinted from?
// A known identity without fingerprint (the file was empty) matches anything.
bool same_content(const FileIdentity& known, const PrefixFingerprint& prefix);

// A file the reactor is reading, as seen by the decisions below.
struct LiveFile {
  FileIdentity identity;
  uint64_t committed_offset = 0;
  uint64_t id = 0;  // the reactor's handle
};

struct StartPlan {
  enum class Reason {
    new_file,              // not seen before: offset 0, or the end (END_OF_FILE at a first start)
    checkpoint,            // the checkpoint knows this inode with this content: resume there
    truncated,             // the checkpoint knows it, but it is shorter now: from the start
    inode_reused,          // same inode, other first bytes: another file, from the start
    copy_of_live,          // same first KiB as a file being read: a rotated copy; held until that
                           // file is truncated or let go, then read from where it stood
    copy_of_checkpointed,  // same first KiB as a checkpointed file of another inode: the copy
                           // made while ferry was down; read after what was shipped of it
  };
  Reason reason = Reason::new_file;
  uint64_t offset = 0;
  uint64_t copy_of = 0;         // copy_of_live: LiveFile::id
  std::string checkpoint_path;  // the checkpoint entry that decided, if any
};

// `identity`: the file's (device, inode) and fingerprint over min(size, 1 KiB); `size` now.
// `start_at_end`: initialPosition END_OF_FILE and this is the flow's very first start.
StartPlan plan_start(const FileIdentity& identity, uint64_t size,
                     std::span<const FileCheckpoint> checkpointed, std::span<const LiveFile> live,
                     bool start_at_end, const PrefixFingerprint& prefix);

enum class FileChange {
  unchanged,  // size equals where reading stands
  grown,      // more bytes to read
  truncated,  // shorter than where reading stands, or other first bytes (rewritten in place)
  replaced,   // the path names another inode now
};
FileChange classify_change(bool same_inode, uint64_t read_offset, uint64_t size,
                           bool first_bytes_unchanged);

}  // namespace ferry
