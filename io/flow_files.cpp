// glob(3) and stat(2) over a flow's files for the files and lag gauges.
#include "io/flow_files.hpp"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>

#include "core/path_glob.hpp"

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
                             const std::vector<CommittedFile>& committed) {
  FlowSample sample;
  for_each_match(file_pattern, [&](const struct stat&) { ++sample.files; });
  for (const CommittedFile& file : committed) {
    struct stat info {};
    if (::stat(file.path.c_str(), &info) != 0) continue;
    if (static_cast<uint64_t>(info.st_dev) != file.device ||
        static_cast<uint64_t>(info.st_ino) != file.inode)
      continue;
    const auto size = static_cast<uint64_t>(info.st_size);
    if (size > file.offset) sample.lag_bytes += size - file.offset;
  }
  return sample;
}

}  // namespace ferry
