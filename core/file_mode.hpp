// Permission bits of the files ferry writes and of the secrets it reads: parsing the fileMode
// key, the matching directory mode, and the rule for a secret readable by others.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace ferry {

// The default of what ferry writes: checkpoints and directory-destination objects.
inline constexpr unsigned kPrivateFileMode = 0600;

// "0640" or "640": octal, read and write bits only (at most 0666), readable by the owner.
Result<unsigned> parse_file_mode(std::string_view text);

// A directory holding files of `file_mode`: searchable where they are readable (0640 -> 0750).
unsigned directory_mode_for(unsigned file_mode);

// "0644".
std::string format_mode(unsigned mode);

// A file holding a secret is exposed when its group or others may read or write it.
inline bool exposes_secret(unsigned mode) {
  return (mode & 0077) != 0;
}

}  // namespace ferry
