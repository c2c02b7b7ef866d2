// stat(2) of a secret's file and the warning that names it, its mode and the fix.
#include "agent/setup/secret_file_check.hpp"

#include <sys/stat.h>

#include "core/file_mode.hpp"
#include "core/text.hpp"

namespace ferry::config {

std::optional<std::string> secret_file_warning(const std::string& file, std::string_view where,
                                               std::string_view what) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return std::nullopt;  // its reader reports that
  const unsigned mode = static_cast<unsigned>(st.st_mode) & 07777;
  if (!exposes_secret(mode)) return std::nullopt;
  return cat("config: ", where.empty() ? std::string() : cat(where, ": "), file, " holds ", what,
             " and group or others may read it (mode ", format_mode(mode), "): chmod 600 ", file);
}

}  // namespace ferry::config
