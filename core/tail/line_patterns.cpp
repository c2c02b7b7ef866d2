// lookingAt and trimmed matches() over PCRE2, for the tailer's per-line patterns.
#include "core/tail/line_patterns.hpp"

#include "core/convert/data_processing_text.hpp"

namespace ferry {

Result<std::shared_ptr<const JavaRegex>> compile_line_pattern(std::string_view pattern) {
  return JavaRegex::compile(pattern);
}

bool starts_record(RegexMatcher& pattern, std::string_view line) {
  return pattern.looking_at(line) == RegexMatcher::Outcome::match;
}

bool is_file_footer(RegexMatcher& pattern, std::string_view record) {
  return pattern.matches(processing::java_trim(record)) == RegexMatcher::Outcome::match;
}

}  // namespace ferry
