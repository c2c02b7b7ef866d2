// The Kinesis Agent's regular expressions (LOGTOJSON's matchPattern, CSVTOJSON's delimiter) are
// java.util.regex patterns. PCRE2 reads the same dialect (named groups, lookbehind, possessive
// quantifiers, \p{...}, inline flags) and, unlike std::regex, runs in bounded stack and time:
// JIT-compiled, with a match limit, a depth limit and a heap limit. A pattern that hits a limit
// on some record is a refusal for that record, never a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "core/result.hpp"

// PCRE2's types, kept out of every includer.
struct pcre2_real_code_8;
struct pcre2_real_match_data_8;
struct pcre2_real_match_context_8;
struct pcre2_real_jit_stack_8;

namespace ferry {

// A compiled pattern: immutable, shared by every thread's matcher.
class JavaRegex {
 public:
  // The error names what PCRE2 refused and where, e.g. "missing closing parenthesis at 4".
  static Result<std::shared_ptr<const JavaRegex>> compile(std::string_view pattern);
  ~JavaRegex();
  JavaRegex(const JavaRegex&) = delete;
  JavaRegex& operator=(const JavaRegex&) = delete;

  uint32_t capture_count() const { return captures_; }

 private:
  friend class RegexMatcher;
  JavaRegex() = default;
  pcre2_real_code_8* find_ = nullptr;   // unanchored: Matcher.find()
  pcre2_real_code_8* start_ = nullptr;  // anchored at the start: Matcher.lookingAt()
  pcre2_real_code_8* whole_ = nullptr;  // anchored at both ends: Matcher.matches()
  uint32_t captures_ = 0;
};

// One thread's use of a pattern: its match data, match limits and JIT stack.
class RegexMatcher {
 public:
  enum class Outcome { match, no_match, limit };

  explicit RegexMatcher(std::shared_ptr<const JavaRegex> regex);
  ~RegexMatcher();
  RegexMatcher(RegexMatcher&&) noexcept;
  RegexMatcher& operator=(RegexMatcher&&) noexcept;

  // Matcher.matches(): the whole text.
  Outcome matches(std::string_view text);
  // Matcher.lookingAt(): a match that starts where the text does.
  Outcome looking_at(std::string_view text);
  // Matcher.find() from `from`: the first match starting at or after it.
  Outcome find(std::string_view text, std::size_t from);

  // After a match: group `i` (0: the whole match) as a view into the text, nullopt if the group
  // took no part in the match.
  std::optional<std::string_view> group(uint32_t i) const;
  std::size_t start() const;  // of group 0
  std::size_t end() const;

 private:
  struct Resources;
  Outcome run(const pcre2_real_code_8* code, std::string_view text, std::size_t from);

  std::shared_ptr<const JavaRegex> regex_;
  std::unique_ptr<Resources> resources_;
  std::string_view text_;
};

}  // namespace ferry
