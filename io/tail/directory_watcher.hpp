// DirectoryWatcher: finds the files of every flow's filePattern (wildcards in any component) and
// watches the directories that lead to them with inotify, following directories that appear,
// disappear and reappear. Turns raw inotify events into file events for the tailer.
// Reactor thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "core/tail/path_glob.hpp"
#include "io/unique_fd.hpp"

namespace ferry {

struct FileEvent {
  enum class Kind {
    appeared,   // a matching name was created or moved in (or found in a new directory)
    modified,   // written or truncated (any name in a watched directory)
    moved,      // renamed from `from` to `path` inside the flow's directories; `matches` says
                // whether the new name still matches the pattern
    gone,       // deleted, or moved out of the flow's directories
    gone_tree,  // a directory was moved away: every file under `path` + "/" is gone
  };
  Kind kind = Kind::modified;
  uint32_t flow = 0;
  std::string path;
  std::string from;
  bool matches = false;
};

class DirectoryWatcher {
 public:
  using Found = std::function<void(uint32_t flow, const std::string& path)>;

  explicit DirectoryWatcher(std::vector<PathGlob> globs);  // index: flow

  // use_inotify false (--once): directories are only listed.
  Status init(bool use_inotify);
  int fd() const { return inotify_.get(); }

  // Lists every directory the patterns reach, watching new ones and retrying those whose watch
  // failed; calls found(flow, path) for every matching file name (sorted per directory).
  void rescan(const Found& found);
  // The same for one flow.
  void rescan_flow(uint32_t flow, const Found& found);

  // A flow added at run time (a reload), after init(): its index is the number of flows so far.
  uint32_t add_flow(PathGlob glob);
  // A flow that ended: its directories are no longer watched (unless another flow watches them)
  // nor listed, and its index is not reused.
  void remove_flow(uint32_t flow);

  // Decodes a buffer of inotify events into `out`. Directories created under a pattern are
  // watched and listed (their files come out as `appeared`). Returns false if the kernel's
  // queue overflowed (events were lost: the caller rescans).
  bool handle(std::span<const char> events, std::vector<FileEvent>& out);

  // Some directory of a pattern is missing or could not be watched (watch limit): the caller
  // polls with rescan() meanwhile.
  bool has_unwatched() const;

 private:
  struct Dir {
    uint32_t flow = 0;
    size_t depth = 0;
    std::string path;
    int wd = -1;
    uint64_t inode = 0;  // when the watch was added
  };
  using Key = std::pair<uint32_t, std::string>;  // (flow, path)

  bool file_matches(uint32_t flow, std::string_view name) const;
  Dir& ensure_dir(uint32_t flow, size_t depth, const std::string& path);
  void watch(Dir& dir);
  void scan(uint32_t flow, size_t depth, const std::string& path, const Found& found);
  void forget_wd(int wd);
  void drop_tree(uint32_t flow, const std::string& path);
  void unwatch(Dir& dir);

  std::vector<PathGlob> globs_;
  std::vector<char> removed_;  // per flow: remove_flow() was called
  UniqueFd inotify_;
  bool use_inotify_ = false;
  bool warned_limit_ = false;
  std::map<Key, Dir> dirs_;
  std::unordered_multimap<int, Key> by_wd_;
};

}  // namespace ferry
