// multiLineStartPattern: the regular expression (Hyperscan, PCRE syntax: Java's usual patterns
// such as ^\d{4}-\d{2} read the same) that marks the first line of a multi-line record. The
// configuration validates it, the reactor matches each line with it. Owned by one thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/pattern_set.hpp"
#include "core/text.hpp"

namespace ferry {

// Always a custom expression, even when it is a plain word that would name a built-in.
inline Result<PatternSet> compile_start_pattern(std::string_view pattern) {
  return PatternSet::compile({cat("(?:", pattern, ")")});
}

// Does `line` match (anywhere, unless anchored with ^)? `spans` is scratch space.
inline bool starts_record(PatternSet& pattern, std::string_view line,
                          std::vector<MatchSpan>& spans) {
  pattern.find(line, spans);
  return !spans.empty();
}

}  // namespace ferry
