// glob(3) and stat(2) over a flow's files for the files and lag gauges.
#include "io/tail/flow_files.hpp"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "core/tail/path_glob.hpp"

namespace ferry {

std::vector<std::string> flow_file_paths(const std::string& file_pattern) {
  std::vector<std::string> paths;
  glob_t matches{};
  if (::glob(file_pattern.c_str(), GLOB_BRACE, nullptr, &matches) == 0) {
    for (size_t i = 0; i < matches.gl_pathc; ++i)
      if (!is_compressed_name(matches.gl_pathv[i])) paths.emplace_back(matches.gl_pathv[i]);
  }
  ::globfree(&matches);
  return paths;
}

namespace {

// Calls f(const struct stat&) for each regular file the pattern matches now.
template <class F>
void for_each_match(const std::string& file_pattern, F&& f) {
  for (const std::string& path : flow_file_paths(file_pattern)) {
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode)) f(info);
  }
}

// Files are matched to checkpoint entries by inode, through a map: a flow of thousands of
// files is measured in n log n.
using Inode = std::pair<uint64_t, uint64_t>;  // device, inode

Inode inode_of(const struct stat& info) {
  return Inode(static_cast<uint64_t>(info.st_dev), static_cast<uint64_t>(info.st_ino));
}

uint64_t unread_beyond(const struct stat& info, uint64_t offset) {
  const auto size = static_cast<uint64_t>(info.st_size);
  return size > offset ? size - offset : 0;
}

}  // namespace

uint64_t estimate_unread_bytes(const std::string& file_pattern,
                               const std::vector<FileCheckpoint>& known, bool from_start) {
  std::map<Inode, uint64_t> offsets;
  for (const FileCheckpoint& file : known)
    offsets.emplace(Inode(file.identity.device, file.identity.inode), file.offset);
  uint64_t total = 0;
  for_each_match(file_pattern, [&](const struct stat& info) {
    const auto entry = offsets.find(inode_of(info));
    if (entry != offsets.end())
      total += unread_beyond(info, entry->second);
    else if (from_start)
      total += static_cast<uint64_t>(info.st_size);
  });
  return total;
}

FlowSample sample_flow_files(const std::string& file_pattern,
                             const std::optional<std::vector<CommittedFile>>& committed) {
  FlowSample sample;
  std::map<Inode, const CommittedFile*> known;
  if (committed)
    for (const CommittedFile& file : *committed)
      known.emplace(Inode(file.device, file.inode), &file);
  std::set<Inode> matched;
  for_each_match(file_pattern, [&](const struct stat& info) {
    ++sample.files;
    if (!committed) return;
    if (!matched.insert(inode_of(info)).second) return;  // the same file by two names
    const auto entry = known.find(inode_of(info));
    sample.lag_bytes += entry != known.end() ? unread_beyond(info, entry->second->offset)
                                             : static_cast<uint64_t>(info.st_size);
  });
  if (!committed) return sample;
  for (const auto& [inode, file] : known) {  // renamed out of the pattern, still read
    if (matched.count(inode) != 0) continue;
    struct stat info {};
    if (::stat(file->path.c_str(), &info) != 0 || inode_of(info) != inode) continue;
    sample.lag_bytes += unread_beyond(info, file->offset);
  }
  return sample;
}

}  // namespace ferry
