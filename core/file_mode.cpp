// Octal modes: parsed strictly, printed with their leading zero.
#include "core/file_mode.hpp"

#include "core/text.hpp"

namespace ferry {

Result<unsigned> parse_file_mode(std::string_view text) {
  if (text.size() < 3 || text.size() > 4)
    return make_error("must be an octal mode such as \"0640\" (3 or 4 digits)");
  unsigned mode = 0;
  for (const char c : text) {
    if (c < '0' || c > '7')
      return make_error("must be an octal mode such as \"0640\" (digits 0-7 only)");
    mode = mode * 8 + static_cast<unsigned>(c - '0');
  }
  if ((mode & ~0666u) != 0)
    return make_error(
        cat("must hold read and write bits only (at most 0666), got ", format_mode(mode)));
  if ((mode & 0400) == 0)
    return make_error(cat("must let the owner read (0400), got ", format_mode(mode)));
  return mode;
}

unsigned directory_mode_for(unsigned file_mode) {
  return (file_mode | 0700) | ((file_mode & 0044) >> 2);
}

std::string format_mode(unsigned mode) {
  std::string out(4, '0');
  for (int i = 3; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>('0' + (mode & 7));
    mode >>= 3;
  }
  return out;
}

}  // namespace ferry
