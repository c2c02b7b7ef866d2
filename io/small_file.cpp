// Capped whole-file read (see the header).
#include "io/small_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/assert.hpp"
#include "core/text.hpp"
#include "io/unique_fd.hpp"

namespace ferry {

Result<std::optional<std::string>> read_small_file(const std::string& path, size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused just below).
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) {
    if (errno == ENOENT) return std::optional<std::string>{};
    return make_error(cat("open ", path, ": ", std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return make_error(cat("stat ", path, ": ", std::strerror(errno)));
  if (!S_ISREG(st.st_mode)) return make_error(cat(path, " is not a regular file"));
  std::string content;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(cat("read ", path, ": ", std::strerror(errno)));
    }
    if (n == 0) break;
    if (static_cast<size_t>(n) > max_bytes - content.size()) {
      return make_error(
          cat(path, " holds more than ", max_bytes, " bytes (the cap for this file)"));
    }
    content.append(buf, static_cast<size_t>(n));
    FERRY_ASSERT(content.size() <= max_bytes);
  }
  return std::optional<std::string>(std::move(content));
}

}  // namespace ferry
