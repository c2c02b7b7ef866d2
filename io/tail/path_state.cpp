// stat() and fingerprints of the files `ferry migrate` records (see the header).
#include "io/tail/path_state.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "io/tail/file_probe.hpp"
#include "io/tail/flow_files.hpp"
#include "io/unique_fd.hpp"

namespace ferry {

PathState probe_path(const std::string& path) {
  PathState live;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd.valid()) {
    live.problem = errno == ELOOP ? "a symbolic link" : std::strerror(errno);
    return live;
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    live.problem = std::strerror(errno);
    return live;
  }
  if (!S_ISREG(st.st_mode)) {
    live.problem = "not a regular file";
    return live;
  }
  live.found = true;
  live.identity = identify(fd.get(), st);
  live.size = static_cast<uint64_t>(std::max<off_t>(st.st_size, 0));
  live.modified_nanos = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return live;
}

std::vector<FlowFile> list_flow_files(const std::string& file_pattern) {
  std::vector<FlowFile> files;
  for (std::string& path : flow_file_paths(file_pattern)) {
    PathState live = probe_path(path);
    if (live.found) files.push_back(FlowFile{std::move(path), std::move(live)});
  }
  return files;
}

}  // namespace ferry
