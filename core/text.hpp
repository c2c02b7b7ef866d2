// Small text helpers used everywhere: cat() builds a message from pieces (g++ 12 has no
// <format>), hex encoding, and JSON string escaping.
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace ferry {

namespace detail {
inline void append_piece(std::string& out, std::string_view s) {
  out.append(s);
}
inline void append_piece(std::string& out, const char* s) {
  out.append(s);
}
inline void append_piece(std::string& out, const std::string& s) {
  out.append(s);
}
inline void append_piece(std::string& out, char c) {
  out.push_back(c);
}
inline void append_piece(std::string& out, bool b) {
  out.append(b ? "true" : "false");
}
template <class T>
requires(std::is_arithmetic_v<T> && !std::same_as<T, char> &&
         !std::same_as<T, bool>) inline void append_piece(std::string& out, T v) {
  out.append(std::to_string(v));
}
}  // namespace detail

template <class... Pieces>
std::string cat(const Pieces&... pieces) {
  std::string out;
  (detail::append_piece(out, pieces), ...);
  return out;
}

// Lowercase hex of bytes.
std::string to_hex(std::span<const unsigned char> bytes);
inline std::string to_hex(std::string_view bytes) {
  return to_hex(std::span(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()));
}

// 16 lowercase hex digits, zero-padded (fingerprints, run ids).
std::string hex64(uint64_t value);
// 1 to 16 lowercase hexadecimal digits (hex64 prints 16), as their value; nothing otherwise.
std::optional<uint64_t> parse_lower_hex(std::string_view text);
// 1 to 20 decimal digits (no sign, no spaces) whose value fits uint64 and is at most `max`, as
// that value; nothing otherwise.
std::optional<uint64_t> parse_decimal(std::string_view text, uint64_t max);

// A pause for a log line: "850 ms" under 10 s, whole seconds from there ("12 s", "300 s").
std::string describe_millis(uint64_t millis);

// `text` without the spaces, tabs and line ends around it.
std::string_view trim_whitespace(std::string_view text);

// Appends `value` as a JSON string literal (with quotes), escaping per RFC 8259.
void append_json_string(std::string& out, std::string_view value);

}  // namespace ferry
