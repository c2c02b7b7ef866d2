// Java-compatible splitting and pattern compilation for the data processing options.
#include "core/data_processing_regex.hpp"

#include "core/text.hpp"

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

Result<std::shared_ptr<const std::regex>> compile_pattern(std::string_view pattern) {
  try {
    return std::make_shared<const std::regex>(pattern.begin(), pattern.end(),
                                              std::regex::ECMAScript);
  } catch (const std::regex_error& error) {
    return make_error(
        cat("not a regular expression ferry can run (ECMAScript syntax): ", error.what()));
  }
}

Result<JavaSplitter> JavaSplitter::create(std::string_view delimiter) {
  JavaSplitter splitter;
  if (delimiter.empty()) return make_error("must not be empty");
  if (literal_form(delimiter, splitter.literal_)) return splitter;
  auto regex = compile_pattern(delimiter);
  if (!regex) return regex.error();
  splitter.regex_ = std::move(regex).value();
  return splitter;
}

bool JavaSplitter::split(std::string_view text, std::vector<std::string_view>& pieces) const {
  pieces.clear();
  if (!regex_) {
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
  if (text.size() > kMaxRegexInputBytes) return false;
  std::size_t index = 0;
  bool matched = false;
  using Iterator = std::regex_iterator<std::string_view::const_iterator>;
  for (Iterator it(text.begin(), text.end(), *regex_), end; it != end; ++it) {
    const auto start = static_cast<std::size_t>(it->position(0));
    const auto length = static_cast<std::size_t>(it->length(0));
    if (start == 0 && length == 0) continue;  // Java 8+: no leading empty piece from an empty match
    pieces.push_back(text.substr(index, start - index));
    index = start + length;
    matched = true;
  }
  if (!matched) {
    pieces.push_back(text);
    return true;
  }
  pieces.push_back(text.substr(index));
  drop_trailing_empty(pieces);
  return true;
}

}  // namespace ferry::processing
