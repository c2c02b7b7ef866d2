// ObjectWriter: where a flow's objects go. The shipper thread begins (or resumes) an object,
// appends zstd frames to it, seals and completes it; only a completed object counts as delivered.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/checkpoint/checkpoint.hpp"
#include "core/result.hpp"
#include "core/text.hpp"

namespace ferry {

struct UploadCheck {
  enum class Verdict {
    holds,      // every acknowledged part is there as recorded
    lost,       // the destination does not know the upload (aborted, e.g. by a lifecycle rule)
    differs,    // a part is missing or has another ETag or size
    unchecked,  // the destination would not list the parts (no ListParts, or not allowed)
  };
  Verdict verdict = Verdict::holds;
  std::string detail;  // what was found, for the log
};

class ObjectWriter {
 public:
  virtual ~ObjectWriter() = default;
  // `on_progress` runs on another thread each time an upload or a background completion
  // finishes, so that the caller looks at it (poll(), append_would_wait(), completion()) at once
  // rather than at its next tick. Set before anything is begun; a writer with nothing in the
  // background (a directory) never calls it.
  virtual void set_on_progress(std::function<void()> /*on_progress*/) {}
  virtual Status begin(const std::string& key) = 0;
  // Continues a multipart upload whose acknowledged parts are in `open` (after a restart).
  virtual Status resume(const OpenObject& open) = 0;
  // May hand a full part to the uploads in flight (submitted_parts() grows); parts that finish
  // are acknowledged in order, by this call or by poll() (parts() grows).
  virtual Status append(std::string_view frame) = 0;
  // Whether append() of `bytes` more would wait: they fill a part, and no connection is free
  // for it (or the upload has no id yet). As of the last poll().
  virtual bool append_would_wait(size_t /*bytes*/) const { return false; }
  // Collects uploads that finished meanwhile, without waiting.
  virtual Status poll() = 0;
  virtual int submitted_parts() const = 0;
  // Uploads on their way (parts, the CreateMultipartUpload that comes with the first): seal()
  // would wait for them.
  virtual bool uploads_in_flight() const { return false; }
  // Puts everything appended into acknowledged parts, if the object is a multipart upload
  // (waiting for the uploads in flight);
  // afterwards single_request() tells whether complete() sends the whole object at once.
  virtual Status seal() = 0;
  // seal() without waiting: sends the last part once a connection is free (and the upload has
  // its id); true once everything appended is in acknowledged parts, false while uploads are on
  // their way (call again later). Nothing may be appended after it.
  virtual Result<bool> try_seal() {
    if (auto status = seal(); !status) return status.error();
    return true;
  }
  virtual bool single_request() const = 0;
  // Makes the object visible and durable; afterwards the records in it are delivered.
  virtual Status complete() = 0;
  // How a completion that ran in the background ended.
  struct Completion {
    Status status = Ok{};
    bool must_restart = false;  // as must_restart(), for that object
    uint64_t millis = 0;        // how long its requests took
  };
  // After seal(), instead of complete(): starts making the object visible on a thread of the
  // writer's own and returns at once (true); the next object may begin() meanwhile, and
  // completion() tells how this one ended. false: this object is completed by complete() (a
  // writer without a background). At most one runs at a time: the caller takes its
  // completion() before it starts another.
  virtual bool complete_in_background() { return false; }
  // The background completion's end: nullopt while it runs (unless `wait`) or if none runs.
  virtual std::optional<Completion> completion(bool /*wait*/) { return std::nullopt; }
  // Drops local state after a failure (a temp file); a multipart upload stays, to be resumed.
  // Returns without waiting for parts in flight (only for an upload being begun, whose id the
  // caller must note); destroying the writer waits for them.
  virtual void abandon() = 0;

  // The size of the completed object named `key` if it is visible, nullopt if not.
  virtual Result<std::optional<uint64_t>> visible_size(const std::string& key) = 0;
  // At a restart, before an upload is continued or completed: does the destination still hold
  // it with every acknowledged part of `open` (number, ETag, size)?
  virtual Result<UploadCheck> check_upload(const OpenObject& open) = 0;
  // At a restart: aborts a multipart upload begun for an object that is built again from its
  // records (the checkpoint's StartedUpload); one the destination no longer knows is fine.
  virtual Status abort_upload(const StartedUpload& upload) {
    return make_error(cat("cannot abort the upload ", upload.upload_id, " of ", upload.key,
                          ": this destination has no multipart uploads"));
  }
  // After a failure: the object cannot be completed from its upload and must be built again
  // from its start: the destination forgot the upload (S3 NoSuchUpload) or refused to complete
  // it with exactly its parts (EntityTooSmall, InvalidPart, InvalidPartOrder, MalformedXML).
  virtual bool must_restart() const = 0;

  virtual const std::string& upload_id() const = 0;
  virtual const std::vector<UploadedPart>& parts() const = 0;
  virtual uint64_t size() const = 0;  // bytes appended to the current object
  // "s3://bucket/key" or the file path, for logs.
  virtual std::string location() const = 0;
};

}  // namespace ferry
