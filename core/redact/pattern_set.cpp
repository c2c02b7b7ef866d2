// Hyperscan block-mode scanning for pattern rules: leftmost start of match, Luhn filtering of
// card numbers in the match callback, overlapping matches merged so each secret is one span.
#include "core/redact/pattern_set.hpp"

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
    {"us_ssn", R"(\b\d{3}-\d{2}-\d{4}\b|\b\d{3} \d{2} \d{4}\b)", false, kUsSsn},
    {"email", R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})", false,
     kEmail},
    {"credit_card", R"(\b\d(?:[ \-]?\d){12,18}\b)", true, kCreditCard},
    {"phone_e164", R"(\+[1-9]\d{6,14}\b)", false, kPhoneE164},
};

struct ScanContext {
  std::string_view text;
  std::vector<MatchSpan>* spans;
};

int on_match(unsigned int, unsigned long long from, unsigned long long to, unsigned int,
             void* context) {
  auto& scan = *static_cast<ScanContext*>(context);
  FERRY_ASSERT(from <= to && to <= scan.text.size());
  scan.spans->push_back(MatchSpan{static_cast<size_t>(from), static_cast<size_t>(to)});
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
  std::vector<const char*> expressions;  // the custom ones
  std::vector<size_t> entry_of;          // by expression: its index in `entries`
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
      set.builtins_ |= builtin->bit;
    } else {
      expressions.push_back(entry.c_str());
      entry_of.push_back(i);
    }
  }
  if (expressions.empty()) return set;
  std::vector<unsigned> flags(expressions.size(), HS_FLAG_SOM_LEFTMOST);
  std::vector<unsigned> ids(expressions.size());
  for (size_t e = 0; e < ids.size(); ++e) ids[e] = static_cast<unsigned>(e);
  hs_database_t* database = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                       static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK, nullptr, &database,
                       &error) != HS_SUCCESS) {
    const size_t index =
        entry_of[error->expression < 0 ? 0 : static_cast<size_t>(error->expression)];
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
  FERRY_ASSERT(hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                                static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK, nullptr,
                                &prefilter, &error) == HS_SUCCESS);
  set.prefilter_.reset(prefilter);
  hs_scratch_t* scratch = nullptr;  // one scratch, grown to fit both databases
  FERRY_ASSERT(hs_alloc_scratch(database, &scratch) == HS_SUCCESS);
  FERRY_ASSERT(hs_alloc_scratch(prefilter, &scratch) == HS_SUCCESS);
  set.scratch_.reset(scratch);
  return set;
}

void PatternSet::find(std::string_view text, std::vector<MatchSpan>& spans, uint8_t possible,
                      const byte_blocks::TextBits* bits) {
  spans.clear();
  FERRY_ASSERT(text.size() <= UINT32_MAX);  // records are far smaller (maxRecordBytes)
  FERRY_ASSERT(bits == nullptr || possible != kAnyBuiltin);
  if (possible != kAnyBuiltin) {
    find_possible_builtin_matches(text, static_cast<uint8_t>(builtins_ & possible), spans, bits);
  } else if (builtins_ != 0) {
    find_builtin_matches(text, builtins_, spans);
  }
  if (database_) find_custom(text, spans);
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

void PatternSet::find_custom(std::string_view text, std::vector<MatchSpan>& spans) {
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
  ScanContext context{text, &spans};
  const hs_error_t status =
      hs_scan(database_.get(), text.data(), static_cast<unsigned>(text.size()), 0, scratch_.get(),
              &on_match, &context);
  FERRY_ASSERT(status == HS_SUCCESS);  // the callback never stops the scan
}

}  // namespace ferry
