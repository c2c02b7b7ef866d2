// PathGlob: a flow's filePattern split into the wildcard-free directory it starts from and the
// glob components below it (directories, then the file name). Pure logic, any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ferry {

struct PathGlob {
  std::string root;                     // absolute, no wildcards; "/" possible
  std::vector<std::string> components;  // below root; the last one names files, never empty
  // Each component with its {a,b} groups expanded (the Kinesis Agent's Java NIO globs): a name
  // matches the component when it matches one of these (fnmatch: * ? [...] [!...]).
  std::vector<std::vector<std::string>> alternatives;

  // Directories at depth d (root: 0) hold files when d == file_depth(), else subdirectories.
  size_t file_depth() const { return components.size() - 1; }
  // Does `name`, an entry of a directory at `depth`, match the component below it?
  bool matches(size_t depth, std::string_view name) const;
};

// `pattern` is absolute and names files (validated by the configuration: check_glob_braces).
// `*`, `?`, classes `[a-z]` `[!0-9]` and groups `{log,txt}` may occur in any component; a
// leading dot is matched only by a leading dot (as the shell does).
PathGlob parse_path_glob(std::string_view pattern);

bool has_wildcard(std::string_view component);

// "" when every {...} group of `pattern` is closed, not nested and within one path component;
// otherwise what is wrong with them.
std::string check_glob_braces(std::string_view pattern);

// `component` with its {a,b} groups expanded, in order ("x.{a,b}" -> "x.a", "x.b"); at most
// kMaxGlobAlternatives of them.
inline constexpr size_t kMaxGlobAlternatives = 256;
std::vector<std::string> expand_braces(std::string_view component);

// Does the absolute `path` name a file that `pattern` matches (every component, as a PathGlob
// matches them one by one)?
bool matches_file_pattern(std::string_view pattern, std::string_view path);

// Compressed files (rotated logs after `compress`) are never tailed: .gz .bz2 .zip .zst .xz and
// friends, case-insensitive.
bool is_compressed_name(std::string_view name);

// Is `dir` (absolute, no trailing slash but "/") `path` itself or one of its ancestors?
bool is_within(std::string_view dir, std::string_view path);

// The path of `name` inside directory `dir` ("/" has no trailing slash added twice).
std::string join_path(std::string_view dir, std::string_view name);

}  // namespace ferry
