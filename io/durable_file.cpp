// Atomic file replacement (temp, fsync, rename, fsync dir) and whole-file reads.
#include "io/durable_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/file_mode.hpp"
#include "core/text.hpp"
#include "io/unique_fd.hpp"

namespace ferry {
namespace {

Error system_error(std::string_view what, const std::string& path) {
  return make_error(cat(what, " ", path, ": ", std::strerror(errno)));
}

std::string parent_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Status write_all(int fd, std::string_view content, const std::string& path) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return system_error("write", path);
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  return Ok{};
}

Status make_directories(const std::string& path, unsigned mode) {
  if (path.empty()) return Ok{};
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Ok{};
    return make_error(cat("mkdir ", path, ": exists and is not a directory"));
  }
  const std::string parent = parent_of(path);
  if (parent != path) {
    if (auto status = make_directories(parent, mode); !status) return status;
  }
  if (::mkdir(path.c_str(), static_cast<mode_t>(mode)) != 0 && errno != EEXIST)
    return system_error("mkdir", path);
  return Ok{};
}

Status sync_parent_directory(const std::string& path) {
  const std::string dir = parent_of(path);
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return system_error("open directory", dir);
  if (::fsync(fd.get()) != 0) return system_error("fsync directory", dir);
  return Ok{};
}

Status write_file_atomically(const std::string& path, std::string_view content) {
  if (auto status = make_directories(parent_of(path), directory_mode_for(kPrivateFileMode));
      !status)
    return status;
  const std::string temp = cat(path, ".tmp");
  {
    UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, kPrivateFileMode));
    if (!fd.valid()) return system_error("open", temp);
    // A temp file left by an older ferry keeps its mode through O_CREAT: set it.
    if (::fchmod(fd.get(), kPrivateFileMode) != 0) return system_error("chmod", temp);
    if (auto status = write_all(fd.get(), content, temp); !status) return status;
    if (::fsync(fd.get()) != 0) return system_error("fsync", temp);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) return system_error("rename to", path);
  return sync_parent_directory(path);
}

Result<std::optional<std::string>> read_whole_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return std::optional<std::string>{};
    return system_error("open", path);
  }
  std::string content;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return system_error("read", path);
    }
    if (n == 0) break;
    content.append(buf, static_cast<size_t>(n));
  }
  return std::optional<std::string>(std::move(content));
}

}  // namespace ferry
