// Text rules the Java Kinesis Agent's processors inherit from Java: how a record's bytes decode
// (invalid UTF-8 becomes U+FFFD), String.trim, the regex classes \s, \w and `.`, and the
// timestamps they print. Pure functions, any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ferry::processing {

// Java decodes a record as UTF-8, replacing each maximal ill-formed subsequence with U+FFFD.
// Returns `in` itself when it is valid UTF-8, else the repaired text written into `scratch`.
std::string_view decode_like_java(std::string_view in, std::string& scratch);

// String.trim(): strips every char <= U+0020 from both ends.
std::string_view java_trim(std::string_view text);

// java.util.regex: \s is [ \t\n\x0B\f\r], \w is [a-zA-Z_0-9].
inline bool is_java_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\x0B' || c == '\f' || c == '\r';
}
inline bool is_java_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Whether `.*` matches all of `text` in a Java regex: no \n, \r, U+0085, U+2028 or U+2029.
bool java_dot_matches_all(std::string_view text);

// "2026-11-24T06:19:51.375Z" (SimpleDateFormat yyyy-MM-dd'T'HH:mm:ss.SSS'Z' in UTC).
void append_utc_millis(std::string& out, int64_t unix_millis);

}  // namespace ferry::processing
