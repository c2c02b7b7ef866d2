// Text helpers: hex encoding and JSON string escaping.
#include "core/text.hpp"

#include <charconv>

#include "core/json/byte_blocks.hpp"

namespace ferry {

std::string to_hex(std::span<const unsigned char> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.resize(bytes.size() * 2);
  for (size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 0xf];
  }
  return out;
}

std::string describe_millis(uint64_t millis) {
  return millis < 10'000 ? cat(millis, " ms") : cat(millis / 1000, " s");
}

std::string_view trim_whitespace(std::string_view text) {
  constexpr std::string_view kWhitespace = " \t\r\n";
  const size_t first = text.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kWhitespace) - first + 1);
}

std::string hex64(uint64_t value) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4) out[static_cast<size_t>(i)] = digits[value & 0xf];
  return out;
}

std::optional<uint64_t> parse_lower_hex(std::string_view text) {
  if (text.empty() || text.size() > 16) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    int digit;
    if (c >= '0' && c <= '9')
      digit = c - '0';
    else if (c >= 'a' && c <= 'f')
      digit = c - 'a' + 10;
    else
      return std::nullopt;
    value = (value << 4) | static_cast<uint64_t>(digit);
  }
  return value;
}

std::optional<uint64_t> parse_decimal(std::string_view text, uint64_t max) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value > max) return std::nullopt;
  return value;
}

void append_json_string(std::string& out, std::string_view value) {
  static constexpr char digits[] = "0123456789abcdef";
  out.push_back('"');
  for (size_t i = 0; i < value.size(); ++i) {
    // Bytes that need no escape go in runs.
    const size_t stop = byte_blocks::next_stop(value.data(), value.size(), i);
    out.append(value.data() + i, stop - i);
    if (stop == value.size()) break;
    i = stop;
    const auto c = static_cast<unsigned char>(value[i]);
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      default:  // another control byte
        out.append("\\u00");
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 0xf]);
    }
  }
  out.push_back('"');
}

}  // namespace ferry
