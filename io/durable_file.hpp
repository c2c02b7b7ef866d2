// Durable whole-file writes and reads: write a temp file beside the target, fsync it, rename it
// over the target, fsync the directory. A crash leaves either the old or the new content.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace ferry {

// The file is private (0600, whatever the umask) and so are the parent directories it creates
// (0700): a checkpoint names every file ferry reads. Errors name the path and the system error.
Status write_file_atomically(const std::string& path, std::string_view content);

// nullopt when the file does not exist; an error for any other failure.
Result<std::optional<std::string>> read_whole_file(const std::string& path);

// Writes all of `content` to `fd` (retrying short writes and EINTR); errors name `path`.
Status write_all(int fd, std::string_view content, const std::string& path);

// mkdir -p; directories it creates get `mode` (less the umask).
Status make_directories(const std::string& path, unsigned mode = 0755);

// fsync of the directory holding `path`, so a rename into it survives a power cut.
Status sync_parent_directory(const std::string& path);

}  // namespace ferry
