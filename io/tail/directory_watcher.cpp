// DirectoryWatcher: pattern directories listed with readdir and watched with inotify; raw
// events decoded into FileEvents. Reactor thread.
#include "io/tail/directory_watcher.hpp"

#include <dirent.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/assert.hpp"
#include "core/observe/log.hpp"
#include "core/text.hpp"

namespace ferry {
namespace {

constexpr uint32_t kWatchMask = IN_CREATE | IN_MOVED_TO | IN_MODIFY | IN_DELETE | IN_MOVED_FROM |
                                IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

bool is_directory(const std::string& path, unsigned char d_type) {
  if (d_type == DT_DIR) return true;
  if (d_type != DT_LNK && d_type != DT_UNKNOWN) return false;
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);  // symlinks followed
}

}  // namespace

DirectoryWatcher::DirectoryWatcher(std::vector<PathGlob> globs)
    : globs_(std::move(globs)), removed_(globs_.size(), 0) {}

uint32_t DirectoryWatcher::add_flow(PathGlob glob) {
  const auto flow = static_cast<uint32_t>(globs_.size());
  globs_.push_back(std::move(glob));
  removed_.push_back(0);
  ensure_dir(flow, 0, globs_[flow].root);
  return flow;
}

void DirectoryWatcher::remove_flow(uint32_t flow) {
  FERRY_ASSERT(flow < globs_.size());
  removed_[flow] = 1;
  drop_tree(flow, globs_[flow].root);  // every directory of a flow is at or under its root
}

Status DirectoryWatcher::init(bool use_inotify) {
  use_inotify_ = use_inotify;
  if (use_inotify_) {
    inotify_.reset(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
    if (!inotify_.valid()) return make_error(cat("inotify_init1: ", std::strerror(errno)));
  }
  for (uint32_t flow = 0; flow < globs_.size(); ++flow) ensure_dir(flow, 0, globs_[flow].root);
  return Ok{};
}

bool DirectoryWatcher::file_matches(uint32_t flow, std::string_view name) const {
  const PathGlob& glob = globs_[flow];
  return glob.matches(glob.file_depth(), name) && !is_compressed_name(name);
}

DirectoryWatcher::Dir& DirectoryWatcher::ensure_dir(uint32_t flow, size_t depth,
                                                    const std::string& path) {
  auto [it, inserted] = dirs_.try_emplace(Key{flow, path});
  Dir& dir = it->second;
  if (inserted) {
    dir.flow = flow;
    dir.depth = depth;
    dir.path = path;
  }
  if (dir.wd < 0) watch(dir);
  return dir;
}

void DirectoryWatcher::watch(Dir& dir) {
  if (!use_inotify_) return;
  const int wd = ::inotify_add_watch(inotify_.get(), dir.path.c_str(), kWatchMask);
  if (wd < 0) {
    if (errno == ENOSPC && !warned_limit_) {
      FERRY_WARN(cat("tail: inotify watch limit reached at ", dir.path,
                     " (fs.inotify.max_user_watches); polling unwatched directories instead"));
      warned_limit_ = true;
    }
    return;
  }
  dir.wd = wd;
  struct stat st {};
  if (::stat(dir.path.c_str(), &st) == 0) dir.inode = st.st_ino;
  by_wd_.emplace(wd, Key{dir.flow, dir.path});
  if (dir.depth > 0) FERRY_DEBUG(cat("tail: watching ", dir.path));
}

bool DirectoryWatcher::has_unwatched() const {
  return use_inotify_ &&
         std::any_of(dirs_.begin(), dirs_.end(), [](const auto& d) { return d.second.wd < 0; });
}

void DirectoryWatcher::rescan(const Found& found) {
  for (uint32_t flow = 0; flow < globs_.size(); ++flow) rescan_flow(flow, found);
}

void DirectoryWatcher::rescan_flow(uint32_t flow, const Found& found) {
  if (removed_[flow]) return;
  auto root = dirs_.find(Key{flow, globs_[flow].root});
  struct stat st {};
  if (root != dirs_.end() && root->second.wd >= 0 &&
      (::stat(globs_[flow].root.c_str(), &st) != 0 || st.st_ino != root->second.inode)) {
    // Removed (and perhaps created again) without an event: watch whatever is there now.
    FERRY_WARN(cat("tail: directory ", globs_[flow].root, " was replaced; watching it again"));
    unwatch(root->second);
  }
  ensure_dir(flow, 0, globs_[flow].root);
  scan(flow, 0, globs_[flow].root, found);
  // Directories that could not be watched and are gone are found again from their parent.
  std::erase_if(dirs_, [](const auto& d) { return d.second.wd < 0 && d.second.depth > 0; });
}

void DirectoryWatcher::scan(uint32_t flow, size_t depth, const std::string& path,
                            const Found& found) {
  const PathGlob& glob = globs_[flow];
  DIR* handle = ::opendir(path.c_str());
  if (handle == nullptr) return;
  std::vector<std::pair<std::string, unsigned char>> entries;
  while (const dirent* entry = ::readdir(handle)) {
    const std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    if (depth == glob.file_depth() ? file_matches(flow, name) : glob.matches(depth, name))
      entries.emplace_back(std::string(name), entry->d_type);
  }
  ::closedir(handle);
  std::sort(entries.begin(), entries.end());  // oldest rotations usually sort first
  for (const auto& [name, type] : entries) {
    const std::string child = join_path(path, name);
    if (depth == glob.file_depth()) {
      found(flow, child);
    } else if (is_directory(child, type)) {
      // Watch before listing, so a file created in between is seen by one or the other.
      ensure_dir(flow, depth + 1, child);
      scan(flow, depth + 1, child, found);
    }
  }
}

void DirectoryWatcher::forget_wd(int wd) {
  FERRY_DEBUG(cat("tail: watch ", wd, " ended"));
  auto [first, last] = by_wd_.equal_range(wd);
  for (auto it = first; it != last; ++it) {
    auto dir = dirs_.find(it->second);
    if (dir == dirs_.end() || dir->second.wd != wd) continue;
    if (dir->second.depth == 0) {
      FERRY_WARN(
          cat("tail: directory ", dir->second.path, " went away; watching for it to return"));
      dir->second.wd = -1;
    } else {
      dirs_.erase(dir);
    }
  }
  by_wd_.erase(wd);
}

void DirectoryWatcher::drop_tree(uint32_t flow, const std::string& path) {
  const std::string prefix = path.ends_with('/') ? path : path + "/";  // "/" is its own prefix
  for (auto it = dirs_.begin(); it != dirs_.end();) {
    Dir& dir = it->second;
    if (it->first.first != flow || (dir.path != path && dir.path.rfind(prefix, 0) != 0)) {
      ++it;
      continue;
    }
    if (dir.wd >= 0) unwatch(dir);
    it = dirs_.erase(it);
  }
}

void DirectoryWatcher::unwatch(Dir& dir) {
  // Another flow may watch the same directory through the same descriptor.
  auto [first, last] = by_wd_.equal_range(dir.wd);
  size_t users = 0;
  for (auto it = first; it != last;) {
    if (it->second == Key{dir.flow, dir.path}) {
      it = by_wd_.erase(it);
    } else {
      ++users;
      ++it;
    }
  }
  if (users == 0) ::inotify_rm_watch(inotify_.get(), dir.wd);
  dir.wd = -1;
}

bool DirectoryWatcher::handle(std::span<const char> events, std::vector<FileEvent>& out) {
  struct MovedFrom {
    uint32_t cookie;
    uint32_t flow;
    std::string path;
  };
  std::vector<MovedFrom> moved_from;
  bool overflowed = false;
  size_t at = 0;
  while (at + sizeof(inotify_event) <= events.size()) {
    inotify_event header;
    std::memcpy(&header, events.data() + at, sizeof header);
    const char* name_bytes = events.data() + at + sizeof(inotify_event);
    if (header.len > events.size() - at - sizeof(inotify_event)) break;  // not a whole event
    at += sizeof(inotify_event) + header.len;
    if (header.mask & IN_Q_OVERFLOW) {
      overflowed = true;
      continue;
    }
    if (header.mask & IN_IGNORED) {
      forget_wd(header.wd);
      continue;
    }
    if (header.mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
      ::inotify_rm_watch(inotify_.get(), header.wd);  // a moved directory's path is stale
      continue;
    }
    if (header.len == 0) continue;
    const std::string name(name_bytes, ::strnlen(name_bytes, header.len));
    std::vector<Key> keys;
    auto [first, last] = by_wd_.equal_range(header.wd);
    for (auto it = first; it != last; ++it) keys.push_back(it->second);
    for (const Key& key : keys) {
      auto found_dir = dirs_.find(key);
      if (found_dir == dirs_.end() || found_dir->second.wd != header.wd) continue;
      const Dir dir = found_dir->second;  // a copy: ensure_dir below may rehash nothing, but
                                          // scan() may add entries to the map
      const PathGlob& glob = globs_[dir.flow];
      const std::string path = join_path(dir.path, name);
      if (dir.depth < glob.file_depth()) {
        if (!(header.mask & IN_ISDIR) || !glob.matches(dir.depth, name)) continue;
        if (header.mask & (IN_CREATE | IN_MOVED_TO)) {
          ensure_dir(dir.flow, dir.depth + 1, path);
          scan(dir.flow, dir.depth + 1, path, [&](uint32_t flow, const std::string& file) {
            out.push_back(FileEvent{FileEvent::Kind::appeared, flow, file, {}, true});
          });
        } else if (header.mask & (IN_MOVED_FROM | IN_DELETE)) {
          // Not left to IN_DELETE_SELF: the kernel does not always send it (nor IN_IGNORED)
          // while the directory's dentry is still referenced.
          drop_tree(dir.flow, path);
          if (header.mask & IN_MOVED_FROM)
            out.push_back(FileEvent{FileEvent::Kind::gone_tree, dir.flow, path, {}, false});
        }
        continue;
      }
      if (header.mask & IN_ISDIR) continue;
      const bool matches = file_matches(dir.flow, name);
      if (header.mask & IN_MOVED_FROM) {
        moved_from.push_back(MovedFrom{header.cookie, dir.flow, path});
      } else if (header.mask & IN_MOVED_TO) {
        const uint32_t cookie = header.cookie;  // (a flexible-array struct cannot be captured)
        auto from = std::find_if(moved_from.begin(), moved_from.end(), [&](const MovedFrom& m) {
          return m.cookie == cookie && m.flow == dir.flow;
        });
        if (from != moved_from.end()) {
          out.push_back(FileEvent{FileEvent::Kind::moved, dir.flow, path, from->path, matches});
          moved_from.erase(from);
        } else if (matches) {
          out.push_back(FileEvent{FileEvent::Kind::appeared, dir.flow, path, {}, true});
        }
      } else if (header.mask & IN_CREATE) {
        if (matches) out.push_back(FileEvent{FileEvent::Kind::appeared, dir.flow, path, {}, true});
      } else if (header.mask & IN_MODIFY) {
        out.push_back(FileEvent{FileEvent::Kind::modified, dir.flow, path, {}, matches});
      } else if (header.mask & IN_DELETE) {
        out.push_back(FileEvent{FileEvent::Kind::gone, dir.flow, path, {}, matches});
      }
    }
  }
  // Moved out of every watched directory of the flow.
  for (auto& m : moved_from)
    out.push_back(FileEvent{FileEvent::Kind::gone, m.flow, std::move(m.path), {}, false});
  return !overflowed;
}

}  // namespace ferry
