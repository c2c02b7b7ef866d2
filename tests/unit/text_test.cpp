// Unit tests for the small text helpers of core/text.hpp.
#include "core/text.hpp"

#include <gtest/gtest.h>

namespace ferry {
namespace {

TEST(Text, TrimWhitespaceDropsSpacesTabsAndLineEndsAroundOnly) {
  EXPECT_EQ(trim_whitespace("  ab c\t\r\n"), "ab c");
  EXPECT_EQ(trim_whitespace("\n\n"), "");
  EXPECT_EQ(trim_whitespace(""), "");
  EXPECT_EQ(trim_whitespace("x"), "x");
  EXPECT_EQ(trim_whitespace("\tx y\n"), "x y");
}

TEST(Text, DescribeMillisKeepsMillisecondsUnderTenSeconds) {
  EXPECT_EQ(describe_millis(0), "0 ms");
  EXPECT_EQ(describe_millis(50), "50 ms");
  EXPECT_EQ(describe_millis(9'999), "9999 ms");
  EXPECT_EQ(describe_millis(10'000), "10 s");
  EXPECT_EQ(describe_millis(300'999), "300 s");
}

TEST(Text, Hex64PadsAndParsesBack) {
  EXPECT_EQ(hex64(0xabc), "0000000000000abc");
  EXPECT_EQ(parse_lower_hex(hex64(0xabc)), 0xabcu);
  EXPECT_FALSE(parse_lower_hex("ABC").has_value());
}

TEST(Text, ParseDecimalTakesDigitsOnlyUpToMax) {
  EXPECT_EQ(parse_decimal("0", 10), 0u);
  EXPECT_EQ(parse_decimal("10", 10), 10u);
  EXPECT_EQ(parse_decimal("18446744073709551615", UINT64_MAX), UINT64_MAX);
  for (const char* text : {"", "11", "-1", "+1", " 1", "1 ", "1x", "0x1", "1.0"})
    EXPECT_FALSE(parse_decimal(text, 10).has_value()) << text;
  EXPECT_FALSE(parse_decimal("18446744073709551616", UINT64_MAX).has_value());   // overflows
  EXPECT_FALSE(parse_decimal("000000000000000000001", UINT64_MAX).has_value());  // 21 digits
}

}  // namespace
}  // namespace ferry
