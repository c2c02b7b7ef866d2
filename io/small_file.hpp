// Reading a small file that someone else writes (a token file): at most `max_bytes`, never
// blocking on a FIFO, only a regular file. Blocking read; any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "core/result.hpp"

namespace ferry {

// Web identity (a JWT, which STS takes up to 20000 characters) and container authorization
// tokens are a few KiB: 64 KiB is ample and bounds what a wrong path (a log, /dev/zero) costs.
inline constexpr size_t kMaxTokenFileBytes = size_t{64} << 10;

// nullopt when the file does not exist; an error naming the path when it is not a regular file,
// cannot be read, or holds more than max_bytes (the cap is named).
Result<std::optional<std::string>> read_small_file(const std::string& path, size_t max_bytes);

}  // namespace ferry
