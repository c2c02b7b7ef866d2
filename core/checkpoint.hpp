// Checkpoint: per flow, per file, the offset up to which records are durable at the destination.
// Encoded as one JSON document with a version, a generation and a SHA-256 over its body.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/batch.hpp"
#include "core/file_identity.hpp"
#include "core/result.hpp"

namespace ferry {

inline constexpr int kCheckpointVersion = 1;

struct FileCheckpoint {
  std::string path;  // last path the file was seen under (informational; identity decides)
  FileIdentity identity;
  uint64_t offset = 0;       // every record before it is in a completed object
  int64_t updated_unix = 0;  // when offset last moved; stale entries are pruned
};

struct FlowCheckpoint {
  std::string flow;
  std::vector<FileCheckpoint> files;
};

struct Checkpoint {
  uint64_t generation = 0;
  std::vector<FlowCheckpoint> flows;

  const FlowCheckpoint* find_flow(std::string_view name) const;
  FlowCheckpoint& flow(std::string_view name);  // created when absent

  // Records where a file now stands (replacing the entry of the same inode) or adds the file.
  void commit(std::string_view flow_name, const SourcePosition& position, int64_t now_unix);

  // Drops entries not updated for `max_age_seconds` (files long gone).
  void prune(int64_t now_unix, int64_t max_age_seconds);
};

std::string encode_checkpoint(const Checkpoint& checkpoint);

// Rejects anything but a complete, checksummed document of a known version.
Result<Checkpoint> decode_checkpoint(std::string_view text);

}  // namespace ferry
