// What a path holds now, for `ferry migrate`: stat() and the identity the tailer would give the
// file (device, inode, fingerprint of its first bytes), and the files a flow's pattern matches.
#pragma once

#include <string>
#include <vector>

#include "core/checkpoint/kinesis_agent_migration.hpp"

namespace ferry {

// The regular file at `path` (not following a final symbolic link, as the tailer by default);
// not found, with the reason, otherwise.
PathState probe_path(const std::string& path);

// The regular files `file_pattern` matches now, compressed ones left out as the tailer does.
std::vector<FlowFile> list_flow_files(const std::string& file_pattern);

}  // namespace ferry
