// PCRE2 (8-bit, UTF) behind RAII: compile twice (find and whole-text), JIT both, and match
// under limits so that no pattern and no record can exhaust the stack or spin for long.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "core/convert/java_regex.hpp"

#include <pcre2.h>

#include <array>

#include "core/assert.hpp"
#include "core/text.hpp"

namespace ferry {

namespace {

// Backtracking steps one match may take, its nesting depth, and its heap (KiB): far beyond
// what a sane pattern needs on a maxRecordBytes record, far below what hurts the host.
constexpr uint32_t kMatchLimit = 10'000'000;
constexpr uint32_t kDepthLimit = 100'000;
constexpr uint32_t kHeapLimitKiB = 64 * 1024;
constexpr size_t kJitStackMax = 4 << 20;

// UTF: `.` is a character, not a byte. MATCH_INVALID_UTF: a record with bad bytes still matches
// (Java sees U+FFFD there). No UCP: \w \d \s are ASCII, as java.util.regex by default.
constexpr uint32_t kCompileOptions = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;

std::string compile_error(int code, size_t offset) {
  std::array<PCRE2_UCHAR, 256> message{};
  pcre2_get_error_message(code, message.data(), message.size());
  return cat("not a regular expression ferry can run: ",
             reinterpret_cast<const char*>(message.data()), " at offset ", offset);
}

// java.util.regex's line terminators for `.` and `$`: \r, \n and \r\n (NEL, LS and PS too in
// Java; PCRE2's ANY convention would add VT and FF instead, which Java does not count).
struct CompileContext {
  CompileContext() : context(pcre2_compile_context_create(nullptr)) {
    FERRY_ASSERT(context != nullptr);
    pcre2_set_newline(context, PCRE2_NEWLINE_ANYCRLF);
  }
  ~CompileContext() { pcre2_compile_context_free(context); }
  CompileContext(const CompileContext&) = delete;
  CompileContext& operator=(const CompileContext&) = delete;
  pcre2_compile_context* context;
};

pcre2_code* compile_one(std::string_view pattern, uint32_t options, std::string& error) {
  static const CompileContext java_newlines;  // read-only once made: shared by every thread
  int code = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* compiled =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                    kCompileOptions | options, &code, &offset, java_newlines.context);
  if (compiled == nullptr) {
    error = compile_error(code, offset);
    return nullptr;
  }
  // Without JIT (an exotic CPU) the interpreter runs under the same limits.
  (void)pcre2_jit_compile(compiled, PCRE2_JIT_COMPLETE);
  return compiled;
}

}  // namespace

Result<std::shared_ptr<const JavaRegex>> JavaRegex::compile(std::string_view pattern) {
  std::shared_ptr<JavaRegex> regex(new JavaRegex());  // private constructor: no make_shared
  std::string error;
  regex->find_ = compile_one(pattern, 0, error);
  if (regex->find_ == nullptr) return make_error(error);
  regex->start_ = compile_one(pattern, PCRE2_ANCHORED, error);
  if (regex->start_ == nullptr) return make_error(error);
  regex->whole_ = compile_one(pattern, PCRE2_ANCHORED | PCRE2_ENDANCHORED, error);
  if (regex->whole_ == nullptr) return make_error(error);
  pcre2_pattern_info(regex->find_, PCRE2_INFO_CAPTURECOUNT, &regex->captures_);
  return std::shared_ptr<const JavaRegex>(std::move(regex));
}

JavaRegex::~JavaRegex() {
  pcre2_code_free(find_);
  pcre2_code_free(start_);
  pcre2_code_free(whole_);
}

struct RegexMatcher::Resources {
  pcre2_match_data* data = nullptr;
  pcre2_match_context* context = nullptr;
  pcre2_jit_stack* stack = nullptr;

  ~Resources() {
    pcre2_match_data_free(data);
    pcre2_match_context_free(context);
    pcre2_jit_stack_free(stack);
  }
};

RegexMatcher::RegexMatcher(std::shared_ptr<const JavaRegex> regex)
    : regex_(std::move(regex)), resources_(std::make_unique<Resources>()) {
  FERRY_ASSERT(regex_ != nullptr);
  resources_->data = pcre2_match_data_create_from_pattern(regex_->find_, nullptr);
  resources_->context = pcre2_match_context_create(nullptr);
  resources_->stack = pcre2_jit_stack_create(32 * 1024, kJitStackMax, nullptr);
  FERRY_ASSERT(resources_->data != nullptr && resources_->context != nullptr &&
               resources_->stack != nullptr);
  pcre2_set_match_limit(resources_->context, kMatchLimit);
  pcre2_set_depth_limit(resources_->context, kDepthLimit);
  pcre2_set_heap_limit(resources_->context, kHeapLimitKiB);
  pcre2_jit_stack_assign(resources_->context, nullptr, resources_->stack);
}

RegexMatcher::~RegexMatcher() = default;
RegexMatcher::RegexMatcher(RegexMatcher&&) noexcept = default;
RegexMatcher& RegexMatcher::operator=(RegexMatcher&&) noexcept = default;

RegexMatcher::Outcome RegexMatcher::run(const pcre2_code* code, std::string_view text,
                                        std::size_t from) {
  FERRY_ASSERT(from <= text.size());
  text_ = text;
  const int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), from, 0,
                             resources_->data, resources_->context);
  if (rc >= 0) return Outcome::match;
  if (rc == PCRE2_ERROR_NOMATCH) return Outcome::no_match;
  return Outcome::limit;  // match, depth or heap limit, JIT stack exhausted
}

RegexMatcher::Outcome RegexMatcher::matches(std::string_view text) {
  return run(regex_->whole_, text, 0);
}

RegexMatcher::Outcome RegexMatcher::looking_at(std::string_view text) {
  return run(regex_->start_, text, 0);
}

RegexMatcher::Outcome RegexMatcher::find(std::string_view text, std::size_t from) {
  return run(regex_->find_, text, from);
}

std::optional<std::string_view> RegexMatcher::group(uint32_t i) const {
  FERRY_ASSERT(i <= regex_->captures_);
  const PCRE2_SIZE* vector = pcre2_get_ovector_pointer(resources_->data);
  const PCRE2_SIZE begin = vector[2 * i], end = vector[2 * i + 1];
  if (begin == PCRE2_UNSET || end < begin) return std::nullopt;
  return text_.substr(begin, end - begin);
}

std::size_t RegexMatcher::start() const {
  return pcre2_get_ovector_pointer(resources_->data)[0];
}

std::size_t RegexMatcher::end() const {
  return pcre2_get_ovector_pointer(resources_->data)[1];
}

}  // namespace ferry
