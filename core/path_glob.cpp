// PathGlob: splitting a filePattern and matching directory entries against its components.
// Pure logic (fnmatch is string matching only), any thread.
#include "core/path_glob.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "core/assert.hpp"

namespace ferry {

bool has_wildcard(std::string_view component) {
  return component.find_first_of("*?") != std::string_view::npos;
}

bool PathGlob::matches(size_t depth, std::string_view name) const {
  FERRY_ASSERT(depth < components.size());
  const std::string& glob = components[depth];
  if (!has_wildcard(glob)) return name == glob;
  return ::fnmatch(glob.c_str(), std::string(name).c_str(), FNM_PERIOD) == 0;
}

bool matches_file_pattern(std::string_view pattern, std::string_view path) {
  return ::fnmatch(std::string(pattern).c_str(), std::string(path).c_str(),
                   FNM_PATHNAME | FNM_PERIOD) == 0;
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
