// Classifies bytes a block at a time (16 with SSE2, else 8 by a plain loop): the bytes that end
// a JSON string body or must be escaped in one, the non-ASCII bytes, and the bytes built-in
// pattern matches are made of ('@', '+', digits, separators). Bit k describes byte k of the
// block; TextBits gathers the same bits for a whole text of up to 64 bytes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/assert.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ferry::byte_blocks {

struct Masks {
  unsigned stop;  // '"', '\\' or a control byte (< 0x20)
  unsigned high;  // >= 0x80
};

struct PatternBytes {
  unsigned at;
  unsigned plus;
  unsigned digit;
  unsigned separator;  // ' ' or '-'
  // Where a built-in match can start: a digit, '@' or '+'.
  unsigned start() const { return at | plus | digit; }
};

inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
inline bool is_separator(char c) {  // between the digit groups of a us_ssn or credit_card
  return c == ' ' || c == '-';
}
inline bool is_pattern_start(char c) {
  return is_digit(c) || c == '@' || c == '+';
}
inline bool is_stop(unsigned char c) {
  return c == '"' || c == '\\' || c < 0x20;
}

#if defined(__SSE2__)
constexpr size_t kSize = 16;

inline __m128i load(const char* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}
inline unsigned bits(__m128i v) {
  return static_cast<unsigned>(_mm_movemask_epi8(v));
}

inline Masks classify(const char* p) {
  const __m128i v = load(p);
  const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  const __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  // c <= 0x1F (unsigned): max(c, 0x1F) == 0x1F
  const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F));
  return Masks{bits(_mm_or_si128(_mm_or_si128(quote, backslash), control)), bits(v)};
}

inline PatternBytes pattern_bytes(const char* p) {
  const __m128i v = load(p);
  // c - '0' <= 9 (unsigned)
  const __m128i offset = _mm_sub_epi8(v, _mm_set1_epi8('0'));
  const __m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(offset, _mm_set1_epi8(9)), offset);
  const __m128i separator =
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(v, _mm_set1_epi8('-')));
  return PatternBytes{bits(_mm_cmpeq_epi8(v, _mm_set1_epi8('@'))),
                      bits(_mm_cmpeq_epi8(v, _mm_set1_epi8('+'))), bits(digit), bits(separator)};
}
#else
constexpr size_t kSize = 8;

inline Masks classify(const char* p) {
  Masks masks{0, 0};
  for (unsigned k = 0; k < kSize; ++k) {
    const auto c = static_cast<unsigned char>(p[k]);
    if (is_stop(c)) masks.stop |= 1u << k;
    if (c >= 0x80) masks.high |= 1u << k;
  }
  return masks;
}

inline PatternBytes pattern_bytes(const char* p) {
  PatternBytes bytes{0, 0, 0, 0};
  for (unsigned k = 0; k < kSize; ++k) {
    const char c = p[k];
    if (c == '@') bytes.at |= 1u << k;
    if (c == '+') bytes.plus |= 1u << k;
    if (is_digit(c)) bytes.digit |= 1u << k;
    if (is_separator(c)) bytes.separator |= 1u << k;
  }
  return bytes;
}
#endif

// The first i >= from with is_pattern_start(s[i]), or `size` if none.
inline size_t next_pattern_start(const char* s, size_t size, size_t from) {
  size_t i = from;
  for (; i + kSize <= size; i += kSize) {
    if (const unsigned found = pattern_bytes(s + i).start())
      return i + static_cast<size_t>(__builtin_ctz(found));
  }
  while (i < size && !is_pattern_start(s[i])) ++i;
  return i;
}

// The first i >= from with is_stop(s[i]), or `size` if none.
inline size_t next_stop(const char* s, size_t size, size_t from) {
  size_t i = from;
  for (; i + kSize <= size; i += kSize) {
    if (const unsigned found = classify(s + i).stop)
      return i + static_cast<size_t>(__builtin_ctz(found));
  }
  while (i < size && !is_stop(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

// The PatternBytes of the block of `text` (at least kSize bytes) that starts at byte `i`: the
// last block is the text's last kSize bytes (overlapping the one before), shifted so that bit 0
// is byte i.
inline PatternBytes pattern_bytes_at(std::string_view text, size_t i) {
  FERRY_ASSERT(text.size() >= kSize && i < text.size());
  const size_t from = std::min(i, text.size() - kSize);
  const unsigned skip = static_cast<unsigned>(i - from);
  const PatternBytes bytes = pattern_bytes(text.data() + from);
  return PatternBytes{bytes.at >> skip, bytes.plus >> skip, bytes.digit >> skip,
                      bytes.separator >> skip};
}

// PatternBytes of a whole text of at most 64 bytes: where its digits, separators, '@' and '+'
// are (bit k is byte k).
struct TextBits {
  static constexpr size_t kMaxSize = 64;
  uint64_t digit = 0, separator = 0, at = 0, plus = 0;

  // Adds the bytes of `bytes` that `keep` selects, for the block at `offset` (< kMaxSize).
  void add(const PatternBytes& bytes, unsigned keep, size_t offset) {
    digit |= uint64_t{bytes.digit & keep} << offset;
    separator |= uint64_t{bytes.separator & keep} << offset;
    at |= uint64_t{bytes.at & keep} << offset;
    plus |= uint64_t{bytes.plus & keep} << offset;
  }
  void add(char c, size_t offset) {
    const uint64_t bit = uint64_t{1} << offset;
    if (is_digit(c)) digit |= bit;
    if (is_separator(c)) separator |= bit;
    if (c == '@') at |= bit;
    if (c == '+') plus |= bit;
  }
};

// Bit p of the result: bits p .. p + length - 1 of `m` are all set (length in 1..32).
inline uint64_t runs_of(uint64_t m, unsigned length) {
  uint64_t r = m;
  unsigned have = 1;
  while (have * 2 <= length) {
    r &= r >> have;
    have *= 2;
  }
  if (have < length) r &= r >> (length - have);
  return r;
}

inline TextBits text_bits(std::string_view text) {
  const size_t n = text.size();
  FERRY_ASSERT(n <= TextBits::kMaxSize);
  TextBits result;
  if (n < kSize) {
    for (size_t k = 0; k < n; ++k) result.add(text[k], k);
    return result;
  }
  for (size_t i = 0; i < n; i += kSize) result.add(pattern_bytes_at(text, i), ~0u, i);
  return result;
}

}  // namespace ferry::byte_blocks
