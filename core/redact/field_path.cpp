// Parser of redaction field paths: keys separated by '.', "[*]" steps, backslash escapes.
// Runs at configuration time only, so it favours exact messages over speed.
#include "core/redact/field_path.hpp"

#include "core/text.hpp"

namespace ferry {

Result<FieldPath> parse_field_path(std::string_view text) {
  FieldPath path;
  size_t i = 0;
  // Reads one key starting at i. JSON allows the empty key, so "" is one; the configuration
  // refuses empty keys in paths separately, where they are most likely typos.
  auto read_key = [&](std::string& key) -> bool {
    key.clear();
    while (i < text.size() && text[i] != '.' && text[i] != '[') {
      if (text[i] == '\\') {
        if (i + 1 == text.size()) return false;
        const char next = text[i + 1];
        if (next != '.' && next != '[' && next != '\\') return false;
        key.push_back(next);
        i += 2;
        continue;
      }
      key.push_back(text[i++]);
    }
    return true;
  };
  PathSegment first;
  if (!read_key(first.key)) {
    return make_error(cat("invalid field path at byte ", i, ": a \\ must escape ., [ or \\"));
  }
  path.push_back(std::move(first));
  while (i < text.size()) {
    if (text[i] == '.') {
      ++i;
      PathSegment segment;
      if (!read_key(segment.key)) {
        return make_error(cat("invalid field path at byte ", i, ": a \\ must escape ., [ or \\"));
      }
      path.push_back(std::move(segment));
    } else if (text.substr(i, 3) == "[*]") {
      i += 3;
      path.push_back(PathSegment{"", true});
    } else {
      return make_error(cat("invalid field path at byte ", i, ": only [*] selects array elements"));
    }
  }
  return path;
}

std::optional<FieldPath> dotted_key_path(const FieldPath& path) {
  if (path.size() < 2) return std::nullopt;
  std::string joined;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i].any_element) return std::nullopt;
    if (i > 0) joined.push_back('.');
    joined.append(path[i].key);
  }
  return FieldPath{PathSegment{std::move(joined), false}};
}

}  // namespace ferry
