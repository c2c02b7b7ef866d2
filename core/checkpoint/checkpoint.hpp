// Checkpoint: per flow, per file, the offset up to which records are durable at the destination,
// plus the object being built (its key, upload and acknowledged parts), so that a restart can
// finish it instead of shipping its records twice. Encoded as one JSON document with a version,
// a generation and a SHA-256 over its body.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/batch/batch.hpp"
#include "core/result.hpp"
#include "core/tail/file_identity.hpp"

namespace ferry {

inline constexpr int kCheckpointVersion = 1;

struct FileCheckpoint {
  std::string path;  // last path the file was seen under (informational; identity decides)
  FileIdentity identity;
  uint64_t offset = 0;       // every record before it is in a completed object
  int64_t updated_unix = 0;  // when offset last moved; stale entries are pruned
};

struct UploadedPart {
  int number = 0;
  std::string etag;  // as S3 returned it, quotes included
  uint64_t size = 0;
  std::string checksum_crc32c;  // base64, as sent with the part (Complete lists it); may be empty
};

// The object a flow is building, once anything of it may be durable at the destination.
// Committed file offsets do not move while it is open: they are where the object starts.
struct OpenObject {
  std::string key;
  std::string upload_id;            // multipart upload; empty: none (yet)
  std::vector<UploadedPart> parts;  // acknowledged, numbered 1..n in order
  // true: the whole object is being completed in one request (PutObject, or the rename of a
  // directory object) and `positions` are its end; false: `positions` are the file positions
  // through the last acknowledged part.
  bool single_request = false;
  uint64_t size = 0;  // bytes in the acknowledged parts, or of the one-request object
  std::vector<SourcePosition> positions;
  // true: the last part is acknowledged and it was the object's last (short) one, so nothing may
  // follow it: S3 refuses a part under 5 MiB anywhere but last (EntityTooSmall at completion).
  bool sealed = false;
};

// An open object of its key only: nothing of it is durable, and the next start builds it again
// under that key from the committed offsets (decide_resume: restart_object).
inline OpenObject object_to_rebuild(std::string key) {
  return OpenObject{std::move(key), {}, {}, false, 0, {}};
}

// A multipart upload the flow began that `open` does not name (yet): the object's upload before
// its first part is acknowledged, or the next object's while the one before completes. It is
// never completed from this record: a restart aborts it, since the records in it are read again.
struct StartedUpload {
  std::string key;
  std::string upload_id;
};

struct FlowCheckpoint {
  std::string flow;
  std::vector<FileCheckpoint> files;
  std::optional<OpenObject> open;
  std::optional<StartedUpload> started_upload;
};

// A flow the checkpoint did not know yet, at its first start: where each of its files starts (the
// end of files present, with initialPosition END_OF_FILE). Recording it, even with no file,
// marks the flow as started: files it meets later are new files, read from their start.
struct FlowStart {
  std::string flow;
  std::vector<SourcePosition> positions;
};

struct Checkpoint {
  uint64_t generation = 0;
  std::vector<FlowCheckpoint> flows;

  const FlowCheckpoint* find_flow(std::string_view name) const;
  FlowCheckpoint& flow(std::string_view name);  // created when absent

  // Records where a file now stands (replacing the entry of the same inode) or adds the file.
  void commit(std::string_view flow_name, const SourcePosition& position, int64_t now_unix);
  // The same for each of `positions` (an object's end, delivered).
  void commit(std::string_view flow_name, const std::vector<SourcePosition>& positions,
              int64_t now_unix);

  // Adds the flow's entry with its starting positions.
  void begin(const FlowStart& start, int64_t now_unix);

  // Drops entries not updated for `max_age_seconds` (checkpointTimeToLiveDays: files long gone).
  // An entry `still_there` says is still on disk is kept (its age starts again): ferry reads
  // every file its pattern matches, so a forgotten one would be read again from its start.
  using StillThere = std::function<bool(const FileCheckpoint&)>;
  void prune(int64_t now_unix, int64_t max_age_seconds, const StillThere& still_there = {});

  // Where reading resumes: committed offsets, moved past every acknowledged part of an open
  // multipart upload (those records are durable and the upload continues).
  Checkpoint resume_view() const;
  // The entry of `flow_name` as resume_view() has it; none when the checkpoint does not know it.
  std::optional<FlowCheckpoint> resume_of(std::string_view flow_name) const;
};

// What a restart does with a flow's open object, given whether an object named by its key is
// now visible at the destination (and its size). The key is ferry's own (it carries a random run
// id), and both its sizes are known before any byte is sent, so an object of another size under
// it is never one ferry completed as recorded: a body cut short by a server that stores partial
// uploads, or an earlier attempt at the same key. Its records were never committed, so it is
// replaced like an object that is not there.
enum class ResumeAction {
  commit_completed,  // the object is complete: its records are delivered, commit its positions
  complete_sealed,   // every part is acknowledged: complete the upload with exactly those parts
  continue_upload,   // the upload goes on from the next part number, reading after its parts
  restart_object,    // not complete: read again from the committed offsets, same key
};
inline constexpr uint64_t kMinPartBytes = 5ull << 20;  // S3's smallest part but the last
// Sealed, or written before `sealed` was recorded with a last part too small to be followed.
bool is_sealed(const OpenObject& open);
ResumeAction decide_resume(const OpenObject& open, std::optional<uint64_t> visible_size);

std::string encode_checkpoint(const Checkpoint& checkpoint);

// Rejects anything but a complete, checksummed document of a known version.
Result<Checkpoint> decode_checkpoint(std::string_view text);

}  // namespace ferry
