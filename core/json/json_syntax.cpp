// A minimal recursive-descent JSON checker (see json_syntax.hpp), only used on the error path.
// Recursion is bounded by kMaxDepth, the same nesting limit as simdjson's default.
#include "core/json/json_syntax.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace ferry::config {
namespace {

constexpr int kMaxDepth = 1024;

class Checker {
 public:
  explicit Checker(std::string_view text) : s_(text) {}

  std::size_t run() {
    skip_whitespace();
    if (!value(0)) return i_;
    skip_whitespace();
    return i_ == s_.size() ? std::string::npos : i_;
  }

 private:
  bool at_end() const { return i_ >= s_.size(); }
  unsigned char peek() const { return static_cast<unsigned char>(s_[i_]); }

  void skip_whitespace() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) {
      ++i_;
    }
  }

  bool value(int depth) {
    if (at_end()) return false;
    switch (peek()) {
      case '{': return object(depth + 1);
      case '[': return array(depth + 1);
      case '"': return string();
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return number();
    }
  }

  bool object(int depth) {
    if (depth > kMaxDepth) return false;
    ++i_;  // '{'
    skip_whitespace();
    if (!at_end() && peek() == '}') {
      ++i_;
      return true;
    }
    while (true) {
      if (at_end() || peek() != '"' || !string()) return false;
      skip_whitespace();
      if (at_end() || peek() != ':') return false;
      ++i_;
      skip_whitespace();
      if (!value(depth)) return false;
      skip_whitespace();
      if (at_end()) return false;
      if (peek() == '}') {
        ++i_;
        return true;
      }
      if (peek() != ',') return false;
      ++i_;
      skip_whitespace();
    }
  }

  bool array(int depth) {
    if (depth > kMaxDepth) return false;
    ++i_;  // '['
    skip_whitespace();
    if (!at_end() && peek() == ']') {
      ++i_;
      return true;
    }
    while (true) {
      if (!value(depth)) return false;
      skip_whitespace();
      if (at_end()) return false;
      if (peek() == ']') {
        ++i_;
        return true;
      }
      if (peek() != ',') return false;
      ++i_;
      skip_whitespace();
    }
  }

  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) {
      // Point at the first byte that differs.
      std::size_t k = 0;
      while (i_ + k < s_.size() && k < word.size() && s_[i_ + k] == word[k]) ++k;
      i_ += k;
      return false;
    }
    i_ += word.size();
    return true;
  }

  bool digits() {
    const std::size_t start = i_;
    while (!at_end() && peek() >= '0' && peek() <= '9') ++i_;
    return i_ > start;
  }

  bool number() {
    const std::size_t start = i_;
    const bool negative = !at_end() && peek() == '-';
    if (negative) ++i_;
    if (at_end()) return false;
    if (peek() == '0') {
      ++i_;
    } else if (!digits()) {
      return false;
    }
    bool integer = true;
    if (!at_end() && peek() == '.') {
      ++i_;
      integer = false;
      if (!digits()) return false;
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
      ++i_;
      integer = false;
      if (!at_end() && (peek() == '+' || peek() == '-')) ++i_;
      if (!digits()) return false;
    }
    // simdjson also rejects numbers it cannot represent: point at their first byte.
    if (!representable(s_.substr(start, i_ - start), negative, integer)) {
      i_ = start;
      return false;
    }
    return true;
  }

  // Integers must fit in int64 or uint64, other numbers in a finite double.
  static bool representable(std::string_view token, bool negative, bool integer) {
    const char* first = token.data();
    const char* last = token.data() + token.size();
    if (integer) {
      uint64_t magnitude = 0;
      const auto [end, ec] = std::from_chars(first + (negative ? 1 : 0), last, magnitude);
      if (ec != std::errc() || end != last) return false;
      return !negative || magnitude <= (uint64_t{1} << 63);
    }
    // Underflow rounds to zero, as in simdjson; only overflow is an error.
    return std::isfinite(std::strtod(std::string(token).c_str(), nullptr));
  }

  static bool is_hex(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  bool string() {
    ++i_;  // opening quote
    while (!at_end()) {
      const unsigned char c = peek();
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        ++i_;
        if (at_end()) return false;
        const unsigned char e = peek();
        if (e == 'u') {
          ++i_;
          for (int k = 0; k < 4; ++k, ++i_) {
            if (at_end() || !is_hex(peek())) return false;
          }
          continue;
        }
        if (std::string_view("\"\\/bfnrt").find(static_cast<char>(e)) == std::string_view::npos) {
          return false;
        }
        ++i_;
        continue;
      }
      if (c >= 0x80) {
        if (!utf8_sequence()) return false;
        continue;
      }
      ++i_;
    }
    return false;
  }

  // One UTF-8 encoded code point: no overlong forms, no surrogates, nothing above U+10FFFF.
  bool utf8_sequence() {
    const unsigned char lead = peek();
    int length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    ++i_;
    for (int k = 1; k < length; ++k) {
      if (at_end()) return false;
      const unsigned char c = peek();
      const unsigned char lo = k == 1 ? low : 0x80;
      const unsigned char hi = k == 1 ? high : 0xBF;
      if (c < lo || c > hi) return false;
      ++i_;
    }
    return true;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace

std::size_t first_json_syntax_error(std::string_view text) {
  return Checker(text).run();
}

TextPosition position_of(std::string_view text, std::size_t offset) {
  TextPosition position;
  const std::size_t end = offset < text.size() ? offset : text.size();
  for (std::size_t k = 0; k < end; ++k) {
    if (text[k] == '\n') {
      ++position.line;
      position.column = 1;
    } else {
      ++position.column;
    }
  }
  return position;
}

}  // namespace ferry::config
