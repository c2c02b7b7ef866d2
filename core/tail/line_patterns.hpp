// The Kinesis Agent's per-line patterns, with its semantics (java.util.regex, run by PCRE2):
// multiLineStartPattern marks the first line of a record (RegexSplitter: Matcher.lookingAt() on
// each line), fileFooterPattern marks the end of a file's records (Matcher.matches() on the
// trimmed record). The configuration validates them; the reactor runs them, one matcher per flow.
#pragma once

#include <memory>
#include <string_view>

#include "core/convert/java_regex.hpp"
#include "core/result.hpp"

namespace ferry {

// The error says why PCRE2 refused the pattern (and where).
Result<std::shared_ptr<const JavaRegex>> compile_line_pattern(std::string_view pattern);

// multiLineStartPattern: does `line` (without its newline) start a record? A line on which the
// pattern reaches its match limit does not.
bool starts_record(RegexMatcher& pattern, std::string_view line);

// fileFooterPattern: is `record`, trimmed as Java's String.trim() does (bytes up to 0x20 off both
// ends), matched as a whole?
bool is_file_footer(RegexMatcher& pattern, std::string_view record);

}  // namespace ferry
