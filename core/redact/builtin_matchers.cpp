// One pass over a text for the built-in patterns. Each matcher below states the expression it
// implements and why its intervals cover exactly that expression's matches. Word characters
// (for \b) are [A-Za-z0-9_], as in Hyperscan without UTF-8 mode; every other byte is not.
#include "core/redact/builtin_matchers.hpp"

#include <array>

#include "core/assert.hpp"
#include "core/json/byte_blocks.hpp"

namespace ferry {

namespace {

enum Class : uint8_t {
  kDigit = 1,
  kAlpha = 2,
  kWord = 4,     // [A-Za-z0-9_]
  kLocal = 8,    // [A-Za-z0-9._%+-]: an e-mail's local part
  kDomain = 16,  // [A-Za-z0-9-]: an e-mail's domain label
  kStart = 32,   // where a matcher may begin: a digit, '@' or '+'
};

constexpr std::array<uint8_t, 256> make_classes() {
  std::array<uint8_t, 256> classes{};
  for (int c = 0; c < 256; ++c) {
    const bool digit = c >= '0' && c <= '9';
    const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    uint8_t bits = 0;
    if (digit) bits |= kDigit | kWord | kLocal | kDomain | kStart;
    if (alpha) bits |= kAlpha | kWord | kLocal | kDomain;
    if (c == '_') bits |= kWord;
    if (c == '.' || c == '_' || c == '%' || c == '+' || c == '-') bits |= kLocal;
    if (c == '-') bits |= kDomain;
    if (c == '@' || c == '+') bits |= kStart;
    classes[static_cast<size_t>(c)] = bits;
  }
  return classes;
}

constexpr std::array<uint8_t, 256> kClasses = make_classes();

class Text {
 public:
  explicit Text(std::string_view text) : text_(text) {}
  size_t size() const { return text_.size(); }
  char at(size_t i) const { return text_[i]; }
  bool is(size_t i, uint8_t bits) const {
    return i < text_.size() && (kClasses[static_cast<unsigned char>(text_[i])] & bits) != 0;
  }
  // \b between i - 1 and i, where one side is known to be a word character.
  bool word_before(size_t i) const { return i > 0 && is(i - 1, kWord); }
  bool word_at(size_t i) const { return is(i, kWord); }
  bool separator(size_t i) const { return i < text_.size() && byte_blocks::is_separator(text_[i]); }
  size_t digits_from(size_t i) const {
    size_t j = i;
    while (is(j, kDigit)) ++j;
    return j;
  }
  std::string_view slice(size_t begin, size_t end) const {
    return text_.substr(begin, end - begin);
  }

 private:
  std::string_view text_;
};

// us_ssn: \b\d{3}-\d{2}-\d{4}\b|\b\d{3} \d{2} \d{4}\b. Fixed length 11. The leading \b puts the
// start at a digit run start with a non-word byte before it; the separator after three digits
// makes that run exactly three long. `run_end` is the end of the digit run at `start`.
void match_ssn(const Text& t, size_t start, size_t run_end, std::vector<MatchSpan>& spans) {
  if (run_end - start != 3 || t.word_before(start) || !t.separator(run_end)) return;
  const size_t p = run_end;
  if (!t.is(p + 1, kDigit) || !t.is(p + 2, kDigit) || p + 3 >= t.size() || t.at(p + 3) != t.at(p))
    return;
  for (size_t k = p + 4; k < p + 8; ++k)
    if (!t.is(k, kDigit)) return;
  if (t.word_at(p + 8)) return;  // trailing \b: nothing word-like after the four digits
  spans.push_back(MatchSpan{start, p + 8});
}

// credit_card: \b\d(?:[ \-]?\d){12,18}\b, then Luhn. A card run is digit groups joined by
// single separators. A match starts at a group start with a non-word byte before it and ends
// at a group end with a non-word byte (or the end) after it, holding 13 to 19 digits. For each
// end, Hyperscan reports the leftmost start and the Luhn step then tries later group starts
// until one passes; the union of those intervals is what this adds, per end group.
void match_cards(const Text& t, size_t first, std::vector<MatchSpan>& spans) {
  // Most digit runs (times, ids, counters) hold fewer than 13 digits, and a lone run of more
  // than 19 (an id) has no boundary inside: count first.
  size_t total = 0;
  bool lone = true;
  for (size_t at = first;;) {
    const size_t end = t.digits_from(at);
    total += end - at;
    if (!t.separator(end) || !t.is(end + 1, kDigit)) break;
    lone = false;
    if (total >= 13) break;
    at = end + 1;
  }
  if (total < 13 || (lone && total > 19)) return;
  struct Group {
    size_t begin, end;
  };
  std::array<Group, 20> groups;  // a match spans at most 19 groups; longer runs are cut
  size_t count = 0;
  size_t begin = first;
  for (;;) {
    const size_t end = t.digits_from(begin);
    if (count == groups.size()) {  // keep the last 19 groups: enough for any match ending later
      for (size_t g = 1; g < groups.size(); ++g) groups[g - 1] = groups[g];
      --count;
    }
    groups[count++] = Group{begin, end};
    // Ends: a group followed by a non-word byte. Starts: a group after a separator, or the
    // run's first group if no word byte precedes it.
    if (!t.word_at(end)) {
      const size_t last = count - 1;
      size_t digits = 0;
      size_t a = last + 1;
      while (a > 0 && digits + (groups[a - 1].end - groups[a - 1].begin) <= 19) {
        --a;
        digits += groups[a].end - groups[a].begin;
      }
      // `a` is the leftmost group keeping at most 19 digits; walk right to a valid start.
      for (; a <= last; ++a) {
        size_t in_match = 0;
        for (size_t g = a; g <= last; ++g) in_match += groups[g].end - groups[g].begin;
        if (in_match < 13) break;
        const bool valid_start = groups[a].begin != first || !t.word_before(first);
        if (valid_start && passes_luhn(t.slice(groups[a].begin, end))) {
          spans.push_back(MatchSpan{groups[a].begin, end});
          break;
        }
      }
    }
    if (!t.separator(end) || !t.is(end + 1, kDigit)) return;
    begin = end + 1;
  }
}

// phone_e164: \+[1-9]\d{6,14}\b. The trailing \b cannot fall inside a digit run, so the only
// end is the end of the run after '+', which must hold 7 to 15 digits, the first not 0.
void match_phone(const Text& t, size_t plus, std::vector<MatchSpan>& spans) {
  if (!t.is(plus + 1, kDigit) || t.at(plus + 1) == '0') return;
  const size_t end = t.digits_from(plus + 1);
  const size_t digits = end - plus - 1;
  if (digits < 7 || digits > 15 || t.word_at(end)) return;
  spans.push_back(MatchSpan{plus, end});
}

// email: [A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}. Neither part
// can hold '@', so every match has one '@'. The leftmost start is the longest local-part run
// before it; the ends are inside a label after the first, two or more letters into that
// label's leading letters, with no empty label before: the union is [start, farthest end).
void match_email(const Text& t, size_t at, std::vector<MatchSpan>& spans) {
  size_t start = at;
  while (start > 0 && t.is(start - 1, kLocal)) --start;
  if (start == at) return;
  size_t farthest = 0;
  size_t cursor = at + 1;
  for (size_t label = 0;; ++label) {
    const size_t label_begin = cursor;
    while (t.is(cursor, kAlpha)) ++cursor;  // its leading letters first (domain bytes too)
    const size_t letters = cursor;
    while (t.is(cursor, kDomain)) ++cursor;
    if (cursor == label_begin) break;  // an empty label ends every match
    if (label > 0 && letters - label_begin >= 2) farthest = letters;
    if (cursor >= t.size() || t.at(cursor) != '.') break;
    ++cursor;
  }
  if (farthest != 0) spans.push_back(MatchSpan{start, farthest});
}

// The number of set bits (no popcnt instruction in the baseline x86-64 target).
unsigned count_bits(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555);
  x = (x & 0x3333333333333333) + ((x >> 2) & 0x3333333333333333);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0F;
  return static_cast<unsigned>((x * 0x0101010101010101) >> 56);
}

// possible_builtins for texts over 64 bytes: an e-mail needs '@', a phone '+', and a us_ssn
// (11 bytes) or credit_card (13 or more) a run of at least 11 bytes of [0-9 -].
uint8_t possible_builtins_long(std::string_view text, uint8_t mask) {
  constexpr size_t kBlock = byte_blocks::kSize;
  constexpr unsigned kRun = 11;
  uint8_t possible = 0;
  unsigned carry = 0;  // [0-9 -] bytes ending the previous block
  for (size_t i = 0; i < text.size(); i += kBlock) {
    const byte_blocks::PatternBytes bytes = byte_blocks::pattern_bytes_at(text, i);
    if (bytes.at != 0) possible |= kEmail;
    if (bytes.plus != 0) possible |= kPhoneE164;
    const unsigned m = bytes.digit | bytes.separator;
    const unsigned leading = static_cast<unsigned>(__builtin_ctz(~m));
    if (byte_blocks::runs_of(m, kRun) != 0 || carry + leading >= kRun)
      possible |= kUsSsn | kCreditCard;
    const unsigned full = (1u << kBlock) - 1;
    carry =
        m == full ? carry + kBlock : static_cast<unsigned>(__builtin_clz(~(m << (32 - kBlock))));
    if ((possible & mask) == mask) break;
  }
  return static_cast<uint8_t>(possible & mask);
}

// The matches that start at `i` (a digit run's start, '@' or '+'); returns where to look next.
size_t match_at(const Text& t, size_t i, uint8_t mask, std::vector<MatchSpan>& spans) {
  const char c = t.at(i);
  if (c == '@') {
    if (mask & kEmail) match_email(t, i, spans);
    return i + 1;
  }
  if (c == '+') {
    if (mask & kPhoneE164) match_phone(t, i, spans);
    return i + 1;
  }
  const size_t run_end = t.digits_from(i);
  // A run inside a word with no separator after it (as in hex ids) starts no us_ssn (\b
  // before) and joins no card run, nor starts one (\b before its first digit).
  if (t.word_before(i) && !t.separator(run_end)) return run_end;
  if (mask & kUsSsn) match_ssn(t, i, run_end, spans);
  const bool continues_a_card_run = i >= 2 && t.separator(i - 1) && t.is(i - 2, kDigit);
  if ((mask & kCreditCard) && !continues_a_card_run) match_cards(t, i, spans);
  return run_end;
}

}  // namespace

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

// The digit built-ins (us_ssn, credit_card) that can match in a text of at most 64 bytes.
// A us_ssn match has the shape ddd?dd?dddd (? a separator). A credit_card match has 13 to 19
// digits in a run of [0-9 -] bytes; if that run is only digits, the match is the whole run, with
// no word byte on either side. Ids (long digit runs, hex) and times are ruled out here.
uint8_t possible_digit_builtins(std::string_view text, const byte_blocks::TextBits& bytes) {
  FERRY_ASSERT(text.size() <= byte_blocks::TextBits::kMaxSize);
  using byte_blocks::runs_of;
  const Text t(text);
  const uint64_t d = bytes.digit, s = bytes.separator;
  const uint64_t m = d | s;
  const uint64_t runs11 = runs_of(m, 11);  // both need 11 bytes of [0-9 -] in a row
  if (runs11 == 0) return 0;
  uint8_t possible = 0;
  if ((d & d >> 1 & d >> 2 & s >> 3 & d >> 4 & d >> 5 & s >> 6 & d >> 7 & d >> 8 & d >> 9 &
       d >> 10) != 0)
    possible |= kUsSsn;
  const uint64_t run_starts = m & ~(m << 1);
  for (uint64_t long_runs = runs11 & (runs11 >> 2) & run_starts; long_runs != 0;
       long_runs &= long_runs - 1) {
    const unsigned begin = static_cast<unsigned>(__builtin_ctzll(long_runs));
    const uint64_t after = ~(m >> begin);  // zero only if the run reaches bit 63 from bit 0
    const unsigned length = after == 0 ? 64 : static_cast<unsigned>(__builtin_ctzll(after));
    const uint64_t run = (length == 64 ? ~uint64_t{0} : (uint64_t{1} << length) - 1) << begin;
    if (count_bits(run & d) < 13) continue;
    if ((run & s) != 0 || (length <= 19 && !t.word_before(begin) && !t.word_at(begin + length))) {
      possible |= kCreditCard;
      break;
    }
  }
  return possible;
}

void find_builtin_matches(std::string_view text, uint8_t mask, std::vector<MatchSpan>& spans) {
  if (text.size() > byte_blocks::TextBits::kMaxSize) {
    find_possible_builtin_matches(text, possible_builtins_long(text, mask), spans);
    return;
  }
  const byte_blocks::TextBits bits = byte_blocks::text_bits(text);
  find_possible_builtin_matches(text, possible_builtins(text, bits, mask), spans, &bits);
}

void find_possible_builtin_matches(std::string_view text, uint8_t mask,
                                   std::vector<MatchSpan>& spans,
                                   const byte_blocks::TextBits* bits) {
  if (mask == 0) return;
  const Text t(text);
  if (bits != nullptr) {
    // The bits name every start: no need to look for them.
    FERRY_ASSERT(text.size() <= byte_blocks::TextBits::kMaxSize);
    uint64_t starts = 0;
    if (mask & kEmail) starts |= bits->at;
    if (mask & kPhoneE164) starts |= bits->plus;
    if (mask & (kUsSsn | kCreditCard)) starts |= bits->digit & ~(bits->digit << 1);  // run starts
    for (; starts != 0; starts &= starts - 1)
      match_at(t, static_cast<size_t>(__builtin_ctzll(starts)), mask, spans);
    return;
  }
  const size_t n = text.size();
  for (size_t i = 0;;) {
    i = byte_blocks::next_pattern_start(text.data(), n, i);
    if (i >= n) break;
    i = match_at(t, i, mask, spans);
  }
}

}  // namespace ferry
