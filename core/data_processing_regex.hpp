// The regular expressions of dataProcessingOptions: CSVTOJSON's `delimiter` (Java String.split
// semantics) and LOGTOJSON's `matchPattern` (Matcher.matches). Java's regex dialect is run as
// ECMAScript std::regex, compiled once per flow; the common delimiters take a literal fast path.
#pragma once

#include <cstddef>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace ferry::processing {

// std::regex recurses per input byte: longer records are refused instead of risking the stack.
inline constexpr std::size_t kMaxRegexInputBytes = 16 * 1024;

using ViewMatch = std::match_results<std::string_view::const_iterator>;

// A pattern as ferry runs it; the error says why std::regex refused it.
Result<std::shared_ptr<const std::regex>> compile_pattern(std::string_view pattern);

class JavaSplitter {
 public:
  static Result<JavaSplitter> create(std::string_view delimiter);

  // text.split(delimiter): no match gives {text}; otherwise the pieces between matches with the
  // trailing empty ones removed. Views into `text`. False if the regex path refused the text
  // (longer than kMaxRegexInputBytes).
  bool split(std::string_view text, std::vector<std::string_view>& pieces) const;

 private:
  std::string literal_;                      // the delimiter, when it is plain text
  std::shared_ptr<const std::regex> regex_;  // otherwise
};

}  // namespace ferry::processing
