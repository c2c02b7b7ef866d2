// The oracle of the built-in matchers' differential tests (unit test and fuzz target):
// Hyperscan running a built-in's documented expression with leftmost start of match and the
// Luhn step for cards, as ferry did before the hand-written matchers; and the matchers' side,
// both reduced to the union of their intervals.
#pragma once

#include <hs/hs.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "core/assert.hpp"
#include "core/redact/builtin_matchers.hpp"
#include "core/redact/pattern_set.hpp"

namespace ferry::testing {

inline std::vector<MatchSpan> merged(std::vector<MatchSpan> spans) {
  std::sort(spans.begin(), spans.end(),
            [](const MatchSpan& a, const MatchSpan& b) { return a.begin < b.begin; });
  std::vector<MatchSpan> out;
  for (const MatchSpan& span : spans) {
    if (!out.empty() && span.begin <= out.back().end)
      out.back().end = std::max(out.back().end, span.end);
    else
      out.push_back(span);
  }
  return out;
}

// Hyperscan with the documented expression of one built-in: the oracle.
class Reference {
 public:
  explicit Reference(const BuiltinPattern& builtin) : luhn_(builtin.luhn) {
    hs_compile_error_t* error = nullptr;
    hs_database_t* db = nullptr;
    FERRY_ASSERT(hs_compile(builtin.expression.data(), HS_FLAG_SOM_LEFTMOST, HS_MODE_BLOCK, nullptr,
                            &db, &error) == HS_SUCCESS);
    db_.reset(db);
    hs_scratch_t* scratch = nullptr;
    FERRY_ASSERT(hs_alloc_scratch(db, &scratch) == HS_SUCCESS);
    scratch_.reset(scratch);
  }

  std::vector<MatchSpan> find(const std::string& text) {
    struct Context {
      const std::string* text;
      bool luhn;
      std::vector<MatchSpan> spans;
    } context{&text, luhn_, {}};
    const auto on_match = [](unsigned, unsigned long long from, unsigned long long to, unsigned,
                             void* raw) -> int {
      auto& c = *static_cast<Context*>(raw);
      size_t begin = from;
      const size_t end = to;
      if (c.luhn) {  // later group starts, until 13..19 digits pass Luhn
        const std::string& t = *c.text;
        const auto digit = [&](size_t i) { return t[i] >= '0' && t[i] <= '9'; };
        size_t digits = 0;
        for (size_t i = begin; i < end; ++i) digits += digit(i) ? 1 : 0;
        while (!(digits >= 13 && digits <= 19 &&
                 passes_luhn(std::string_view(t).substr(begin, end - begin)))) {
          while (begin < end && digit(begin)) ++begin, --digits;
          while (begin < end && !digit(begin)) ++begin;
          if (digits < 13) return 0;
        }
      }
      c.spans.push_back(MatchSpan{begin, end});
      return 0;
    };
    FERRY_ASSERT(hs_scan(db_.get(), text.data(), static_cast<unsigned>(text.size()), 0,
                         scratch_.get(), on_match, &context) == HS_SUCCESS);
    return merged(std::move(context.spans));
  }

 private:
  struct Free {
    void operator()(hs_database_t* db) const { hs_free_database(db); }
    void operator()(hs_scratch_t* s) const { hs_free_scratch(s); }
  };
  bool luhn_;
  std::unique_ptr<hs_database_t, Free> db_;
  std::unique_ptr<hs_scratch_t, Free> scratch_;
};

inline std::vector<MatchSpan> hand(const std::string& text, uint8_t mask) {
  std::vector<MatchSpan> spans;
  find_builtin_matches(text, mask, spans);
  return merged(std::move(spans));
}

inline std::string show(const std::vector<MatchSpan>& spans) {
  std::string out;
  // Appended piece by piece: g++ 12 at -O3 reports a false -Wrestrict on "[" + std::string.
  for (const MatchSpan& s : spans) {
    out += '[';
    out += std::to_string(s.begin);
    out += ',';
    out += std::to_string(s.end);
    out += ')';
  }
  return out;
}

}  // namespace ferry::testing
