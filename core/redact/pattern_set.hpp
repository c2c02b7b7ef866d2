// PatternSet: a rule's `patterns`: built-in names, found by the hand-written matchers of
// core/redact/builtin_matchers.hpp, and custom regular expressions, compiled once into one
// Hyperscan database; finds every match in a text. One per worker (owns its scratch).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/redact/builtin_matchers.hpp"
#include "core/result.hpp"

struct hs_database;
struct hs_scratch;

namespace ferry {

// The built-in patterns: name, the expression their matcher implements (Hyperscan syntax; the
// differential tests compile it), whether a match must pass the Luhn check, and the matcher's
// bit. docs/redaction.md lists the same table.
struct BuiltinPattern {
  std::string_view name;
  std::string_view expression;
  bool luhn;
  BuiltinMask bit;
};
const std::vector<BuiltinPattern>& builtin_patterns();

// A `patterns` entry made only of [a-z0-9_] names a built-in (and is an error otherwise: a
// misspelt name must not silently become a regex matching that word); anything else is a regex.
bool names_builtin(std::string_view entry);

class PatternSet {
 public:
  // Compiles `entries`; the error names the entry (by index) and Hyperscan's reason.
  static Result<PatternSet> compile(const std::vector<std::string>& entries);

  PatternSet(PatternSet&&) noexcept;
  PatternSet& operator=(PatternSet&&) noexcept;
  ~PatternSet();

  // Replaces `spans` by the matches in `text`, merged where they overlap or touch, in order.
  // `possible`: the built-ins that can match in `text` when the caller knows (from
  // possible_builtins); kAnyBuiltin looks for itself. `bits`: the text's text_bits, when the
  // caller has them (with `possible`).
  static constexpr uint8_t kAnyBuiltin = 0xFF;
  void find(std::string_view text, std::vector<MatchSpan>& spans, uint8_t possible = kAnyBuiltin,
            const byte_blocks::TextBits* bits = nullptr);
  // Whether every entry is a built-in (no regex): then a match starts at a digit, '@' or '+'.
  bool builtins_only() const { return !database_; }

 private:
  PatternSet() = default;
  void find_custom(std::string_view text, std::vector<MatchSpan>& spans);
  struct Free {
    void operator()(hs_database* db) const;
    void operator()(hs_scratch* scratch) const;
  };
  uint8_t builtins_ = 0;  // BuiltinMask bits
  // Custom expressions only (none: null). The same expressions without start-of-match
  // tracking are a cheap first pass that says whether a text has any match at all.
  std::unique_ptr<hs_database, Free> prefilter_;
  std::unique_ptr<hs_database, Free> database_;
  std::unique_ptr<hs_scratch, Free> scratch_;
};

}  // namespace ferry
