// The built-in patterns as hand-written matchers: the same matches as their Hyperscan
// expressions (core/redact/pattern_set.cpp, docs/redaction.md) with leftmost start of match and the
// Luhn step, found in one pass over a text without a regex engine. Hyperscan's start-of-match
// tracking costs ~0.6 us per call even on a 15-byte string; these cost a few ns per byte.
// tests/unit/builtin_matchers_test.cpp and fuzz/builtin_matchers_fuzz.cpp check them against
// Hyperscan on random texts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/json/byte_blocks.hpp"

namespace ferry {

struct MatchSpan {
  size_t begin;
  size_t end;
};

// Which built-ins to look for (bits).
enum BuiltinMask : uint8_t {
  kUsSsn = 1,
  kEmail = 2,
  kCreditCard = 4,
  kPhoneE164 = 8,
};
constexpr uint8_t kAllBuiltins = kUsSsn | kEmail | kCreditCard | kPhoneE164;

// Appends to `spans` an interval for every match (not merged, in no particular order): the
// union of the appended intervals is the union of every match of the selected built-ins.
void find_builtin_matches(std::string_view text, uint8_t mask, std::vector<MatchSpan>& spans);

// possible_builtins for us_ssn and credit_card (see below), for a text with 11 bytes of [0-9 -]
// in a row.
uint8_t possible_digit_builtins(std::string_view text, const byte_blocks::TextBits& bits);

// find_builtin_matches for a `mask` already narrowed by possible_builtins (it skips that step).
// `bits`: the text's byte_blocks::text_bits when known (a text of at most 64 bytes); the
// matchers then start only where they name a digit run, '@' or '+', instead of looking.
void find_possible_builtin_matches(std::string_view text, uint8_t mask,
                                   std::vector<MatchSpan>& spans,
                                   const byte_blocks::TextBits* bits = nullptr);

// The Luhn checksum over the digits of `text` (separators skipped).
bool passes_luhn(std::string_view text);

// The built-ins of `mask` that can match in `text` at all (at most 64 bytes, with `bits` its
// byte_blocks::text_bits): an e-mail needs '@', a phone '+', a us_ssn the shape ddd?dd?dddd of
// digits and separators, a credit_card 13 to 19 digits in one run of [0-9 -] (a run of only
// digits must be the whole match). A necessary condition, never a match by itself.
// Inline: most texts (times, counters, names) are ruled out by their bits alone; the digit
// check runs only for a text with 11 bytes of [0-9 -] in a row.
inline uint8_t possible_builtins(std::string_view text, const byte_blocks::TextBits& bits,
                                 uint8_t mask) {
  uint8_t possible = 0;
  if (bits.at != 0) possible |= kEmail;
  if (bits.plus != 0) possible |= kPhoneE164;
  // Both digit built-ins need 11 bytes of [0-9 -] in a row.
  if ((mask & (kUsSsn | kCreditCard)) != 0 &&
      byte_blocks::runs_of(bits.digit | bits.separator, 11) != 0)
    possible |= possible_digit_builtins(text, bits);
  return static_cast<uint8_t>(possible & mask);
}

}  // namespace ferry
