// The containment test: path prefixes on component boundaries, then the glob's directory
// components matched one by one against the components below the root.
#include "core/tail/symlink_policy.hpp"

namespace ferry {

bool inside_watched_directories(const PathGlob& glob, std::string_view real_root,
                                std::string_view real_path) {
  if (!is_within(real_root, real_path) || real_path.size() == real_root.size()) return false;
  std::string_view rest = real_path.substr(real_root == "/" ? 1 : real_root.size() + 1);
  // Each directory component of the glob, then at least the file's name.
  for (size_t depth = 0; depth < glob.file_depth(); ++depth) {
    const size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return false;  // a file above the watched directories
    if (!glob.matches(depth, rest.substr(0, slash))) return false;
    rest.remove_prefix(slash + 1);
  }
  return !rest.empty();
}

}  // namespace ferry
