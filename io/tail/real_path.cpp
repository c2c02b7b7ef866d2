// readlink(2) on /proc/self/fd/N, else realpath(3) checked against fstat(2); and realpath(3).
#include "io/tail/real_path.hpp"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

#include "core/text.hpp"

namespace ferry {

std::optional<std::string> real_path_of(int fd, const std::string& opened_as) {
  const std::string link = cat("/proc/self/fd/", fd);
  char buffer[PATH_MAX];
  const ssize_t n = ::readlink(link.c_str(), buffer, sizeof buffer);
  if (n <= 0) return real_path_by_name(fd, opened_as);  // no /proc
  if (static_cast<size_t>(n) >= sizeof buffer || buffer[0] != '/') return std::nullopt;
  std::string path(buffer, static_cast<size_t>(n));
  if (path.ends_with(" (deleted)")) return std::nullopt;
  return path;
}

std::optional<std::string> real_path_by_name(int fd, const std::string& opened_as) {
  std::optional<std::string> resolved = real_path(opened_as);
  struct stat held {
  }, named{};
  if (!resolved || ::fstat(fd, &held) != 0 || ::stat(resolved->c_str(), &named) != 0)
    return std::nullopt;
  if (held.st_dev != named.st_dev || held.st_ino != named.st_ino) return std::nullopt;
  return resolved;
}

std::optional<std::string> real_path(const std::string& path) {
  const std::unique_ptr<char, decltype(&::free)> resolved(::realpath(path.c_str(), nullptr),
                                                          &::free);
  if (!resolved) return std::nullopt;
  return std::string(resolved.get());
}

}  // namespace ferry
