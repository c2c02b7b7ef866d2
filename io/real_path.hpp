// The real location of a file: every symbolic link resolved. For an open descriptor it is the
// file actually opened (no race between a check and the open).
#pragma once

#include <optional>
#include <string>

namespace ferry {

// Through /proc/self/fd; nullopt if /proc is not mounted or the file was deleted meanwhile.
std::optional<std::string> real_path_of(int fd);

// realpath(3); nullopt if `path` does not resolve.
std::optional<std::string> real_path(const std::string& path);

}  // namespace ferry
