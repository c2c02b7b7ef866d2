// Finds where JSON text stops being valid, so "invalid JSON" errors can name a line: simdjson's
// DOM parser reports what is wrong but not where. Pure functions, any thread.
#pragma once

#include <cstddef>
#include <string_view>

namespace ferry::config {

struct TextPosition {
  std::size_t line = 1;    // 1-based
  std::size_t column = 1;  // 1-based, in bytes
};

// Offset of the first byte at which `text` is not a valid RFC 8259 JSON document (text.size()
// when it ends too early), or npos when it is valid. Nesting deeper than 1024 is invalid there.
std::size_t first_json_syntax_error(std::string_view text);

TextPosition position_of(std::string_view text, std::size_t offset);

}  // namespace ferry::config
