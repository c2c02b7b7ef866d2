// The built-in patterns as hand-written matchers: the same matches as their Hyperscan
// expressions (core/pattern_set.cpp, docs/redaction.md) with leftmost start of match and the
// Luhn step, found in one pass over a text without a regex engine. Hyperscan's start-of-match
// tracking costs ~0.6 us per call even on a 15-byte string; these cost a few ns per byte.
// tests/unit/builtin_matchers_test.cpp and fuzz/builtin_matchers_fuzz.cpp check them against
// Hyperscan on random texts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

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

// Appends to `spans` an interval for every match (not merged, in no particular order): the
// union of the appended intervals is the union of every match of the selected built-ins.
void find_builtin_matches(std::string_view text, uint8_t mask, std::vector<MatchSpan>& spans);

// The Luhn checksum over the digits of `text` (separators skipped).
bool passes_luhn(std::string_view text);

}  // namespace ferry
