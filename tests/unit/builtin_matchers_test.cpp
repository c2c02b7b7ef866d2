// Differential tests: the hand-written built-in matchers against Hyperscan running the
// built-ins' documented expressions with leftmost start of match (and the Luhn step for
// cards), on hand-picked cases and on 200,000 random texts over an alphabet that makes
// near-misses likely. Both sides are reduced to the union of their intervals.
#include "core/redact/builtin_matchers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/redact/pattern_set.hpp"
#include "tests/support/builtin_reference.hpp"

namespace ferry {
namespace {

using testing::hand;
using testing::merged;
using testing::Reference;
using testing::show;

TEST(BuiltinMatchers, HandPickedCases) {
  const std::vector<std::string> texts = {
      "123-45-6789",
      "123 45 6789",
      "123-45 6789",
      "x123-45-6789",
      "123-45-67890",
      "1123-45-6789",
      "(123-45-6789)",
      "bob@example.com",
      "a.b+c@mail.example.co.uk",
      "x@localhost",
      "x@a..com",
      "x@a.b",
      "x@a.bc1",
      "@a.com",
      "a@b.com@c.org",
      "é@x.io",
      "4111 1111 1111 1111",
      "4111-1111-1111-1111",
      "5 4111 1111 1111 1111",
      "x4111111111111111",
      "4111111111111111x",
      "4111111111111111_",
      "29837492837498237498",
      "+14155552671",
      "+04155552671",
      "+1415555",
      "+1234567890123456",
      "+14155552671a",
      "call +1 415 555",
      "1 2 3 4 5 6 7 8 9 1 2 3 0",
      "4111 1111 1111 1111 4111 1111 1111 1111",
      "",
  };
  for (const BuiltinPattern& builtin : builtin_patterns()) {
    Reference reference(builtin);
    for (const std::string& text : texts)
      EXPECT_EQ(show(hand(text, builtin.bit)), show(reference.find(text)))
          << builtin.name << " on \"" << text << "\"";
  }
}

TEST(BuiltinMatchers, AgreeWithHyperscanOnRandomTexts) {
  std::vector<Reference> references;
  for (const BuiltinPattern& builtin : builtin_patterns()) references.emplace_back(builtin);
  std::mt19937_64 rng(20261124);
  const std::string alphabet = "0123456789012345678901234567890123456789 --@@..++aZx_%\"\xc3\n";
  for (int round = 0; round < 200000; ++round) {
    std::string text(rng() % 100, ' ');  // both sides of the 64-byte prefilter
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    // Plant near-valid shapes now and then.
    if (rng() % 4 == 0) text.insert(rng() % (text.size() + 1), "4111 1111 1111 1111");
    if (rng() % 4 == 0) text.insert(rng() % (text.size() + 1), "ab@cd.ef");
    std::vector<MatchSpan> all;
    for (size_t b = 0; b < references.size(); ++b) {
      const std::vector<MatchSpan> expected = references[b].find(text);
      ASSERT_EQ(show(hand(text, builtin_patterns()[b].bit)), show(expected))
          << builtin_patterns()[b].name << " on \"" << text << "\" (round " << round << ")";
      all.insert(all.end(), expected.begin(), expected.end());
    }
    ASSERT_EQ(show(hand(text, kUsSsn | kEmail | kCreditCard | kPhoneE164)), show(merged(all)))
        << "all built-ins on \"" << text << "\"";
  }
}

}  // namespace
}  // namespace ferry
