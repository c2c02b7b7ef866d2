// PathGlob: splitting a filePattern and matching directory entries against its components.
// Pure logic (fnmatch is string matching only), any thread.
#include "core/tail/path_glob.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "core/assert.hpp"

namespace ferry {

bool has_wildcard(std::string_view component) {
  return component.find_first_of("*?[{") != std::string_view::npos;
}

std::string check_glob_braces(std::string_view pattern) {
  size_t open = std::string_view::npos;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      ++i;  // an escaped character is literal
    } else if (c == '{') {
      if (open != std::string_view::npos) return "a {...} group inside another is not supported";
      open = i;
    } else if (c == '}') {
      if (open == std::string_view::npos) return "a } closes no {...} group";
      open = std::string_view::npos;
    } else if (c == '/' && open != std::string_view::npos) {
      return "a {...} group must stay within one path component (no / inside)";
    }
  }
  if (open != std::string_view::npos) return "a {...} group is not closed";
  if (expand_braces(pattern.substr(pattern.rfind('/') + 1)).size() > kMaxGlobAlternatives)
    return "more than 256 alternatives";
  return {};
}

std::vector<std::string> expand_braces(std::string_view component) {
  std::vector<std::string> out{std::string()};
  for (size_t i = 0; i < component.size(); ++i) {
    const char c = component[i];
    if (c == '\\' && i + 1 < component.size()) {
      for (std::string& alternative : out) alternative.append(component.substr(i, 2));
      ++i;
      continue;
    }
    const size_t close = c == '{' ? component.find('}', i) : std::string_view::npos;
    if (close == std::string_view::npos) {
      for (std::string& alternative : out) alternative.push_back(c);
      continue;
    }
    // One group: every alternative so far, followed by each of its choices.
    std::vector<std::string> choices;
    std::string_view group = component.substr(i + 1, close - i - 1);
    for (size_t start = 0;;) {
      const size_t comma = group.find(',', start);
      choices.emplace_back(group.substr(start, comma - start));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    std::vector<std::string> next;
    for (const std::string& prefix : out)
      for (const std::string& choice : choices)
        if (next.size() <= kMaxGlobAlternatives) next.push_back(prefix + choice);
    out = std::move(next);
    i = close;
  }
  return out;
}

bool PathGlob::matches(size_t depth, std::string_view name) const {
  FERRY_ASSERT(depth < components.size() && depth < alternatives.size());
  const std::string& glob = components[depth];
  if (!has_wildcard(glob)) return name == glob;
  const std::string text(name);
  return std::any_of(alternatives[depth].begin(), alternatives[depth].end(),
                     [&](const std::string& alternative) {
                       return ::fnmatch(alternative.c_str(), text.c_str(), FNM_PERIOD) == 0;
                     });
}

bool is_within(std::string_view dir, std::string_view path) {
  if (dir == "/") return path.starts_with('/');
  if (!path.starts_with(dir)) return false;
  return path.size() == dir.size() || path[dir.size()] == '/';
}

bool matches_file_pattern(std::string_view pattern, std::string_view path) {
  const PathGlob glob = parse_path_glob(pattern);
  if (!is_within(glob.root, path) || path.size() == glob.root.size()) return false;
  std::string_view rest = path.substr(glob.root == "/" ? 1 : glob.root.size() + 1);
  for (size_t depth = 0; depth < glob.components.size(); ++depth) {
    const size_t slash = rest.find('/');
    const bool last = depth + 1 == glob.components.size();
    if (last != (slash == std::string_view::npos)) return false;
    if (!glob.matches(depth, rest.substr(0, slash))) return false;
    if (!last) rest.remove_prefix(slash + 1);
  }
  return true;
}

PathGlob parse_path_glob(std::string_view pattern) {
  FERRY_ASSERT(!pattern.empty() && pattern.front() == '/');
  std::vector<std::string> parts;
  size_t at = 1;
  while (at <= pattern.size()) {
    size_t slash = pattern.find('/', at);
    if (slash == std::string_view::npos) slash = pattern.size();
    if (slash > at) parts.emplace_back(pattern.substr(at, slash - at));
    at = slash + 1;
  }
  FERRY_ASSERT(!parts.empty());
  PathGlob glob;
  glob.root.push_back('/');  // (operator= of a literal trips g++ 12 -Wrestrict)
  size_t first_glob = 0;
  // The root takes every leading component without wildcards, except the file name itself.
  while (first_glob + 1 < parts.size() && !has_wildcard(parts[first_glob])) {
    if (glob.root.size() > 1) glob.root += '/';
    glob.root += parts[first_glob];
    ++first_glob;
  }
  glob.components.assign(parts.begin() + static_cast<std::ptrdiff_t>(first_glob), parts.end());
  for (const std::string& component : glob.components)
    glob.alternatives.push_back(expand_braces(component));
  return glob;
}

bool is_compressed_name(std::string_view name) {
  static constexpr std::array<std::string_view, 16> kSuffixes = {
      ".gz", ".bz2", ".zip", ".zst",  ".xz",  ".lz4", ".lz", ".lzma",
      ".7z", ".tgz", ".tbz", ".tbz2", ".txz", ".br",  ".Z",  ".sz"};
  auto ends_with = [&](std::string_view suffix) {
    if (name.size() < suffix.size()) return false;
    const std::string_view tail = name.substr(name.size() - suffix.size());
    if (suffix == ".Z") return tail == suffix;  // .z is not compress(1)
    return std::equal(tail.begin(), tail.end(), suffix.begin(), [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) == b;
    });
  };
  return std::any_of(kSuffixes.begin(), kSuffixes.end(), ends_with);
}

std::string join_path(std::string_view dir, std::string_view name) {
  const bool slash = dir.empty() || dir.back() != '/';
  std::string out;
  out.reserve(dir.size() + name.size() + 1);
  out += dir;
  if (slash) out += '/';
  out += name;
  return out;
}

}  // namespace ferry
