// S3ObjectWriter: one object as an S3 multipart upload. Frames accumulate into a part buffer;
// a full part (partSizeBytes, ending on a frame boundary) goes to the PartUploader while the
// next one is assembled (the first begins the multipart upload there); finished parts are
// acknowledged in part-number order. An object smaller than one part is sent with a single
// PutObject. After a restart, an upload continues from its acknowledged parts.
// CompleteMultipartUpload or the single PutObject may run in the background, on a thread and
// connection of its own, while the next object fills. A request that still fails after S3Client's
// attempts may be tried again later (RetryLaterPolicy): the object waits, nothing is dropped.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io/aws/part_uploader.hpp"
#include "io/aws/s3_client.hpp"
#include "io/job_threads.hpp"
#include "io/object_writer.hpp"

namespace ferry {

// After a request ran out of attempts (connection refused for minutes, SlowDown that lasts):
// wait, then send the same request again, for `max_rounds` rounds in all or until `stopping` is
// set. Pauses double from first_pause_millis to max_pause_millis, with jitter. One round: no
// waiting here; the failure goes to the caller at once (following, the flow fails alone and is
// tried again later, while the other flows go on).
struct RetryLaterPolicy {
  int max_rounds = 1;
  int first_pause_millis = 10'000;
  int max_pause_millis = 300'000;
  const std::atomic<bool>* stopping = nullptr;  // e.g. SIGTERM: give up after this round
};

struct S3WriterOptions {
  std::string bucket;
  uint64_t part_size_bytes = 8ull << 20;
  size_t parallel_parts = 2;  // uploads in flight, each on its own connection
  S3ObjectOptions object;     // headers and checksums of every object
  RetryLaterPolicy retry_later;
};

class S3ObjectWriter final : public ObjectWriter {
 public:
  // A client of its own (made from `client_options`) serves the calls of the thread that drives
  // the writer (complete, put, head, list, abort: the shipper's, or a recovery's while the flow
  // waits for it); the parts, and the CreateMultipartUpload that comes with the first, travel
  // on connections of their own.
  S3ObjectWriter(const S3ClientOptions& client_options, S3WriterOptions options);
  ~S3ObjectWriter() override;

  void set_on_progress(std::function<void()> on_progress) override;
  Status begin(const std::string& key) override;
  Status resume(const OpenObject& open) override;
  Status append(std::string_view frame) override;
  bool append_would_wait(size_t bytes) const override;
  Status poll() override;
  int submitted_parts() const override { return next_part_ - 1; }
  bool uploads_in_flight() const override { return uploader_.in_flight() > 0; }
  Status seal() override;
  Result<bool> try_seal() override;
  // No part sent: the whole object goes in one PutObject.
  bool single_request() const override { return next_part_ == 1; }
  Status complete() override;
  bool complete_in_background() override;
  std::optional<Completion> completion(bool wait) override;
  void abandon() override;
  Result<std::optional<uint64_t>> visible_size(const std::string& key) override;
  Result<UploadCheck> check_upload(const OpenObject& open) override;
  Status abort_upload(const StartedUpload& upload) override;
  bool must_restart() const override { return must_restart_; }
  const std::string& upload_id() const override { return upload_id_; }
  const std::vector<UploadedPart>& parts() const override { return parts_; }
  uint64_t size() const override { return size_; }
  std::string location() const override;

 private:
  Status submit_part();
  // Uploads in flight for the current object (the others were abandoned).
  size_t uploads_of_this_object() const { return uploader_.in_flight() - abandoned_in_flight_; }
  // Whether submit_part() would wait: for a connection, or for the id of the upload part 1 began.
  bool part_would_wait() const;
  // One finished upload into `finished_`, then the in-order prefix into `parts_`.
  // Returns false when nothing had finished (and `wait` was false).
  Result<bool> collect(bool wait);
  Status drain();
  void reset(const std::string& key);
  // What the request that makes a sealed object visible needs, taken out of the writer so that
  // the next object may begin while it runs: CompleteMultipartUpload's parts, or PutObject's body.
  struct UploadToComplete {
    std::string key;
    std::string upload_id;  // empty: one PutObject of `body`
    uint64_t size = 0;
    std::vector<CompletedPart> parts;
    std::string body;
  };
  // How it ended, with the body's buffer back for the next object.
  struct Finished {
    Completion completion;
    std::string buffer;
  };
  UploadToComplete take_sealed();
  // PutObject or CompleteMultipartUpload on `client`, with the retry-later rounds. Runs on the
  // shipper thread (complete()) or on the completer's (complete_in_background()).
  Finished finish(S3Client& client, UploadToComplete upload);
  // CompleteMultipartUpload; an object that an attempt whose answer was lost already completed
  // counts as completed. Checksums a server refuses are left out; an answer in
  // is_restart_code() sets must_restart.
  Completion complete_upload(S3Client& client, UploadToComplete upload);
  // A part or object buffer back from a request, kept for the next part or object.
  void reuse(std::string buffer);
  // Makes buffer_ a spare buffer, or a new one with room for a whole part.
  void next_buffer();
  // The room of a part buffer: a whole part and the frame that crosses its size.
  size_t part_buffer_capacity() const;
  // Sends a part (again) to the uploader.
  void send_part(int number, std::string body);
  // Runs `request` (a call of `client`, on this thread) with the retry-later rounds.
  template <class Request>
  auto with_retry_later(S3Client& client, std::string_view where, std::string_view what,
                        Request&& request);
  // Before round `next_round` of `what` on `where`: false to give up now, else waits and
  // returns true. Thread-safe.
  bool pause_before_round(std::string_view where, std::string_view what, int next_round,
                          const std::string& failure) const;
  std::string location_of(std::string_view key) const;

  S3Client client_;  // this writer's alone: no other flow's thread uses it
  S3WriterOptions options_;
  PartUploader uploader_;
  std::string key_;
  std::string upload_id_;            // known once part 1's job has begun the upload (or resumed)
  std::vector<UploadedPart> parts_;  // acknowledged: 1..n, in order
  std::map<int, UploadedPart> finished_;  // finished out of order, waiting for earlier parts
  std::map<int, int> part_rounds_;        // part number -> rounds tried, while it fails
  int next_part_ = 1;
  std::string buffer_;                      // the part being assembled
  std::vector<std::string> spare_buffers_;  // part buffers back from the uploader, for reuse
  uint64_t size_ = 0;
  std::optional<Error> failure_;  // an upload failed: the object cannot complete
  // Each abandon() begins a generation: uploads of an earlier one still in flight are let go.
  uint64_t generation_ = 0;
  size_t abandoned_in_flight_ = 0;
  bool open_ = false;
  bool must_restart_ = false;
  // The destination refused the parts' checksums in CompleteMultipartUpload (MalformedXML, as
  // OpenStack Swift's s3api does): later completions list the parts without them.
  std::atomic<bool> complete_without_checksums_{false};
  // Background completions, one at a time, made at the first: a connection and a thread (last:
  // joined before the client goes).
  S3ClientOptions client_options_;
  std::unique_ptr<S3Client> completion_client_;
  std::function<void()> on_progress_;  // the completer's too, once made
  std::unique_ptr<JobThreads<UploadToComplete, Finished>> completer_;
};

}  // namespace ferry
