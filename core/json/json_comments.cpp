// Comment stripping for agent.json (see json_comments.hpp).
// A single pass with three states: JSON text, inside a string literal, inside a comment.
#include "core/json/json_comments.hpp"

#include <cstddef>

#include "core/text.hpp"

namespace ferry::config {

Result<std::string> strip_json_comments(std::string_view text) {
  std::string out(text);
  std::size_t line = 1;
  std::size_t i = 0;
  while (i < out.size()) {
    const char c = out[i];
    if (c == '\n') {
      ++line;
      ++i;
    } else if (c == '"') {
      // Skip the string literal; a backslash escapes the next byte. An unterminated string is
      // left for the JSON parser to report.
      ++i;
      while (i < out.size() && out[i] != '"') {
        const std::size_t step = out[i] == '\\' && i + 1 < out.size() ? 2 : 1;
        if (out[i + step - 1] == '\n') ++line;
        i += step;
      }
      ++i;
    } else if (c == '/' && i + 1 < out.size() && out[i + 1] == '/') {
      while (i < out.size() && out[i] != '\n') out[i++] = ' ';
    } else if (c == '/' && i + 1 < out.size() && out[i + 1] == '*') {
      const std::size_t start_line = line;
      out[i] = out[i + 1] = ' ';
      i += 2;
      bool closed = false;
      while (i < out.size()) {
        if (out[i] == '*' && i + 1 < out.size() && out[i + 1] == '/') {
          out[i] = out[i + 1] = ' ';
          i += 2;
          closed = true;
          break;
        }
        if (out[i] == '\n') {
          ++line;
        } else {
          out[i] = ' ';
        }
        ++i;
      }
      if (!closed) {
        return make_error(cat("unterminated /* comment starting at line ", start_line));
      }
    } else {
      ++i;
    }
  }
  return out;
}

}  // namespace ferry::config
