// The tailed files' lifecycle: which files a flow follows and from where (checkpoint, identity,
// rotated copies), what inotify and polls say became of them (renamed, truncated, deleted,
// replaced), and the cap on open descriptors. Reactor thread.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/assert.hpp"
#include "core/observe/log.hpp"
#include "core/tail/path_glob.hpp"
#include "core/tail/symlink_policy.hpp"
#include "core/text.hpp"
#include "io/tail/file_probe.hpp"
#include "io/tail/real_path.hpp"
#include "io/steady_clock.hpp"
#include "io/tail/tailer.hpp"
#include "io/tail/tailer_tracked_file.hpp"

namespace ferry {
namespace {

std::string_view directory_of(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == 0 ? std::string_view("/") : path.substr(0, slash);
}

std::string_view name_of(std::string_view path) {
  return path.substr(path.rfind('/') + 1);
}

// How long a new file with less than 1 KiB is left unread, in case it is a copy being written.
constexpr uint64_t kSettleMillis = 1000;

const char* describe(StartPlan::Reason reason) {
  switch (reason) {
    case StartPlan::Reason::new_file: return "new";
    case StartPlan::Reason::checkpoint: return "checkpointed";
    case StartPlan::Reason::truncated: return "shorter than its checkpoint (truncated)";
    case StartPlan::Reason::inode_reused: return "a reused inode with other content";
    case StartPlan::Reason::copy_of_live: return "a rotated copy";
    case StartPlan::Reason::copy_of_checkpointed: return "a rotated copy of a checkpointed file";
  }
  return "";
}

}  // namespace

Tailer::TrackedFile* Tailer::find_by_path(uint32_t flow, const std::string& path) {
  auto it = by_path_.find({flow, path});
  return it == by_path_.end() ? nullptr : files_.at(it->second).get();
}

Tailer::TrackedFile* Tailer::find_by_inode(uint32_t flow, uint64_t device, uint64_t inode) {
  auto it = by_inode_.find({flow, device, inode});
  return it == by_inode_.end() ? nullptr : files_.at(it->second).get();
}

void Tailer::set_path(TrackedFile& file, const std::string& path) {
  if (file.indexed) {
    auto it = by_path_.find({file.flow, file.path});
    if (it != by_path_.end() && it->second == file.id) by_path_.erase(it);
  }
  file.path = path;
  auto [it, inserted] = by_path_.try_emplace({file.flow, path}, file.id);
  if (!inserted && it->second != file.id) {
    // Renamed over another tracked file: that one has no name any more.
    TrackedFile& replaced = *files_.at(it->second);
    replaced.indexed = false;
    replaced.deleted = true;
    detach(replaced, "was replaced by a rename");
    it->second = file.id;
  }
  file.indexed = true;
}

void Tailer::detach(TrackedFile& file, const char* why) {
  if (why != nullptr && !file.detached)
    FERRY_INFO(cat("tail: ", file.path, " ", why, "; reading it to its end before letting it go"));
  file.detached = true;
  file.readable = true;  // ship what the open descriptor still holds
  files_need_care_ = true;
}

Tailer::TrackedFile& Tailer::track(uint32_t flow, const std::string& path, UniqueFd fd,
                                   const FileIdentity& identity, uint64_t start) {
  auto owned = std::make_unique<TrackedFile>(start, flows_[flow].max_record_bytes);
  TrackedFile& file = *owned;
  file.id = next_file_id_++;
  file.flow = flow;
  file.identity = identity;
  file.last_active = steady_millis();
  if (start == 0) file.skip_lines = flows_[flow].skip_header_lines;
  files_.emplace(file.id, std::move(owned));
  by_inode_[{flow, identity.device, identity.inode}] = file.id;
  set_path(file, path);
  // Within the descriptor cap the file stays open; otherwise it is opened again to be read.
  if (open_descriptors_[flow] >= flows_[flow].max_open_files) close_idle_descriptor(file.id);
  if (open_descriptors_[flow] < flows_[flow].max_open_files) {
    file.fd = std::move(fd);
    ++open_descriptors_[flow];
  }
  ++stats_.files_opened;
  return file;
}

bool Tailer::may_read(uint32_t flow, const std::string& path, int fd) {
  const TailFlow& tail = flows_[flow];
  if (tail.follow_symlinks) return true;
  const std::optional<std::string> real = real_path_of(fd, path);
  if (real && *real == path) return true;  // no link on the way
  const PathGlob glob = parse_path_glob(tail.file_pattern);
  const std::optional<std::string> real_root = real_path(glob.root);
  if (real && real_root && inside_watched_directories(glob, *real_root, *real)) return true;
  // Each link is reported once; past this many (a user making links by the million) every
  // refusal is counted and none logged, so memory stays bounded.
  constexpr size_t kMaxReportedLinks = 1024;
  const bool remembered = refused_links_.size() < kMaxReportedLinks;
  if (remembered && !refused_links_.emplace(flow, path).second) return false;  // reported
  if (tail.symlinks_refused != nullptr) tail.symlinks_refused->add();
  if (remembered) {
    FERRY_WARN(cat("tail: flow ", tail.name, ": not reading ", path, ": it leads through a ",
                   "symbolic link to ", real.value_or("(unresolved)"),
                   ", outside the directories the flow watches; set \"followSymlinks\": true on ",
                   "the flow to read it"));
  }
  return false;
}

void Tailer::consider_file(uint32_t flow, const std::string& path, bool at_start) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;  // symlinks followed
  if (TrackedFile* known = find_by_inode(flow, st.st_dev, st.st_ino)) {
    if (known->path != path || known->detached) {
      if (known->path != path) FERRY_INFO(cat("tail: ", known->path, " is now ", path));
      set_path(*known, path);
      known->detached = known->deleted = false;
      known->readable = true;
    }
    return;
  }
  if (TrackedFile* old = find_by_path(flow, path)) {
    // The name holds another inode than the one followed under it (events were lost).
    old->indexed = false;
    old->deleted = true;
    by_path_.erase({flow, path});
    detach(*old, "was replaced by another file under its name");
  }
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    FERRY_WARN(cat("tail: cannot open ", path, ": ", std::strerror(errno)));
    return;
  }
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return;
  if (!may_read(flow, path, fd.get())) return;
  const FileIdentity identity = identify(fd.get(), st);
  const uint64_t size = static_cast<uint64_t>(st.st_size);

  const FlowCheckpoint* checkpoint = committed_.find_flow(flows_[flow].checkpoint_key);
  std::span<const FileCheckpoint> checkpointed;
  if (checkpoint != nullptr) checkpointed = checkpoint->files;
  std::vector<LiveFile> live;  // only candidates for a copy: the same full first KiB
  if (identity.fingerprint_bytes == kFingerprintBytes) {
    for (const auto& [id, file] : files_) {
      if (file->flow == flow && file->copy_of == 0 &&
          file->identity.fingerprint == identity.fingerprint)
        live.push_back(LiveFile{file->identity, file->framer.committed_offset(), id});
    }
  }
  const bool start_at_end = at_start && checkpoint == nullptr && flows_[flow].start_at_end;
  const StartPlan plan =
      plan_start(identity, size, checkpointed, live, start_at_end, prefix_of(fd.get()));
  if (plan.reason == StartPlan::Reason::copy_of_checkpointed && plan.checkpoint_path != path &&
      find_by_path(flow, plan.checkpoint_path) == nullptr) {
    // The original may still be there, untruncated, and merely not considered yet (a copy
    // listed before it): follow it first, so that the copy is held rather than read.
    struct stat original {};
    if (::stat(plan.checkpoint_path.c_str(), &original) == 0 &&
        find_by_inode(flow, original.st_dev, original.st_ino) == nullptr) {
      consider_file(flow, plan.checkpoint_path, at_start);
      if (find_by_path(flow, plan.checkpoint_path) != nullptr) {
        consider_file(flow, path, at_start);
        return;
      }
    }
  }

  TrackedFile& file = track(flow, path, std::move(fd), identity, plan.offset);
  if (!at_start && !options_.once && plan.reason == StartPlan::Reason::new_file &&
      identity.fingerprint_bytes < kFingerprintBytes) {
    file.settle_until = steady_millis() + kSettleMillis;
    files_need_care_ = true;
  }
  if (options_.once) {
    file.target = size;
    file.done = plan.offset >= size;
  }
  switch (plan.reason) {
    case StartPlan::Reason::copy_of_live: {
      file.copy_of = plan.copy_of;
      FERRY_INFO(cat("tail: flow ", flows_[flow].name, ": ", path, " is a rotated copy of ",
                     files_.at(plan.copy_of)->path,
                     "; held until that file is truncated or let go"));
      return;
    }
    case StartPlan::Reason::truncated:
    case StartPlan::Reason::inode_reused: {
      FERRY_WARN(cat("tail: ", path, " is ", describe(plan.reason), " (checkpointed as ",
                     plan.checkpoint_path, "): reading it from the start"));
      // Truncated while ferry was down (copytruncate): the copy holds what followed.
      for (const auto& entry : checkpointed)
        if (entry.identity.same_inode(identity) && plan.reason == StartPlan::Reason::truncated)
          read_rotated_copy(file, entry.identity, entry.offset);
      break;
    }
    default: break;
  }
  if (plan.reason != StartPlan::Reason::checkpoint && plan.offset > 0) {
    // Remember the starting point, so a restart does not skip or repeat what comes next.
    pending_positions_[flow].push_back(SourcePosition{path, identity, plan.offset});
  }
  FERRY_INFO(cat("tail: flow ", flows_[flow].name, ": following ", path, " (",
                 describe(plan.reason), ") from offset ", plan.offset, " of ", size));
}

void Tailer::handle_inotify(int result) {
  if (result < 0) {
    if (result != -EAGAIN && result != -EINTR)
      FERRY_ERROR(cat("tail: inotify read: ", std::strerror(-result)));
    return;
  }
  events_.clear();
  const bool complete = watcher_.handle(
      std::span<const char>(inotify_buffer_.data(), static_cast<size_t>(result)), events_);
  for (const auto& event : events_) apply(event);
  if (!complete) {
    ++stats_.overflows;
    FERRY_WARN(
        "tail: inotify queue overflowed (events were lost); rescanning every directory "
        "and file");
    safety_rescan();
  }
}

void Tailer::apply(const FileEvent& event) {
  switch (event.kind) {
    case FileEvent::Kind::appeared: consider_file(event.flow, event.path, false); break;
    case FileEvent::Kind::modified:
      if (TrackedFile* file = find_by_path(event.flow, event.path)) {
        file->readable = true;
        file->modified_since_submit = true;
      }
      break;
    case FileEvent::Kind::moved: {
      TrackedFile* file = find_by_path(event.flow, event.from);
      if (file != nullptr && !moved_is(*file, event)) {
        // Events applied late (ferry was busy or stopped): the name `from` already holds
        // another file than the one that moved, e.g. a logger recreated the name between
        // logrotate's rename and its create, and logrotate moved that file aside. The moved
        // file is new to us: follow it if it matches, else read it to its end.
        consider_file(event.flow, event.path, false);
        TrackedFile* moved = event.matches ? nullptr : find_by_path(event.flow, event.path);
        if (moved != nullptr) {
          detach(*moved, cat("was moved here from ", event.from, " before it was read").c_str());
        }
        break;
      }
      if (file == nullptr) {
        if (event.matches) consider_file(event.flow, event.path, false);
        break;
      }
      FERRY_INFO(cat("tail: ", event.from, " renamed to ", event.path,
                     event.matches ? "" : "; reading it to its end before letting it go"));
      set_path(*file, event.path);
      file->detached = !event.matches;
      file->readable = true;
      break;
    }
    case FileEvent::Kind::gone:
      if (TrackedFile* file = find_by_path(event.flow, event.path)) {
        by_path_.erase({file->flow, file->path});
        file->indexed = false;
        file->deleted = true;
        detach(*file, "was deleted or moved away");
        if (!file->fd.valid()) {
          // Closed for the descriptor cap while idle: it cannot be reopened by name any more.
          FERRY_WARN(cat("tail: ", file->path,
                         " went away while its descriptor was closed; "
                         "bytes written to it after offset ",
                         file->framer.next_offset(), " are out of reach"));
          file->readable = false;
          file->idle_since = 0;
        }
      }
      break;
    case FileEvent::Kind::gone_tree: {
      const std::string prefix = event.path + "/";
      for (auto& [id, file] : files_) {
        if (file->flow != event.flow || file->path.rfind(prefix, 0) != 0) continue;
        if (file->indexed) by_path_.erase({file->flow, file->path});
        file->indexed = false;
        detach(*file, "moved away with its directory");
      }
      break;
    }
  }
}

// Whether the file renamed by `event` is `file`, the one tracked under its old name: the new
// name holds its inode, or (the new name is gone again) the old name no longer does.
bool Tailer::moved_is(const TrackedFile& file, const FileEvent& event) const {
  struct stat st {};
  const auto holds = [&](const struct stat& at) {
    return static_cast<uint64_t>(at.st_dev) == file.identity.device &&
           static_cast<uint64_t>(at.st_ino) == file.identity.inode;
  };
  if (::stat(event.path.c_str(), &st) == 0) return holds(st);
  if (::stat(event.from.c_str(), &st) == 0) return !holds(st);
  return true;
}

void Tailer::check_file(TrackedFile& file) {
  if (!file.fd.valid() || file.in_flight || file.copy_of != 0) return;
  struct stat st {};
  if (::fstat(file.fd.get(), &st) != 0) return;
  const auto size = static_cast<uint64_t>(st.st_size);
  const bool prefix_unchanged = size < file.identity.fingerprint_bytes ||
                                same_content(file.identity, prefix_of(file.fd.get()));
  switch (classify_change(true, file.framer.next_offset(), size, prefix_unchanged)) {
    case FileChange::truncated: truncated(file, st); break;
    case FileChange::grown: file.readable = true; break;
    default: break;
  }
}

void Tailer::truncated(TrackedFile& file, const struct stat& st) {
  const FileIdentity old_identity = file.identity;
  // Where the records shipped from the file end (a record still being joined is not shipped).
  const uint64_t reached = file.joining ? file.joined_offset : file.framer.committed_offset();
  FERRY_WARN(cat("tail: ", file.path, " was truncated to ", st.st_size, " bytes (read up to ",
                 file.framer.next_offset(), "); reading it again from the start"));
  // copytruncate: the copy holds what the file had after `reached` when it was copied, the
  // held partial line or joined record included: those are read again from it.
  const bool copied =
      release_copies_of(file, reached) || read_rotated_copy(file, old_identity, reached);
  if (!copied && !flush_partial_line(file))
    FERRY_WARN(cat("tail: ", file.path, ": ", file.framer.pending_bytes(),
                   " bytes after the last newline were cut by the truncation; not shipped"));
  file.joining = false;
  file.joined.clear();
  file.framer.reset(0);
  file.identity = identify(file.fd.get(), st);
  file.skip_lines = flows_[file.flow].skip_header_lines;
  file.cutting_line = false;
  file.after_footer = false;  // rewritten from the start: its records begin again
  file.readable = true;
  file.done = false;
  if (options_.once) file.target = static_cast<uint64_t>(st.st_size);
}

bool Tailer::settled(TrackedFile& file) {
  struct stat st {};
  if (::fstat(file.fd.get(), &st) != 0) return false;
  if (static_cast<uint64_t>(st.st_size) < kFingerprintBytes && steady_millis() < file.settle_until)
    return false;
  file.settle_until = 0;
  file.identity = identify(file.fd.get(), st);
  if (file.identity.fingerprint_bytes < kFingerprintBytes) return true;
  for (const auto& [id, other] : files_) {
    if (id == file.id || other->flow != file.flow || other->copy_of != 0 ||
        other->identity.fingerprint_bytes != kFingerprintBytes ||
        other->identity.fingerprint != file.identity.fingerprint)
      continue;
    file.copy_of = id;
    FERRY_INFO(cat("tail: ", file.path, " is a rotated copy of ", other->path,
                   "; held until that file is truncated or let go"));
    return false;
  }
  return true;
}

void Tailer::start_copy_at(TrackedFile& copy, const TrackedFile& original, uint64_t offset) {
  copy.copy_of = 0;
  copy.settle_until = 0;
  struct stat st {};
  uint64_t start = offset;
  if (ensure_open(copy) && ::fstat(copy.fd.get(), &st) == 0)
    start = std::min<uint64_t>(offset, static_cast<uint64_t>(st.st_size));
  copy.framer.reset(start);
  copy.skip_lines = start == 0 ? flows_[copy.flow].skip_header_lines : 0;
  copy.readable = true;
  pending_positions_[copy.flow].push_back(SourcePosition{copy.path, copy.identity, start});
  FERRY_INFO(cat("tail: ", copy.path, " is the rotated copy of ", original.path,
                 ": reading what it holds after offset ", start));
}

bool Tailer::release_copies_of(const TrackedFile& original, uint64_t offset) {
  bool released = false;
  for (auto& [id, copy] : files_) {
    if (copy->copy_of != original.id) continue;
    start_copy_at(*copy, original, offset);
    released = true;
  }
  return released;
}

bool Tailer::read_rotated_copy(const TrackedFile& original, const FileIdentity& old_identity,
                               uint64_t offset) {
  if (old_identity.fingerprint_bytes == 0) return false;
  const std::string dir(directory_of(original.path));
  const std::string_view base = name_of(original.path);
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) return false;
  std::string best;
  int64_t best_mtime = -1;
  while (const dirent* entry = ::readdir(handle)) {
    const std::string_view name = entry->d_name;
    // logrotate names copies after the file: app.log.1, app.log-20261124, ...
    if (name.size() <= base.size() || name.substr(0, base.size()) != base ||
        is_compressed_name(name))
      continue;
    const std::string path = join_path(dir, name);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
        static_cast<uint64_t>(st.st_size) <= offset || st.st_ino == old_identity.inode)
      continue;
    if (TrackedFile* tracked = find_by_inode(original.flow, st.st_dev, st.st_ino)) {
      // Found by its name too, but not read yet (still settling): it is this copy.
      if (tracked->settle_until != 0 && tracked->copy_of == 0 && tracked->fd.valid() &&
          same_content(old_identity, prefix_of(tracked->fd.get()))) {
        tracked->identity = identify(tracked->fd.get(), st);
        start_copy_at(*tracked, original, offset);
        ::closedir(handle);
        return true;
      }
      continue;
    }
    if (st.st_mtime > best_mtime) {
      UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
      if (fd.valid() && same_content(old_identity, prefix_of(fd.get()))) {
        best = path;
        best_mtime = st.st_mtime;
      }
    }
  }
  ::closedir(handle);
  if (best.empty()) return false;
  UniqueFd fd(::open(best.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0 || !may_read(original.flow, best, fd.get()))
    return false;
  const FileIdentity identity = identify(fd.get(), st);
  TrackedFile& copy = track(original.flow, best, std::move(fd), identity, offset);
  copy.detached = true;  // outside the pattern: drained, then let go
  files_need_care_ = true;
  if (options_.once) copy.target = static_cast<uint64_t>(st.st_size);
  start_copy_at(copy, original, offset);
  return true;
}

bool Tailer::ensure_open(TrackedFile& file) {
  if (file.fd.valid()) return true;
  if (file.deleted) return false;
  const size_t cap = flows_[file.flow].max_open_files;
  if (open_descriptors_[file.flow] >= cap) close_idle_descriptor(file.id);
  if (open_descriptors_[file.flow] >= cap) return false;  // all busy: next turn
  UniqueFd fd(::open(file.path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0 || st.st_dev != file.identity.device ||
      st.st_ino != file.identity.inode) {
    // Renamed or deleted while closed, and the events were lost: the rest is out of reach.
    FERRY_WARN(cat("tail: ", file.path, " is no longer the file read up to offset ",
                   file.framer.committed_offset(),
                   " (it was rotated while its descriptor was "
                   "closed); letting it go"));
    if (file.indexed) by_path_.erase({file.flow, file.path});
    file.indexed = false;
    file.deleted = true;
    file.detached = true;
    file.readable = false;
    file.idle_since = 0;
    return false;
  }
  file.fd = std::move(fd);
  ++open_descriptors_[file.flow];
  ++stats_.reopened;
  return true;
}

void Tailer::close_idle_descriptor(uint64_t except) {
  // One pass closes a quarter of the flow's cap: reopening stays amortized O(1) per file even
  // with many thousand files. Files with nothing to read go first, then the least recently read.
  const uint32_t flow = files_.at(except)->flow;
  std::vector<TrackedFile*> candidates;
  for (auto& [id, file] : files_) {
    if (id != except && file->flow == flow && file->fd.valid() && !file->in_flight &&
        !file->deleted)
      candidates.push_back(file.get());
  }
  const size_t count =
      std::min(candidates.size(), std::max<size_t>(1, flows_[flow].max_open_files / 4));
  auto older = [](const TrackedFile* a, const TrackedFile* b) {
    return std::pair(a->readable, a->last_active) < std::pair(b->readable, b->last_active);
  };
  std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(count),
                   candidates.end(), older);
  for (size_t i = 0; i < count; ++i) {
    candidates[i]->fd.reset();
    --open_descriptors_[flow];
  }
}

void Tailer::forget(TrackedFile& file) {
  FERRY_ASSERT(!file.in_flight);
  if (file.indexed) {
    auto it = by_path_.find({file.flow, file.path});
    if (it != by_path_.end() && it->second == file.id) by_path_.erase(it);
  }
  auto inode = by_inode_.find({file.flow, file.identity.device, file.identity.inode});
  if (inode != by_inode_.end() && inode->second == file.id) by_inode_.erase(inode);
  if (file.fd.valid()) --open_descriptors_[file.flow];
  files_.erase(file.id);
}

void Tailer::housekeeping(uint64_t now) {
  last_housekeeping_ = now;
  files_need_care_ = false;
  std::vector<TrackedFile*> finished;
  for (auto& [id, file] : files_) {
    files_need_care_ |= file->detached || file->settle_until != 0 || file->joining;
    if (file->joining && !file->in_flight && !file->readable &&
        now - file->idle_since >= flows_[file->flow].partial_line_millis &&
        (!file->detached || file->framer.pending_bytes() == 0))
      flush_partial_line(*file);  // a joined record whose file stayed quiet is complete
    if (!file->detached || file->in_flight || file->readable || file->copy_of != 0) continue;
    if (now - file->last_poll >= kDetachedPollMillis) {
      // A deleted file has no name for inotify to report writes under: poll its size.
      file->last_poll = now;
      check_file(*file);
      if (file->readable) continue;
    }
    if (file->framer.pending_bytes() > 0) {
      // A last line without newline: shipped once the rotated file has been idle this long.
      if (now - file->idle_since >= flows_[file->flow].partial_line_millis)
        flush_partial_line(*file);
      continue;
    }
    if (now - file->idle_since < options_.detached_grace_millis) continue;
    struct stat st {};
    if (file->fd.valid() && ::fstat(file->fd.get(), &st) == 0 &&
        static_cast<uint64_t>(st.st_size) > file->framer.next_offset()) {
      file->readable = true;  // still written through an old descriptor
      continue;
    }
    finished.push_back(file.get());
  }
  for (TrackedFile* file : finished) {
    // Copied, then deleted (a move across filesystems): the copy holds the rest.
    release_copies_of(*file, file->framer.committed_offset());
    FERRY_INFO(cat("tail: ", file->path, " read to its end; closed"));
    forget(*file);
  }
}

void Tailer::stat_poll() {
  last_stat_poll_ = steady_millis();
  for (auto& [id, file] : files_) {
    if (file->in_flight || file->copy_of != 0) continue;
    if (file->fd.valid()) {
      check_file(*file);
      continue;
    }
    struct stat st {};
    if (!file->deleted && ::stat(file->path.c_str(), &st) == 0 &&
        static_cast<uint64_t>(st.st_size) != file->framer.next_offset())
      file->readable = true;  // reopened (and its identity checked) when read
  }
}

void Tailer::safety_rescan() {
  last_rescan_ = steady_millis();
  watcher_.rescan([&](uint32_t flow, const std::string& path) {
    consider_file(flow, path, /*at_start=*/false);
  });
  // A followed name that no longer exists was deleted or moved without an event reaching us.
  for (auto& [id, file] : files_) {
    if (!file->indexed || file->detached) continue;
    struct stat st {};
    if (::stat(file->path.c_str(), &st) != 0) {
      by_path_.erase({file->flow, file->path});
      file->indexed = false;
      file->deleted = true;
      detach(*file, "is gone");
    }
  }
  stat_poll();
}

}  // namespace ferry
