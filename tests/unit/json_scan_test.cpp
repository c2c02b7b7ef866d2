// json_scan's skip_string: the end of a JSON string in validated text, its quote found with
// memchr and escapes told apart by the run of backslashes before each quote.
#include "core/json/json_scan.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace ferry::json_scan {
namespace {

TEST(JsonScan, SkipStringEndsAtTheFirstUnescapedQuote) {
  const std::string cases[][2] = {
      {R"("")", R"(, "next")"},
      {R"("plain")", R"(:1)"},
      {R"("say \"hi\"")", R"(})"},
      {R"("a backslash \\")", R"(, "b\"")"},
      {R"("\\\"")", R"(])"},
      {R"("\\\\")", R"("not this")"},
      {R"("\u0022 is a quote too")", R"(})"},
      {R"("longer than a vector register: the quote is far away, \"and escaped\" twice")",
       R"(,"x":"y")"},
  };
  for (const auto& [string, after] : cases) {
    const std::string text = "{" + string + after;
    EXPECT_EQ(skip_string(text, 1), 1 + string.size()) << text;
  }
}

TEST(JsonScan, SkipStringAgreesWithAByteWalkOnRandomEscapes) {
  // Strings of plain bytes, escaped backslashes, escaped quotes and \n, then more JSON.
  const char* const pieces[] = {"a", "bc", "\\\\", "\\\"", "\\n", "defghijklmnopqrstuvwxyz"};
  std::mt19937 random(7);
  for (int round = 0; round < 20000; ++round) {
    std::string string = "\"";
    const int count = static_cast<int>(random() % 12);
    for (int k = 0; k < count; ++k) string += pieces[random() % std::size(pieces)];
    string += '"';
    const std::string text = string + (random() % 2 ? ",\"\\\\\"" : "}");
    ASSERT_EQ(skip_string(text, 0), string.size()) << text;
  }
}

}  // namespace
}  // namespace ferry::json_scan
