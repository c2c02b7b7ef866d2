// core/tail/line_patterns: multiLineStartPattern and fileFooterPattern with the Kinesis Agent's
// semantics (Matcher.lookingAt() per line; matches() on the trimmed record).
#include "core/tail/line_patterns.hpp"

#include <gtest/gtest.h>

namespace ferry {
namespace {

RegexMatcher matcher(std::string_view pattern) {
  auto compiled = compile_line_pattern(pattern);
  EXPECT_TRUE(compiled.ok()) << compiled.error().message;
  return RegexMatcher(std::move(compiled).value());
}

TEST(LinePatterns, StartPatternIsAnchoredAtTheLineStart) {
  RegexMatcher start = matcher(R"(\d{4}-\d{2}-\d{2} )");
  EXPECT_TRUE(starts_record(start, "2026-12-05 12:00:00 ERROR boom"));
  // lookingAt: a date later in the line does not start a record (ferry used to match anywhere).
  EXPECT_FALSE(starts_record(start, "\tat caused by 2026-12-05 12:00:00"));
  EXPECT_FALSE(starts_record(start, ""));
}

TEST(LinePatterns, FooterMatchesTheWholeTrimmedRecord) {
  RegexMatcher footer = matcher("END");
  EXPECT_TRUE(is_file_footer(footer, "END"));
  EXPECT_TRUE(is_file_footer(footer, "  END \t\r"));
  // Not a footer: the pattern only occurs inside (ferry used to drop this line).
  EXPECT_FALSE(is_file_footer(footer, "keep this line mentioning END of story"));
  RegexMatcher summary = matcher(R"(-- end of log \(\d+ lines\) --)");
  EXPECT_TRUE(is_file_footer(summary, "-- end of log (42 lines) --\r"));
}

TEST(LinePatterns, JavaConstructsCompileAndBadPatternsSayWhere) {
  EXPECT_TRUE(compile_line_pattern(R"((?<=^)(?<day>\d{2})\s++\p{Lu})").ok());
  auto bad = compile_line_pattern("(unclosed");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("at offset 9"), std::string::npos) << bad.error().message;
}

}  // namespace
}  // namespace ferry
