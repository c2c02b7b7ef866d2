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

}  // namespace

uint64_t estimate_unread_bytes(const std::string& file_pattern,
                               const std::vector<FileCheckpoint>& known, bool from_start) {
  uint64_t total = 0;
  for_each_match(file_pattern, [&](const struct stat& info) {
    const auto size = static_cast<uint64_t>(info.st_size);
    const auto entry = std::find_if(known.begin(), known.end(), [&](const FileCheckpoint& file) {
      return file.identity.device == static_cast<uint64_t>(info.st_dev) &&
             file.identity.inode == static_cast<uint64_t>(info.st_ino);
    });
    if (entry != known.end())
      total += size > entry->offset ? size - entry->offset : 0;
    else if (from_start)
      total += size;
  });
  return total;
}

FlowSample sample_flow_files(const std::string& file_pattern,
                             const std::optional<std::vector<CommittedFile>>& committed) {
  FlowSample sample;
  using Inode = std::pair<uint64_t, uint64_t>;  // device, inode
  // By inode, so that a flow of thousands of files is measured in n log n at every scrape.
  std::map<Inode, const CommittedFile*> known;
  if (committed)
    for (const CommittedFile& file : *committed)
      known.emplace(Inode(file.device, file.inode), &file);
  const auto unread = [](const CommittedFile& file, const struct stat& info) -> uint64_t {
    const auto size = static_cast<uint64_t>(info.st_size);
    return size > file.offset ? size - file.offset : 0;
  };
  std::set<Inode> matched;
  for_each_match(file_pattern, [&](const struct stat& info) {
    ++sample.files;
    if (!committed) return;
    const Inode inode(info.st_dev, info.st_ino);
    if (!matched.insert(inode).second) return;  // the same file by two names
    const auto entry = known.find(inode);
    sample.lag_bytes +=
        entry != known.end() ? unread(*entry->second, info) : static_cast<uint64_t>(info.st_size);
  });
  if (!committed) return sample;
  for (const auto& [inode, file] : known) {  // renamed out of the pattern, still read
    if (matched.count(inode) != 0) continue;
    struct stat info {};
    if (::stat(file->path.c_str(), &info) != 0 || Inode(info.st_dev, info.st_ino) != inode)
      continue;
    sample.lag_bytes += unread(*file, info);
  }
  return sample;
}

}  // namespace ferry
