// Where a flow may read through a symbolic link. ferry runs as root beside other users' files:
// a link in a watched directory to /etc/shadow must not ship /etc/shadow. By default a file
// reached through a link is read only when its real location lies inside a directory the flow's
// filePattern covers; "followSymlinks": true reads any target (the Kinesis Agent's behaviour).
#pragma once

#include <string_view>

#include "core/tail/path_glob.hpp"

namespace ferry {

// Does `real_path` (absolute, canonical: no link, no `.` or `..`) lie inside a directory the
// flow watches: below `real_root` (the canonical form of glob.root), in a directory whose
// components match the glob's directory components, or in a directory below one?
bool inside_watched_directories(const PathGlob& glob, std::string_view real_root,
                                std::string_view real_path);

}  // namespace ferry
