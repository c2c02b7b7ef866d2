// The scan is a small state machine over the structure and a 16-bytes-at-a-time loop over
// string bodies, where nearly all of a record's bytes are. Whatever it is unsure of it leaves
// to simdjson; what it accepts must be valid JSON by RFC 8259 and within simdjson's limits.
#include "core/json/json_record_scan.hpp"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <string>

#include "core/assert.hpp"
#include "core/json/byte_blocks.hpp"
#include "core/json/json_scan.hpp"

namespace ferry {

namespace {

// Far below simdjson's 1024: deeper records are rare and go to the DOM parser.
constexpr size_t kMaxDepth = 64;
// Numbers longer than this go to the DOM parser (no real record needs it).
constexpr size_t kMaxNumberBytes = 40;

using byte_blocks::is_digit;
using byte_blocks::is_pattern_start;
using json_scan::is_whitespace;

size_t skip_whitespace(std::string_view s, size_t i) {
  // Records are mostly compact: one compare settles a byte above ' ', which is no whitespace.
  while (i < s.size() && static_cast<unsigned char>(s[i]) <= ' ' && is_whitespace(s[i])) ++i;
  return i;
}

bool is_simple_escape(char c) {
  switch (c) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't': return true;
    default: return false;
  }
}

// `i` is at an opening quote. Returns the offset just past the closing quote and sets `flags`
// (and, for a value, `bits`; a key has none), or 0 when unsure (a \u escape) or invalid (an
// unescaped control byte, a bad escape, invalid UTF-8, no closing quote).
template <bool kValue>
size_t scan_string(std::string_view s, size_t i, uint8_t& flags, byte_blocks::TextBits* out_bits) {
  using byte_blocks::TextBits;
  // Gathered in a local and stored once: stores through `out_bits` could alias the input (it is
  // char data), which would keep every block's bits in memory.
  TextBits bits;
  const char* const data = s.data();
  const size_t n = s.size();
  const size_t body = i + 1;
  size_t j = body;
  bool high = false;
  bool start = false;
  bool escaped = false;
  for (;;) {
    // Find the next byte that stops the body, noting the bytes passed on the way.
    while (j + byte_blocks::kSize <= n) {
      const byte_blocks::Masks masks = byte_blocks::classify(data + j);
      const unsigned keep =
          masks.stop == 0 ? ~0u : (1u << static_cast<unsigned>(__builtin_ctz(masks.stop))) - 1;
      high |= (masks.high & keep) != 0;
      if constexpr (kValue) {
        // Past the bits' 64 bytes only `start` is still wanted, and only until it is known.
        const bool in_bits = j - body < TextBits::kMaxSize;
        if (in_bits || !start) {
          const byte_blocks::PatternBytes bytes = byte_blocks::pattern_bytes(data + j);
          start |= (bytes.start() & keep) != 0;
          if (in_bits) bits.add(bytes, keep, j - body);
        }
      }
      if (masks.stop == 0) {
        j += byte_blocks::kSize;
        continue;
      }
      j += static_cast<size_t>(__builtin_ctz(masks.stop));
      goto stopped;
    }
    while (j < n) {
      const auto c = static_cast<unsigned char>(data[j]);
      if (byte_blocks::is_stop(c)) goto stopped;
      high |= c >= 0x80;
      if constexpr (kValue) {
        start |= is_pattern_start(static_cast<char>(c));
        if (j - body < TextBits::kMaxSize) bits.add(static_cast<char>(c), j - body);
      }
      ++j;
    }
    return 0;  // no closing quote
  stopped:
    if (data[j] == '"') break;
    if (data[j] != '\\' || j + 1 >= n || !is_simple_escape(data[j + 1])) return 0;
    escaped = true;
    j += 2;
  }
  if (high && !simdjson::validate_utf8(data + body, j - body)) return 0;
  // Bits past an escape are at raw offsets, not at the decoded text's.
  const bool complete = kValue && !escaped && j - body <= TextBits::kMaxSize;
  if constexpr (kValue) *out_bits = bits;
  flags = static_cast<uint8_t>((escaped ? ScannedString::kEscaped : 0) |
                               (start ? ScannedString::kPatternStart : 0) |
                               (complete ? ScannedString::kBitsComplete : 0));
  return j + 1;
}

// `i` is at an opening quote. Most keys are short ASCII without escapes: when the closing quote
// is within the next block, with no other stop byte and no byte >= 0x80 before it, returns the
// offset just past it, as scan_string would; otherwise 0 (scan_string decides).
size_t short_plain_string_end(std::string_view s, size_t i) {
  const size_t body = i + 1;
  if (body + byte_blocks::kSize > s.size()) return 0;
  const byte_blocks::Masks masks = byte_blocks::classify(s.data() + body);
  if (masks.stop == 0) return 0;
  const unsigned at = static_cast<unsigned>(__builtin_ctz(masks.stop));
  if (s[body + at] != '"' || (masks.high & ((1u << at) - 1)) != 0) return 0;
  return body + at + 1;
}

// `i` is at a number's first byte. Returns the offset past it, or 0 when it is invalid or
// might be outside what simdjson accepts (integers beyond 18 digits, magnitudes near the
// double range).
size_t scan_number(std::string_view s, size_t i) {
  const size_t n = s.size();
  size_t j = i;
  if (j < n && s[j] == '-') ++j;
  const size_t int_begin = j;
  if (j >= n || !is_digit(s[j])) return 0;
  if (s[j] == '0') {
    ++j;
  } else {
    while (j < n && is_digit(s[j])) ++j;
  }
  const size_t int_digits = j - int_begin;
  size_t fraction_digits = 0;
  bool is_float = false;
  if (j < n && s[j] == '.') {
    is_float = true;
    const size_t begin = ++j;
    while (j < n && is_digit(s[j])) ++j;
    fraction_digits = j - begin;
    if (fraction_digits == 0) return 0;
  }
  int exponent = 0;
  if (j < n && (s[j] == 'e' || s[j] == 'E')) {
    is_float = true;
    ++j;
    bool negative = false;
    if (j < n && (s[j] == '+' || s[j] == '-')) negative = s[j++] == '-';
    const size_t begin = j;
    while (j < n && is_digit(s[j])) {
      if (j - begin >= 4) return 0;  // |exponent| >= 10000: leave it to simdjson
      exponent = exponent * 10 + (s[j] - '0');
      ++j;
    }
    if (j == begin) return 0;
    if (negative) exponent = -exponent;
  }
  if (j - i > kMaxNumberBytes) return 0;
  if (!is_float) return int_digits <= 18 ? j : 0;  // fits int64
  // |value| < 10^(int_digits + exponent) and, unless zero, >= 10^(exponent - fraction_digits
  // - 1): keep both far inside the normal double range.
  const int high = static_cast<int>(int_digits) + exponent;
  const int low = exponent - static_cast<int>(fraction_digits) - 1;
  return high <= 300 && low >= -300 ? j : 0;
}

// `i` is at 't', 'f' or 'n'. Returns the offset past the literal, or 0.
size_t scan_literal(std::string_view s, size_t i) {
  for (const std::string_view word :
       {std::string_view("true"), std::string_view("false"), std::string_view("null")}) {
    if (s.substr(i, word.size()) == word) return i + word.size();
  }
  return 0;
}

struct Frame {
  uint32_t open;
  bool object;
  uint32_t item;  // the container's own entry in ScannedRecord::items (when listed)
};

constexpr uint32_t kNoItem = UINT32_MAX;  // the top-level object is no item

ScannedItem::Kind kind_of(char first) {
  switch (first) {
    case '"': return ScannedItem::Kind::string;
    case '{': return ScannedItem::Kind::object;
    case '[': return ScannedItem::Kind::array;
    default: return ScannedItem::Kind::other;
  }
}

// Flattened: the function is too large for the compiler to inline its helpers (the string scans,
// each vector's emplace_back) by itself, and a call per member or string is a good part of a
// short one's cost.
template <ScanLists kLists>
[[gnu::flatten]] bool scan_record(std::string_view s, ScannedRecord& out) {
  constexpr bool kItems = kLists == ScanLists::items;
  out.strings.clear();
  out.top_keys.clear();
  out.items.clear();
  out.escaped_keys = false;
  out.top_key_sizes = 0;
  out.last_value_end = 0;
  if (s.size() >= UINT32_MAX) return false;
  std::array<Frame, kMaxDepth> stack;
  size_t depth = 0;
  size_t i = skip_whitespace(s, 0);
  if (i >= s.size() || s[i] != '{') return false;
  out.open_brace = static_cast<uint32_t>(i);
  stack[depth++] = Frame{static_cast<uint32_t>(i), true, kNoItem};
  ++i;
  enum class State {
    object_start,
    key,
    array_start,
    value,
    after_value
  } state = State::object_start;
  size_t item_begin = 0;
  for (;;) {
    i = skip_whitespace(s, i);
    if (i >= s.size()) return false;
    const char c = s[i];
    const Frame& top = stack[depth - 1];
    switch (state) {
      case State::object_start:
      case State::array_start:
        if (c == (top.object ? '}' : ']')) {
          state = State::after_value;
          break;  // closed below, as after a value
        }
        if (!top.object) {
          item_begin = i;
          state = State::value;
          continue;
        }
        [[fallthrough]];
      case State::key: {
        if (c != '"') return false;
        item_begin = i;
        uint8_t flags = 0;
        size_t end = short_plain_string_end(s, i);
        if (end == 0) {
          end = scan_string<false>(s, i, flags, nullptr);
          if (end == 0) return false;
        }
        const bool escaped = (flags & ScannedString::kEscaped) != 0;
        if constexpr (kItems) {
          ScannedItem& item = out.items.emplace_back();  // filled in place, as strings are
          item.item_begin = static_cast<uint32_t>(i);
          item.key_begin = static_cast<uint32_t>(i + 1);
          item.key_end = static_cast<uint32_t>(end - 1);
          item.container = top.open;
          out.escaped_keys |= escaped;
        }
        if (depth == 1) {
          ScannedKey& key = out.top_keys.emplace_back();
          key.begin = static_cast<uint32_t>(i + 1);
          key.end = static_cast<uint32_t>(end - 1);
          key.escaped = escaped;
          out.top_key_sizes |= escaped ? ~uint64_t{0} : key_size_bit(key.end - key.begin);
          if constexpr (kItems) key.item = static_cast<uint32_t>(out.items.size() - 1);
        }
        i = end < s.size() && s[end] == ':' ? end : skip_whitespace(s, end);  // mostly compact
        if (i >= s.size() || s[i] != ':') return false;
        ++i;
        state = State::value;
        continue;
      }
      case State::value: {
        size_t end = 0;
        if (depth == 1) out.top_keys.back().value_begin = static_cast<uint32_t>(i);
        ScannedItem* item = nullptr;
        if constexpr (kItems) {
          if (!top.object) {  // an element: its item starts here (a member's started at its key)
            item = &out.items.emplace_back();
            item->item_begin = static_cast<uint32_t>(i);
            item->container = top.open;
          } else {
            item = &out.items.back();
          }
          item->value_begin = static_cast<uint32_t>(i);
          item->kind = kind_of(c);
        }
        if (c == '"' && kLists == ScanLists::strings) {
          // Filled in place: the bits are written once, where they stay.
          ScannedString& string = out.strings.emplace_back();
          end = scan_string<true>(s, i, string.flags, &string.bits);
          if (end == 0) return false;
          string.item_begin = static_cast<uint32_t>(item_begin);
          string.begin = static_cast<uint32_t>(i);
          string.end = static_cast<uint32_t>(end);
          string.container = top.open;
        } else if (c == '"') {
          uint8_t flags = 0;
          end = scan_string<false>(s, i, flags, nullptr);
          if constexpr (kItems) item->escaped = (flags & ScannedString::kEscaped) != 0;
        } else if (c == '{' || c == '[') {
          if (depth == kMaxDepth) return false;
          const uint32_t own = kItems ? static_cast<uint32_t>(out.items.size() - 1) : kNoItem;
          stack[depth++] = Frame{static_cast<uint32_t>(i), c == '{', own};
          state = c == '{' ? State::object_start : State::array_start;
          ++i;
          continue;
        } else if (c == '-' || is_digit(c)) {
          end = scan_number(s, i);
        } else if (c == 't' || c == 'f' || c == 'n') {
          end = scan_literal(s, i);
        }
        if (end == 0) return false;
        if constexpr (kItems) {
          item->value_end = static_cast<uint32_t>(end);
          item->next = static_cast<uint32_t>(out.items.size());
        }
        if (depth == 1)
          out.last_value_end = out.top_keys.back().value_end = static_cast<uint32_t>(end);
        i = end;
        // Mostly compact: `,"` after a member's value goes straight on to the next key.
        if (top.object && i + 1 < s.size() && s[i] == ',' && s[i + 1] == '"') {
          ++i;
          state = State::key;
          continue;
        }
        state = State::after_value;
        continue;
      }
      case State::after_value:
        if (c == ',') {
          ++i;
          if (top.object) {
            state = State::key;
          } else {
            i = skip_whitespace(s, i);
            item_begin = i;
            state = State::value;
          }
          continue;
        }
        if (c != (top.object ? '}' : ']')) return false;
        break;
    }
    // `c` closes the innermost container.
    if constexpr (kItems) {
      if (top.item != kNoItem) {
        ScannedItem& container = out.items[top.item];
        container.value_end = static_cast<uint32_t>(i + 1);
        container.next = static_cast<uint32_t>(out.items.size());
      }
    }
    --depth;
    ++i;
    if (depth == 0) {
      out.close_brace = static_cast<uint32_t>(i - 1);
      return skip_whitespace(s, i) == s.size();
    }
    if (depth == 1) out.last_value_end = out.top_keys.back().value_end = static_cast<uint32_t>(i);
    state = State::after_value;
  }
}

}  // namespace

bool scan_json_record(std::string_view s, ScannedRecord& out, ScanLists lists) {
  switch (lists) {
    case ScanLists::members: return scan_record<ScanLists::members>(s, out);
    case ScanLists::strings: return scan_record<ScanLists::strings>(s, out);
    case ScanLists::items: return scan_record<ScanLists::items>(s, out);
  }
  return false;
}

void decode_scanned_string(std::string_view quoted, std::string& out) {
  FERRY_ASSERT(quoted.size() >= 2 && quoted.front() == '"' && quoted.back() == '"');
  out.clear();
  const std::string_view body = quoted.substr(1, quoted.size() - 2);
  for (size_t i = 0; i < body.size(); ++i) {
    // The bytes up to the next backslash go as they are.
    const size_t escape = std::min(body.find('\\', i), body.size());
    out.append(body.substr(i, escape - i));
    if (escape == body.size()) break;
    i = escape;
    FERRY_ASSERT(i + 1 < body.size());
    switch (body[++i]) {
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      default: FERRY_ASSERT(is_simple_escape(body[i])); out.push_back(body[i]);  // '"', '\\' or '/'
    }
  }
}

}  // namespace ferry
