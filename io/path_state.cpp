// stat() and fingerprints of the files `ferry migrate` records (see the header).
#include "io/path_state.hpp"

#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/path_glob.hpp"
#include "io/file_probe.hpp"
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
  glob_t matches{};
  if (::glob(file_pattern.c_str(), GLOB_BRACE, nullptr, &matches) == 0) {
    for (size_t i = 0; i < matches.gl_pathc; ++i) {
      if (is_compressed_name(matches.gl_pathv[i])) continue;
      FlowFile file{matches.gl_pathv[i], probe_path(matches.gl_pathv[i])};
      if (file.live.found) files.push_back(std::move(file));
    }
  }
  ::globfree(&matches);
  return files;
}

}  // namespace ferry
