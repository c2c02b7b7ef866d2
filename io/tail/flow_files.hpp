// What the metrics server measures on the files of a flow at each scrape: how many files the
// pattern matches and how many bytes are written beyond the durably delivered offsets.
#pragma once

#include <string>
#include <vector>

#include "core/checkpoint/checkpoint.hpp"
#include "core/observe/metrics.hpp"

namespace ferry {

// The paths `file_pattern` matches now, in glob(3)'s order (its {a,b} groups expanded), with
// compressed files left out as the tailer does.
std::vector<std::string> flow_file_paths(const std::string& file_pattern);

// `committed`: the flow's files as the checkpoint has them (none yet: no lag is measured). Lag is
// every byte a restart would read: a matched file beyond its committed offset, or whole if the
// checkpoint does not know it (rotated in, or created, since the last checkpoint); a committed
// file renamed out of the pattern beyond its offset. A file whose path now holds another file
// or is gone adds no lag: what remains of it is not measurable by path.
FlowSample sample_flow_files(const std::string& file_pattern,
                             const std::optional<std::vector<CommittedFile>>& committed);

// Bytes a run will read from the files `file_pattern` matches now: beyond the checkpoint's
// offset for files it knows (same device and inode), whole files otherwise when reading from
// the start, nothing otherwise. An estimate for the progress line, not a promise.
uint64_t estimate_unread_bytes(const std::string& file_pattern,
                               const std::vector<FileCheckpoint>& known, bool from_start);

}  // namespace ferry
