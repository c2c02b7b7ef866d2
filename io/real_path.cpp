// readlink(2) on /proc/self/fd/N, and realpath(3).
#include "io/real_path.hpp"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <memory>

#include "core/text.hpp"

namespace ferry {

std::optional<std::string> real_path_of(int fd) {
  const std::string link = cat("/proc/self/fd/", fd);
  char buffer[PATH_MAX];
  const ssize_t n = ::readlink(link.c_str(), buffer, sizeof buffer);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof buffer || buffer[0] != '/') return std::nullopt;
  std::string path(buffer, static_cast<size_t>(n));
  if (path.ends_with(" (deleted)")) return std::nullopt;
  return path;
}

std::optional<std::string> real_path(const std::string& path) {
  const std::unique_ptr<char, decltype(&::free)> resolved(::realpath(path.c_str(), nullptr),
                                                          &::free);
  if (!resolved) return std::nullopt;
  return std::string(resolved.get());
}

}  // namespace ferry
