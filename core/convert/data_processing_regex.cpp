// Java-compatible splitting and pattern compilation for the data processing options.
#include "core/convert/data_processing_regex.hpp"

#include "core/text.hpp"
#include "core/json/utf8.hpp"

namespace ferry::processing {

namespace {

constexpr std::string_view kMetaCharacters = ".$|()[]{}^?*+\\";

bool is_ascii_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// The delimiter as plain text, when the regex can only match that text: String.split's own fast
// path (one ordinary char, or a backslash and a non-alphanumeric char) or no metacharacter.
bool literal_form(std::string_view delimiter, std::string& literal) {
  if (delimiter.size() == 2 && delimiter[0] == '\\' && !is_ascii_alnum(delimiter[1]) &&
      static_cast<unsigned char>(delimiter[1]) < 0x80) {
    literal.assign(1, delimiter[1]);
    return true;
  }
  if (delimiter.find_first_of(kMetaCharacters) != std::string_view::npos) return false;
  literal.assign(delimiter);
  return true;
}

void drop_trailing_empty(std::vector<std::string_view>& pieces) {
  while (!pieces.empty() && pieces.back().empty()) pieces.pop_back();
}

}  // namespace

Result<std::shared_ptr<const JavaRegex>> compile_pattern(std::string_view pattern) {
  return JavaRegex::compile(pattern);
}

Result<JavaSplitter> JavaSplitter::create(std::string_view delimiter) {
  JavaSplitter splitter;
  if (delimiter.empty()) return make_error("must not be empty");
  if (literal_form(delimiter, splitter.literal_)) return splitter;
  auto regex = compile_pattern(delimiter);
  if (!regex) return regex.error();
  splitter.matcher_.emplace(std::move(regex).value());
  return splitter;
}

bool JavaSplitter::split(std::string_view text, std::vector<std::string_view>& pieces) {
  pieces.clear();
  if (!matcher_) {
    std::size_t begin = 0;
    for (std::size_t at = text.find(literal_); at != std::string_view::npos;
         at = text.find(literal_, begin)) {
      pieces.push_back(text.substr(begin, at - begin));
      begin = at + literal_.size();
    }
    if (pieces.empty()) {
      pieces.push_back(text);
      return true;
    }
    pieces.push_back(text.substr(begin));
    drop_trailing_empty(pieces);
    return true;
  }
  // Pattern.split over Matcher.find(): after an empty match the next search starts one
  // character later; an empty match at 0 gives no leading empty piece (Java 8+).
  std::size_t index = 0;
  std::size_t from = 0;
  while (from <= text.size()) {
    const RegexMatcher::Outcome outcome = matcher_->find(text, from);
    if (outcome == RegexMatcher::Outcome::limit) return false;
    if (outcome == RegexMatcher::Outcome::no_match) break;
    const std::size_t start = matcher_->start(), end = matcher_->end();
    if (!(index == 0 && start == 0 && end == 0)) {
      pieces.push_back(text.substr(index, start - index));
      index = end;
    }
    if (end > start) {
      from = end;
    } else if (end == text.size()) {
      break;
    } else {
      const std::size_t step = utf8_sequence_length(text, end);
      from = end + (step == 0 ? 1 : step);
    }
  }
  if (index == 0 && pieces.empty()) {
    pieces.push_back(text);
    return true;
  }
  pieces.push_back(text.substr(index));
  drop_trailing_empty(pieces);
  return true;
}

}  // namespace ferry::processing
