// The real location of a file: every symbolic link resolved. For an open descriptor it is the
// file actually opened (no race between a check and the open).
#pragma once

#include <optional>
#include <string>

namespace ferry {

// Through /proc/self/fd; where /proc is not mounted (a chroot, a bare container), the name the
// file was opened by, resolved, if it still names the very file `fd` holds. nullopt if neither
// works or the file was deleted meanwhile.
std::optional<std::string> real_path_of(int fd, const std::string& opened_as);

// The fallback alone: realpath(opened_as), only if it names the file `fd` holds (same device
// and inode); nullopt otherwise.
std::optional<std::string> real_path_by_name(int fd, const std::string& opened_as);

// realpath(3); nullopt if `path` does not resolve.
std::optional<std::string> real_path(const std::string& path);

}  // namespace ferry
