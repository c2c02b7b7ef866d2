// The regular expressions of dataProcessingOptions: CSVTOJSON's `delimiter` (Java String.split
// semantics) and LOGTOJSON's `matchPattern` (Matcher.matches). Java's regex dialect is run by
// PCRE2 (core/convert/java_regex.hpp), compiled once per worker; the common delimiters take a literal
// fast path.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/convert/java_regex.hpp"
#include "core/result.hpp"

namespace ferry::processing {

// A pattern as ferry runs it; the error says why PCRE2 refused it.
Result<std::shared_ptr<const JavaRegex>> compile_pattern(std::string_view pattern);

// One worker's splitter (its regex matcher holds per-thread match resources).
class JavaSplitter {
 public:
  static Result<JavaSplitter> create(std::string_view delimiter);

  // text.split(delimiter): no match gives {text}; otherwise the pieces between matches with the
  // trailing empty ones removed. Views into `text`. False if the delimiter's pattern hit its
  // match limit on this text (the record is refused, not split wrongly).
  bool split(std::string_view text, std::vector<std::string_view>& pieces);

 private:
  std::string literal_;                  // the delimiter, when it is plain text
  std::optional<RegexMatcher> matcher_;  // otherwise
};

}  // namespace ferry::processing
