// Hyperscan block-mode scanning for pattern rules: leftmost start of match, Luhn filtering of
// card numbers in the match callback, overlapping matches merged so each secret is one span.
#include "core/pattern_set.hpp"

#include <hs/hs.h>

#include <algorithm>
#include <cstdint>

#include "core/assert.hpp"
#include "core/text.hpp"

namespace ferry {

namespace {

// \b keeps matches to whole tokens: "1234-56-7890x" is no SSN and a card number is never the
// middle of a longer digit run.
const std::vector<BuiltinPattern> kBuiltins = {
    {"us_ssn", R"(\b\d{3}-\d{2}-\d{4}\b|\b\d{3} \d{2} \d{4}\b)", false,
     R"(\d{3}[ \-]\d{2}[ \-]\d{4})"},
    {"email", R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})", false,
     R"([A-Za-z0-9._%+\-]@[A-Za-z0-9\-])"},
    {"credit_card", R"(\b\d(?:[ \-]?\d){12,18}\b)", true, R"(\d(?:[ \-]?\d){12})"},
    {"phone_e164", R"(\+[1-9]\d{6,14}\b)", false, R"(\+[1-9]\d{6})"},
};

// The Luhn checksum over the digits of `text` (separators skipped).
bool passes_luhn(std::string_view text) {
  int sum = 0;
  bool twice = false;
  for (size_t i = text.size(); i-- > 0;) {
    const char c = text[i];
    if (c < '0' || c > '9') continue;
    int digit = c - '0';
    if (twice) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    twice = !twice;
  }
  return sum % 10 == 0;
}

struct ScanContext {
  std::string_view text;
  const std::vector<bool>* luhn;
  std::vector<MatchSpan>* spans;
};

int on_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int,
             void* context) {
  auto& scan = *static_cast<ScanContext*>(context);
  FERRY_ASSERT(from <= to && to <= scan.text.size());
  size_t begin = static_cast<size_t>(from);
  const size_t end = static_cast<size_t>(to);
  if ((*scan.luhn)[id]) {
    // Hyperscan reports only the leftmost start for each end, so "5 4111 1111 1111 1111"
    // arrives as one 17-digit candidate that fails the check. Every later start after a
    // separator with 13 to 19 digits to the end is a candidate too.
    const std::string_view text = scan.text;
    const auto is_digit = [&](size_t i) { return text[i] >= '0' && text[i] <= '9'; };
    size_t digits = 0;
    for (size_t i = begin; i < end; ++i) digits += is_digit(i) ? 1 : 0;
    while (!(digits >= 13 && digits <= 19 && passes_luhn(text.substr(begin, end - begin)))) {
      while (begin < end && is_digit(begin)) ++begin, --digits;  // past this group of digits
      while (begin < end && !is_digit(begin)) ++begin;           // and its separator
      if (digits < 13) return 0;
    }
  }
  scan.spans->push_back(MatchSpan{begin, end});
  return 0;  // keep scanning: every match counts
}

}  // namespace

const std::vector<BuiltinPattern>& builtin_patterns() {
  return kBuiltins;
}

bool names_builtin(std::string_view entry) {
  return !entry.empty() &&
         entry.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string_view::npos;
}

void PatternSet::Free::operator()(hs_database* db) const {
  hs_free_database(db);
}
void PatternSet::Free::operator()(hs_scratch* scratch) const {
  hs_free_scratch(scratch);
}

PatternSet::PatternSet(PatternSet&&) noexcept = default;
PatternSet& PatternSet::operator=(PatternSet&&) noexcept = default;
PatternSet::~PatternSet() = default;

Result<PatternSet> PatternSet::compile(const std::vector<std::string>& entries) {
  FERRY_ASSERT(!entries.empty());
  std::vector<const char*> expressions, prefilters;
  std::vector<unsigned> flags, ids;
  PatternSet set;
  for (size_t i = 0; i < entries.size(); ++i) {
    const std::string& entry = entries[i];
    if (names_builtin(entry)) {
      const auto builtin = std::find_if(kBuiltins.begin(), kBuiltins.end(),
                                        [&](const BuiltinPattern& b) { return b.name == entry; });
      if (builtin == kBuiltins.end()) {
        std::string quoted;
        append_json_string(quoted, entry);
        return make_error(cat("pattern ", i, " ", quoted, ": unknown built-in",
                              " (us_ssn, email, credit_card, phone_e164; a custom regex with "
                              "only [a-z0-9_] can be written (?:...))"));
      }
      expressions.push_back(builtin->expression.data());
      prefilters.push_back(builtin->prefilter.data());
      set.luhn_.push_back(builtin->luhn);
    } else {
      expressions.push_back(entry.c_str());
      prefilters.push_back(entry.c_str());
      set.luhn_.push_back(false);
    }
    flags.push_back(HS_FLAG_SOM_LEFTMOST);
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_database_t* database = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                       static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK, nullptr, &database,
                       &error) != HS_SUCCESS) {
    const size_t index = error->expression < 0 ? 0 : static_cast<size_t>(error->expression);
    std::string reason = error->message;
    if (reason.find("empty buffer") != std::string::npos) reason = "matches the empty string";
    std::string quoted;
    append_json_string(quoted, entries[index]);
    std::string message = cat("pattern ", index, " ", quoted, ": ", reason);
    hs_free_compile_error(error);
    return make_error(std::move(message));
  }
  set.database_.reset(database);
  // Every expression compiled with start of match also compiles without it.
  for (unsigned& flag : flags) flag = HS_FLAG_SINGLEMATCH;
  hs_database_t* prefilter = nullptr;
  FERRY_ASSERT(hs_compile_multi(prefilters.data(), flags.data(), ids.data(),
                                static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK, nullptr,
                                &prefilter, &error) == HS_SUCCESS);
  set.prefilter_.reset(prefilter);
  hs_scratch_t* scratch = nullptr;  // one scratch, grown to fit both databases
  FERRY_ASSERT(hs_alloc_scratch(database, &scratch) == HS_SUCCESS);
  FERRY_ASSERT(hs_alloc_scratch(prefilter, &scratch) == HS_SUCCESS);
  set.scratch_.reset(scratch);
  return set;
}

void PatternSet::find(std::string_view text, std::vector<MatchSpan>& spans) {
  spans.clear();
  FERRY_ASSERT(text.size() <= UINT32_MAX);  // records are far smaller (maxRecordBytes)
  bool any = false;
  const auto on_any = [](unsigned, unsigned long long, unsigned long long, unsigned,
                         void* found) -> int {
    *static_cast<bool*>(found) = true;
    return 1;  // one match is enough to know
  };
  const hs_error_t first =
      hs_scan(prefilter_.get(), text.data(), static_cast<unsigned>(text.size()), 0, scratch_.get(),
              on_any, &any);
  FERRY_ASSERT(first == HS_SUCCESS || first == HS_SCAN_TERMINATED);
  if (!any) return;
  ScanContext context{text, &luhn_, &spans};
  const hs_error_t status =
      hs_scan(database_.get(), text.data(), static_cast<unsigned>(text.size()), 0, scratch_.get(),
              &on_match, &context);
  FERRY_ASSERT(status == HS_SUCCESS);  // the callback never stops the scan
  if (spans.size() < 2) return;
  std::sort(spans.begin(), spans.end(),
            [](const MatchSpan& a, const MatchSpan& b) { return a.begin < b.begin; });
  size_t merged = 0;
  for (size_t i = 1; i < spans.size(); ++i) {
    if (spans[i].begin <= spans[merged].end) {
      spans[merged].end = std::max(spans[merged].end, spans[i].end);
    } else {
      spans[++merged] = spans[i];
    }
  }
  spans.resize(merged + 1);
}

}  // namespace ferry
