// The checkpoint on disk: `<path>` holds the newest generation and `<path>.prev` the one
// before it, each replaced atomically; a damaged newest generation falls back to the previous.
#pragma once

#include <string>
#include <string_view>

#include "core/checkpoint/checkpoint.hpp"
#include "core/result.hpp"

namespace ferry {

// An empty checkpoint when neither file exists (a first start). An error, saying what to do,
// when no generation can be read: ferry never guesses where to resume.
Result<Checkpoint> load_checkpoint(const std::string& path);

// Keeps the current file as `<path>.prev`, then replaces `<path>` (temp, fsync, rename, fsync
// of the directory). At every moment `<path>` holds a complete generation.
Status save_checkpoint(const std::string& path, std::string_view text);

}  // namespace ferry
