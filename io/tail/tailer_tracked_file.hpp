// Tailer::TrackedFile: the reactor's state of one tailed file (private to io/tail/tailer*.cpp).
// Reactor thread.
#pragma once

#include <limits>

#include "io/tail/tailer.hpp"

namespace ferry {

// How often a file rotated away or deleted is checked for bytes written through old descriptors
// (it gets no inotify events under a name any more).
inline constexpr uint64_t kDetachedPollMillis = 250;
// Detached and settling files are looked after at most this often (one pass over all files).
inline constexpr uint64_t kHousekeepingMillis = 50;

// The io_uring user data of a read of the file `file_id` (tailer.cpp owns the tags).
uint64_t read_tag(uint64_t file_id);

struct Tailer::TrackedFile {
  uint64_t id = 0;
  uint32_t flow = 0;
  std::string path;  // last known name (a deleted file keeps its old one, for logs)
  UniqueFd fd;       // closed while idle when the descriptor cap is reached; reopened by path
  FileIdentity identity;
  LineFramer framer;
  uint64_t target = std::numeric_limits<uint64_t>::max();  // --once: size at start
  bool readable = true;
  bool modified_since_submit = false;
  bool in_flight = false;
  bool detached = false;  // deleted or renamed out of the pattern: drain, then let go
  bool deleted = false;   // no name any more: cannot be reopened, never closed for the cap
  bool done = false;      // --once: nothing more to read
  bool indexed = false;   // in by_path_
  uint64_t copy_of = 0;   // a rotated copy held unread while that live file is read
  // A file that appeared with less than a fingerprint's worth of bytes is not read before this
  // (steady millis) unless it reaches 1 KiB: it may be a copy being written (copytruncate).
  uint64_t settle_until = 0;
  uint64_t skip_lines = 0;     // header lines still to skip
  bool cutting_line = false;   // truncatedRecordTerminator: dropping the rest of a long line
  bool after_footer = false;   // fileFooterPattern matched: the file's records have ended
  bool joining = false;        // multiLineStartPattern: a record is being joined ...
  uint64_t joined_offset = 0;  // ... that starts here ...
  std::string joined;          // ... with these bytes so far (at most max_record_bytes)
  uint64_t idle_since = 0;
  uint64_t last_poll = 0;    // detached files get no events: their size is polled
  uint64_t last_active = 0;  // steady millis of the last read: the least recent is closed first
  std::unique_ptr<char[]> buffer;  // the read buffer in flight; null: into the batch (direct)
  size_t direct_at = 0;            // direct: the batch's size when the read was submitted ...
  size_t direct_pending = 0;       // ... and the partial line it left room for
  uint64_t read_offset = 0;
  unsigned read_length = 0;

  TrackedFile(uint64_t start, size_t max_record) : framer(start, max_record) {}
};

}  // namespace ferry
