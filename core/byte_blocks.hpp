// Classifies bytes a block at a time (16 with SSE2, else 8 by a plain loop): the bytes that end
// a JSON string body or must be escaped in one, the non-ASCII bytes, the bytes where a built-in
// pattern match can start (a digit, '@' or '+'), and the bytes built-in matches are made of.
// Bit k describes byte k of the block.
#pragma once

#include <cstddef>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ferry::byte_blocks {

struct Masks {
  unsigned stop;   // '"', '\\' or a control byte (< 0x20)
  unsigned high;   // >= 0x80
  unsigned start;  // [0-9@+]
};

inline bool is_pattern_start(char c) {
  return (c >= '0' && c <= '9') || c == '@' || c == '+';
}
inline bool is_stop(unsigned char c) {
  return c == '"' || c == '\\' || c < 0x20;
}

#if defined(__SSE2__)
constexpr size_t kSize = 16;

inline __m128i load(const char* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

inline unsigned start_bits(__m128i v) {
  // c - '0' <= 9 (unsigned)
  const __m128i offset = _mm_sub_epi8(v, _mm_set1_epi8('0'));
  const __m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(offset, _mm_set1_epi8(9)), offset);
  const __m128i at = _mm_cmpeq_epi8(v, _mm_set1_epi8('@'));
  const __m128i plus = _mm_cmpeq_epi8(v, _mm_set1_epi8('+'));
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(digit, at), plus)));
}

inline unsigned stop_bits(__m128i v) {
  const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  const __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  // c <= 0x1F (unsigned): max(c, 0x1F) == 0x1F
  const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F));
  return static_cast<unsigned>(
      _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control)));
}

// Bits of '@', '+', digits and separators (' ', '-'): the bytes built-in matches are made of.
struct PatternBytes {
  unsigned at;
  unsigned plus;
  unsigned digit;
  unsigned separator;
};
inline PatternBytes pattern_bytes(const char* p) {
  const __m128i v = load(p);
  const __m128i offset = _mm_sub_epi8(v, _mm_set1_epi8('0'));
  const __m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(offset, _mm_set1_epi8(9)), offset);
  const __m128i separator =
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(v, _mm_set1_epi8('-')));
  return PatternBytes{
      static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('@')))),
      static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('+')))),
      static_cast<unsigned>(_mm_movemask_epi8(digit)),
      static_cast<unsigned>(_mm_movemask_epi8(separator))};
}

inline Masks classify(const char* p) {
  const __m128i v = load(p);
  return Masks{stop_bits(v), static_cast<unsigned>(_mm_movemask_epi8(v)), start_bits(v)};
}
inline unsigned pattern_starts(const char* p) {
  return start_bits(load(p));
}
inline unsigned stops(const char* p) {
  return stop_bits(load(p));
}
#else
constexpr size_t kSize = 8;

inline Masks classify(const char* p) {
  Masks masks{0, 0, 0};
  for (unsigned k = 0; k < kSize; ++k) {
    const auto c = static_cast<unsigned char>(p[k]);
    if (is_stop(c)) masks.stop |= 1u << k;
    if (c >= 0x80) masks.high |= 1u << k;
    if (is_pattern_start(static_cast<char>(c))) masks.start |= 1u << k;
  }
  return masks;
}
struct PatternBytes {
  unsigned at;
  unsigned plus;
  unsigned digit;
  unsigned separator;
};
inline PatternBytes pattern_bytes(const char* p) {
  PatternBytes bytes{0, 0, 0, 0};
  for (unsigned k = 0; k < kSize; ++k) {
    const char c = p[k];
    if (c == '@') bytes.at |= 1u << k;
    if (c == '+') bytes.plus |= 1u << k;
    if (c >= '0' && c <= '9') bytes.digit |= 1u << k;
    if (c == ' ' || c == '-') bytes.separator |= 1u << k;
  }
  return bytes;
}
inline unsigned pattern_starts(const char* p) {
  return classify(p).start;
}
inline unsigned stops(const char* p) {
  return classify(p).stop;
}
#endif

// The first i >= from with is_pattern_start(s[i]), or `size` if none.
inline size_t next_pattern_start(const char* s, size_t size, size_t from) {
  size_t i = from;
  for (; i + kSize <= size; i += kSize) {
    if (const unsigned bits = pattern_starts(s + i))
      return i + static_cast<size_t>(__builtin_ctz(bits));
  }
  while (i < size && !is_pattern_start(s[i])) ++i;
  return i;
}

// The first i >= from with is_stop(s[i]), or `size` if none.
inline size_t next_stop(const char* s, size_t size, size_t from) {
  size_t i = from;
  for (; i + kSize <= size; i += kSize) {
    if (const unsigned bits = stops(s + i)) return i + static_cast<size_t>(__builtin_ctz(bits));
  }
  while (i < size && !is_stop(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

}  // namespace ferry::byte_blocks
