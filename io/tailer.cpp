// The reactor loop: inotify events, io_uring reads and timers all complete through one ring;
// whole lines go into the flow's open batch, which is dispatched when full or aged.
#include "io/tailer.hpp"

#include <fcntl.h>
#include <fnmatch.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>

#include "core/assert.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "io/steady_clock.hpp"

namespace ferry {
namespace {

enum Tag : uint64_t { kTagInotify = 1, kTagControl = 2, kTagSignal = 3, kTagRead = 4 };
constexpr int kTagShift = 56;
constexpr uint64_t kIdMask = (uint64_t{1} << kTagShift) - 1;
constexpr uint32_t kWatchMask = IN_CREATE | IN_MOVED_TO | IN_MODIFY | IN_DELETE | IN_MOVED_FROM |
                                IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

uint64_t tag(Tag t, uint64_t id = 0) {
  return (uint64_t{t} << kTagShift) | (id & kIdMask);
}

// Hash of the first `bytes` bytes of the file; false if the file is shorter or unreadable.
bool fingerprint_file(int fd, uint32_t bytes, uint64_t& out) {
  char buf[kFingerprintBytes];
  FERRY_ASSERT(bytes <= sizeof buf);
  size_t got = 0;
  while (got < bytes) {
    const ssize_t n = ::pread(fd, buf + got, bytes - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    got += static_cast<size_t>(n);
  }
  out = fingerprint_of(std::string_view(buf, got));
  return true;
}

FileIdentity identify(int fd, const struct stat& st) {
  FileIdentity id;
  id.device = st.st_dev;
  id.inode = st.st_ino;
  const auto bytes = static_cast<uint32_t>(std::min<uint64_t>(st.st_size, kFingerprintBytes));
  if (fingerprint_file(fd, bytes, id.fingerprint)) id.fingerprint_bytes = bytes;
  return id;
}

}  // namespace

struct Tailer::TrackedFile {
  uint64_t id = 0;
  uint32_t flow = 0;
  std::string path;
  UniqueFd fd;
  FileIdentity identity;
  LineFramer framer;
  uint64_t target = std::numeric_limits<uint64_t>::max();  // --once: size at start
  bool readable = true;
  bool modified_since_submit = false;
  bool in_flight = false;
  bool detached = false;  // deleted or renamed out of the pattern: drain, then let go
  bool done = false;      // --once: nothing more to read
  uint64_t idle_since = 0;
  std::unique_ptr<char[]> buffer;
  uint64_t read_offset = 0;
  unsigned read_length = 0;

  TrackedFile(uint64_t start, size_t max_record) : framer(start, max_record) {}
};

struct Tailer::Directory {
  std::string path;
  int wd = -1;
  std::vector<std::pair<uint32_t, std::string>> patterns;  // (flow, file-name glob)
  bool warned_missing = false;
};

Tailer::Tailer(std::vector<TailFlow> flows, const Checkpoint& committed, TailerOptions options,
               BatchPool& pool, BatchQueue& work)
    : flows_(std::move(flows)),
      committed_(committed),
      options_(options),
      pool_(pool),
      work_(work),
      open_batches_(flows_.size()),
      next_sequence_(flows_.size(), 0),
      flow_reads_in_flight_(flows_.size(), 0),
      flow_bytes_in_flight_(flows_.size(), 0),
      pending_positions_(flows_.size()) {}

Tailer::~Tailer() = default;

void Tailer::wake() {
  if (!control_.valid()) return;
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(control_.get(), &one, sizeof one);
}

void Tailer::request_stop() {
  stop_requested_.store(true);
  wake();
}

Status Tailer::setup() {
  if (auto status = ring_.init(256); !status) return status;
  control_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!control_.valid()) return make_error(cat("eventfd: ", std::strerror(errno)));
  if (!options_.once) {
    inotify_.reset(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
    if (!inotify_.valid()) return make_error(cat("inotify_init1: ", std::strerror(errno)));
    inotify_buffer_.resize(64 * 1024);
  }
  for (size_t i = 0; i < options_.reads_in_flight; ++i)
    free_buffers_.push_back(std::make_unique<char[]>(options_.read_bytes));

  for (uint32_t flow = 0; flow < flows_.size(); ++flow) {
    const std::string& pattern = flows_[flow].file_pattern;
    const size_t slash = pattern.rfind('/');
    FERRY_ASSERT(slash != std::string::npos);
    std::string dir_path = slash == 0 ? "/" : pattern.substr(0, slash);
    std::string glob = pattern.substr(slash + 1);
    auto it = std::find_if(directories_.begin(), directories_.end(),
                           [&](const auto& d) { return d->path == dir_path; });
    if (it == directories_.end()) {
      directories_.push_back(std::make_unique<Directory>());
      directories_.back()->path = dir_path;
      it = directories_.end() - 1;
    }
    (*it)->patterns.emplace_back(flow, std::move(glob));
  }
  for (auto& dir : directories_) {
    // Watch before scanning, so a file created in between is seen by one or the other.
    if (!options_.once) watch_directory(*dir);
    scan_directory(*dir, /*at_start=*/true);
  }
  last_rescan_ = steady_millis();
  return Ok{};
}

void Tailer::watch_directory(Directory& dir) {
  const int wd = ::inotify_add_watch(inotify_.get(), dir.path.c_str(), kWatchMask);
  if (wd < 0) {
    if (!dir.warned_missing) {
      FERRY_WARN(cat("tail: cannot watch ", dir.path, ": ", std::strerror(errno),
                     "; retrying every ", options_.rescan_millis, " ms"));
      dir.warned_missing = true;
    }
    return;
  }
  dir.wd = wd;
  if (dir.warned_missing) FERRY_INFO(cat("tail: watching ", dir.path));
  dir.warned_missing = false;
}

void Tailer::scan_directory(Directory& dir, bool at_start) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir.path, ec);
  if (ec) {
    if (options_.once || at_start)
      FERRY_WARN(cat("tail: cannot list ", dir.path, ": ", ec.message()));
    return;
  }
  std::vector<std::string> names;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    names.push_back(it->path().filename().string());
  }
  std::sort(names.begin(), names.end());  // oldest rotations usually sort first
  for (const auto& name : names) {
    for (const auto& [flow, glob] : dir.patterns) {
      if (::fnmatch(glob.c_str(), name.c_str(), FNM_PERIOD) == 0)
        consider_file(flow, cat(dir.path == "/" ? "" : dir.path, "/", name), at_start);
    }
  }
}

void Tailer::consider_file(uint32_t flow, const std::string& path, bool at_start) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
  for (auto& [id, file] : files_) {
    if (file->flow == flow && file->identity.device == st.st_dev &&
        file->identity.inode == st.st_ino) {
      if (file->path != path) {
        FERRY_INFO(cat("tail: ", file->path, " is now ", path));
        file->path = path;
      }
      file->detached = false;
      file->readable = true;
      return;
    }
  }
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    FERRY_WARN(cat("tail: cannot open ", path, ": ", std::strerror(errno)));
    return;
  }
  if (::fstat(fd.get(), &st) != 0) return;
  const FileIdentity identity = identify(fd.get(), st);
  const uint64_t size = static_cast<uint64_t>(st.st_size);

  // Where to start: the checkpoint if it knows this very file, else the flow's rules.
  uint64_t start = 0;
  bool known = false;
  const FlowCheckpoint* flow_checkpoint = committed_.find_flow(flows_[flow].name);
  if (flow_checkpoint != nullptr) {
    for (const auto& entry : flow_checkpoint->files) {
      if (!entry.identity.same_inode(identity)) continue;
      uint64_t fingerprint = 0;
      const bool same_content =
          entry.identity.fingerprint_bytes == 0 ||
          (fingerprint_file(fd.get(), entry.identity.fingerprint_bytes, fingerprint) &&
           fingerprint == entry.identity.fingerprint);
      if (!same_content) {
        FERRY_INFO(cat("tail: ", path, " reuses the inode of ", entry.path,
                       " with other content: reading it from the start"));
        break;
      }
      known = true;
      start = entry.offset;
      if (start > size) {
        FERRY_WARN(cat("tail: ", path, " is shorter (", size, " bytes) than its checkpoint (",
                       start, "): it was truncated; reading it from the start"));
        start = 0;
      }
      break;
    }
  }
  if (!known && at_start && flow_checkpoint == nullptr && flows_[flow].start_at_end) start = size;

  auto file = std::make_unique<TrackedFile>(start, flows_[flow].max_record_bytes);
  file->id = next_file_id_++;
  file->flow = flow;
  file->path = path;
  file->fd = std::move(fd);
  file->identity = identity;
  if (options_.once) {
    file->target = size;
    file->done = start >= size;
  }
  if (!known && start > 0) {
    // END_OF_FILE: remember the starting point, so a restart does not skip what comes next.
    pending_positions_[flow].push_back(SourcePosition{path, identity, start});
  }
  FERRY_INFO(cat("tail: flow ", flows_[flow].name, ": following ", path, " from offset ", start,
                 " of ", size));
  ++stats_.files_opened;
  files_.emplace(file->id, std::move(file));
}

Batch* Tailer::current_batch(uint32_t flow) {
  if (!open_batches_[flow]) {
    open_batches_[flow] = pool_.try_acquire();
    if (!open_batches_[flow]) return nullptr;
    Batch& batch = *open_batches_[flow];
    batch.flow = flow;
    for (auto& position : pending_positions_[flow]) batch.positions.push_back(std::move(position));
    pending_positions_[flow].clear();
    if (!batch.positions.empty()) batch.first_record_millis = steady_millis();
  }
  return open_batches_[flow].get();
}

void Tailer::dispatch_now(uint32_t flow) {
  FERRY_ASSERT(flow_reads_in_flight_[flow] == 0);
  auto& batch = open_batches_[flow];
  if (!batch || (batch->records.empty() && batch->positions.empty())) return;
  batch->flow = flow;
  batch->sequence = next_sequence_[flow]++;
  ++stats_.batches;
  // The work queue holds every pooled batch plus one end marker per flow: it never blocks here.
  const bool pushed = work_.push(batch);
  FERRY_ASSERT(pushed);
  batch.reset();
}

void Tailer::pump_reads() {
  if (stopping_ || files_.empty()) return;
  // Round robin from the file after the last one served, so busy files cannot starve others.
  auto start = files_.upper_bound(last_served_id_);
  for (size_t visited = 0; visited < files_.size(); ++visited, ++start) {
    if (start == files_.end()) start = files_.begin();
    TrackedFile& file = *start->second;
    if (free_buffers_.empty()) return;
    if (file.in_flight || !file.readable || file.done) continue;
    const Batch* batch = current_batch(file.flow);
    if (batch == nullptr) continue;  // pool empty: backpressure
    // Reads in flight land in this batch too: together they stay within twice the batch size,
    // so a pooled batch's buffer never grows past what it reserved.
    const uint64_t committed = batch->input.size() + flow_bytes_in_flight_[file.flow];
    if (committed >= options_.batch_bytes) continue;  // full: dispatched once its reads land
    uint64_t length = std::min<uint64_t>(options_.read_bytes, 2 * options_.batch_bytes - committed);
    if (options_.once) length = std::min(length, file.target - file.framer.next_offset());
    FERRY_ASSERT(length > 0);
    file.buffer = std::move(free_buffers_.back());
    free_buffers_.pop_back();
    file.in_flight = true;
    file.modified_since_submit = false;
    file.read_offset = file.framer.next_offset();
    file.read_length = static_cast<unsigned>(length);
    ring_.prep_read(file.fd.get(), file.buffer.get(), file.read_length, file.read_offset,
                    tag(kTagRead, file.id));
    ++reads_in_flight_;
    ++flow_reads_in_flight_[file.flow];
    flow_bytes_in_flight_[file.flow] += file.read_length;
    last_served_id_ = file.id;
  }
}

void Tailer::handle_read(uint64_t file_id, int result) {
  auto it = files_.find(file_id);
  FERRY_ASSERT(it != files_.end());
  TrackedFile& file = *it->second;
  FERRY_ASSERT(file.in_flight);
  file.in_flight = false;
  --reads_in_flight_;
  FERRY_ASSERT(flow_reads_in_flight_[file.flow] > 0);
  --flow_reads_in_flight_[file.flow];
  flow_bytes_in_flight_[file.flow] -= file.read_length;
  std::unique_ptr<char[]> buffer = std::move(file.buffer);
  consume_read(file, result, buffer.get());
  free_buffers_.push_back(std::move(buffer));
  // A full batch may have been waiting for this read to land.
  const auto& batch = open_batches_[file.flow];
  if (batch && batch->input.size() >= options_.batch_bytes) dispatch(file.flow);
}

void Tailer::consume_read(TrackedFile& file, int result, const char* data) {
  const uint64_t now = steady_millis();
  if (result < 0) {
    if (result == -EINTR || result == -EAGAIN) {
      file.readable = true;
    } else {
      FERRY_ERROR(cat("tail: read ", file.path, " at ", file.read_offset, ": ",
                      std::strerror(-result), "; letting the file go"));
      file.detached = true;
      file.readable = false;
      file.done = true;
      file.idle_since = 0;
    }
    return;
  }
  if (result == 0) {
    struct stat st {};
    if (::fstat(file.fd.get(), &st) == 0 &&
        static_cast<uint64_t>(st.st_size) < file.framer.next_offset()) {
      FERRY_WARN(cat("tail: ", file.path, " was truncated to ", st.st_size,
                     " bytes; reading it again from the start"));
      file.framer.reset(0);
      file.identity = identify(file.fd.get(), st);
      file.readable = true;
    } else {
      file.readable = file.modified_since_submit;
      if (options_.once) file.done = true;
      file.idle_since = now;
    }
    return;
  }

  const auto bytes = static_cast<uint64_t>(result);
  stats_.bytes_read += bytes;
  Batch* batch = open_batches_[file.flow].get();
  FERRY_ASSERT(batch != nullptr);  // acquired before the read was submitted
  if (batch->first_record_millis == 0) batch->first_record_millis = now;
  if (file.read_offset < kFingerprintBytes && file.identity.fingerprint_bytes < kFingerprintBytes &&
      file.read_offset + bytes > file.identity.fingerprint_bytes) {
    struct stat st {};
    if (::fstat(file.fd.get(), &st) == 0) file.identity = identify(file.fd.get(), st);
  }

  size_t source = batch->positions.size();
  for (size_t i = batch->positions.size(); i-- > 0;) {
    if (batch->positions[i].identity.same_inode(file.identity)) {
      source = i;
      break;
    }
  }
  if (source == batch->positions.size())
    batch->positions.push_back(SourcePosition{file.path, file.identity, 0});

  file.framer.feed(std::string_view(data, bytes), [&](std::string_view record, uint64_t offset,
                                                      uint64_t end_offset) {
    ++stats_.records;
    if (record.empty()) return;  // an empty line carries no record
    FERRY_ASSERT(batch->input.size() + record.size() < (uint64_t{1} << 32));
    const bool piece = end_offset == offset + record.size();
    batch->records.push_back(RecordRef{static_cast<uint32_t>(batch->input.size()),
                                       static_cast<uint32_t>(record.size()),
                                       static_cast<uint32_t>(source), piece, offset});
    batch->input.append(record);
    batch->input.push_back('\n');
  });
  SourcePosition& position = batch->positions[source];
  position.path = file.path;
  position.identity = file.identity;
  position.end_offset = file.framer.committed_offset();

  file.readable = bytes == file.read_length || file.modified_since_submit;
  if (!file.readable) file.idle_since = now;
  if (options_.once && file.framer.next_offset() >= file.target) file.done = true;
}

void Tailer::dispatch(uint32_t flow) {
  // Reads in flight for this flow land in its open batch: it leaves only once they have.
  if (flow_reads_in_flight_[flow] > 0) return;
  dispatch_now(flow);
}

void Tailer::handle_inotify(int result) {
  if (result < 0) {
    if (result != -EAGAIN && result != -EINTR)
      FERRY_ERROR(cat("tail: inotify read: ", std::strerror(-result)));
    return;
  }
  std::vector<std::pair<uint32_t, std::string>> moved_from;  // cookie, old path
  size_t at = 0;
  while (at + sizeof(inotify_event) <= static_cast<size_t>(result)) {
    const auto* event = reinterpret_cast<const inotify_event*>(inotify_buffer_.data() + at);
    at += sizeof(inotify_event) + event->len;
    if (event->mask & IN_Q_OVERFLOW) {
      FERRY_WARN("tail: inotify queue overflowed; rescanning every directory and file");
      safety_rescan();
      continue;
    }
    auto dir_it = std::find_if(directories_.begin(), directories_.end(),
                               [&](const auto& d) { return d->wd == event->wd; });
    if (dir_it == directories_.end()) continue;
    Directory& dir = **dir_it;
    if (event->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
      FERRY_WARN(cat("tail: directory ", dir.path, " went away; watching for it to return"));
      if (!(event->mask & IN_IGNORED)) ::inotify_rm_watch(inotify_.get(), dir.wd);
      dir.wd = -1;
      continue;
    }
    if (event->len == 0) continue;
    const std::string name(event->name);
    const std::string path = cat(dir.path == "/" ? "" : dir.path, "/", name);
    auto matches = [&](uint32_t flow_glob_index) {
      return ::fnmatch(dir.patterns[flow_glob_index].second.c_str(), name.c_str(), FNM_PERIOD) == 0;
    };

    if (event->mask & IN_MOVED_FROM) {
      moved_from.emplace_back(event->cookie, path);
      continue;
    }
    if (event->mask & IN_MOVED_TO) {
      auto from = std::find_if(moved_from.begin(), moved_from.end(),
                               [&](const auto& m) { return m.first == event->cookie; });
      if (from != moved_from.end()) {
        for (auto& [id, file] : files_) {
          if (file->path != from->second) continue;
          file->path = path;
          bool still_matches = false;
          for (uint32_t i = 0; i < dir.patterns.size(); ++i)
            still_matches |= dir.patterns[i].first == file->flow && matches(i);
          file->detached = !still_matches;
          file->readable = true;
          FERRY_INFO(cat("tail: ", from->second, " renamed to ", path,
                         still_matches ? "" : "; reading it to its end before letting it go"));
        }
        moved_from.erase(from);
      }
    }
    if (event->mask & (IN_CREATE | IN_MOVED_TO | IN_MODIFY)) {
      bool tracked = false;
      for (auto& [id, file] : files_) {
        if (file->path != path) continue;
        tracked = true;
        file->readable = true;
        file->modified_since_submit = true;
      }
      if (!tracked || (event->mask & (IN_CREATE | IN_MOVED_TO))) {
        for (uint32_t i = 0; i < dir.patterns.size(); ++i)
          if (matches(i)) consider_file(dir.patterns[i].first, path, /*at_start=*/false);
      }
    }
    if (event->mask & IN_DELETE) {
      for (auto& [id, file] : files_) {
        if (file->path != path) continue;
        file->detached = true;
        file->readable = true;  // ship what the open descriptor still holds
      }
    }
  }
  // Moved out of the watched directory: the open descriptor still reads the file to its end.
  for (const auto& [cookie, old_path] : moved_from) {
    for (auto& [id, file] : files_) {
      if (file->path != old_path) continue;
      file->detached = true;
      file->readable = true;
      FERRY_INFO(
          cat("tail: ", old_path, " moved away; reading it to its end before letting it go"));
    }
  }
}

void Tailer::safety_rescan() {
  last_rescan_ = steady_millis();
  for (auto& dir : directories_) {
    if (dir->wd < 0) {
      watch_directory(*dir);
      if (dir->wd < 0) continue;
    }
    scan_directory(*dir, /*at_start=*/false);
  }
  for (auto& [id, file] : files_) {
    struct stat st {};
    if (::fstat(file->fd.get(), &st) == 0 &&
        static_cast<uint64_t>(st.st_size) != file->framer.next_offset())
      file->readable = true;
  }
}

void Tailer::dispatch_aged(uint64_t now) {
  for (uint32_t flow = 0; flow < flows_.size(); ++flow) {
    const auto& batch = open_batches_[flow];
    if (batch && batch->first_record_millis != 0 &&
        now - batch->first_record_millis >= flows_[flow].linger_millis)
      dispatch(flow);
  }
}

void Tailer::close_finished_files(uint64_t now) {
  for (auto it = files_.begin(); it != files_.end();) {
    TrackedFile& file = *it->second;
    const bool finished = file.detached && !file.in_flight && !file.readable &&
                          now - file.idle_since >= options_.detached_grace_millis;
    if (!finished) {
      ++it;
      continue;
    }
    if (file.framer.pending_bytes() > 0)
      FERRY_WARN(cat("tail: ", file.path, " let go with ", file.framer.pending_bytes(),
                     " bytes after its last newline; they were not shipped"));
    else
      FERRY_INFO(cat("tail: ", file.path, " read to its end; closed"));
    it = files_.erase(it);
  }
}

bool Tailer::input_done() const {
  if (reads_in_flight_ > 0) return false;
  return std::all_of(files_.begin(), files_.end(), [](const auto& f) { return f.second->done; });
}

int64_t Tailer::next_timeout(uint64_t now) const {
  uint64_t deadline = std::numeric_limits<uint64_t>::max();
  for (uint32_t flow = 0; flow < flows_.size(); ++flow) {
    const auto& batch = open_batches_[flow];
    // A flow with reads in flight is woken by their completion, not by a timer.
    if (batch && batch->first_record_millis != 0 && flow_reads_in_flight_[flow] == 0)
      deadline = std::min(deadline, batch->first_record_millis + flows_[flow].linger_millis);
  }
  if (!options_.once) {
    deadline = std::min(deadline, last_rescan_ + options_.rescan_millis);
    for (const auto& [id, file] : files_)
      if (file->detached && !file->readable)
        deadline = std::min(deadline, file->idle_since + options_.detached_grace_millis);
  }
  if (deadline == std::numeric_limits<uint64_t>::max()) return -1;
  return deadline > now ? static_cast<int64_t>(deadline - now) : 0;
}

void Tailer::arm_inotify() {
  ring_.prep_read(inotify_.get(), inotify_buffer_.data(), inotify_buffer_.size(), 0,
                  tag(kTagInotify));
}

void Tailer::arm_control() {
  ring_.prep_read(control_.get(), &control_value_, sizeof control_value_, 0, tag(kTagControl));
}

Status Tailer::run() {
  if (auto status = setup(); !status) return status;
  arm_control();
  if (inotify_.valid()) arm_inotify();
  if (options_.signal_fd >= 0)
    ring_.prep_read(options_.signal_fd, signal_buffer_, sizeof(signalfd_siginfo), 0,
                    tag(kTagSignal));

  for (;;) {
    if (stop_requested_.load() && !stopping_) {
      FERRY_INFO("tail: stop requested; finishing reads in flight");
      stopping_ = true;
    }
    pump_reads();
    if (options_.once && !stopping_ && input_done()) break;
    if (stopping_ && reads_in_flight_ == 0) break;
    uint64_t now = steady_millis();
    dispatch_aged(now);
    if (!options_.once) {
      close_finished_files(now);
      if (now - last_rescan_ >= options_.rescan_millis) safety_rescan();
    }
    ring_.submit_and_wait(stopping_ ? -1 : next_timeout(now));
    ring_.drain([&](uint64_t user_data, int result) {
      const auto kind = static_cast<Tag>(user_data >> kTagShift);
      switch (kind) {
        case kTagRead: handle_read(user_data & kIdMask, result); break;
        case kTagInotify:
          handle_inotify(result);
          arm_inotify();
          break;
        case kTagControl: arm_control(); break;
        case kTagSignal: {
          const auto* info = reinterpret_cast<const signalfd_siginfo*>(signal_buffer_);
          if (result == static_cast<int>(sizeof(signalfd_siginfo)) && !stopping_) {
            FERRY_INFO(cat("received ", ::strsignal(static_cast<int>(info->ssi_signo)),
                           "; finishing open objects and checkpointing"));
            stopping_ = true;
          }
          ring_.prep_read(options_.signal_fd, signal_buffer_, sizeof(signalfd_siginfo), 0,
                          tag(kTagSignal));
          break;
        }
      }
    });
  }

  for (uint32_t flow = 0; flow < flows_.size(); ++flow) {
    if (!pending_positions_[flow].empty() && current_batch(flow) == nullptr) {
      // All batches are downstream; positions without records can wait for the next start.
      FERRY_DEBUG(cat("tail: flow ", flows_[flow].name, ": starting positions not recorded"));
    }
    dispatch(flow);
    auto end = std::make_unique<Batch>();
    end->kind = Batch::Kind::end_of_input;
    end->flow = flow;
    end->sequence = next_sequence_[flow]++;
    const bool pushed = work_.push(end);
    FERRY_ASSERT(pushed);
  }
  return Ok{};
}

}  // namespace ferry
