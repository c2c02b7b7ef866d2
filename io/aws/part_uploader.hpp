// PartUploader: uploads multipart parts on a few threads of its own (each with its own S3
// connection), so the shipper keeps assembling the next part while earlier ones travel.
// Parts finish in any order; the caller acknowledges them in order. A new object's first part
// begins its multipart upload on the same thread (CreateMultipartUpload, then UploadPart), so
// that a destination slow to answer holds up only its own flow.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "io/aws/s3_client.hpp"
#include "io/job_threads.hpp"

namespace ferry {

class PartUploader {
 public:
  struct Job {
    std::string bucket;
    std::string key;
    std::string upload_id;  // empty: CreateMultipartUpload first, then this part (number 1)
    int number = 0;
    std::string body;         // owned by the job until it comes back in Done
    uint64_t generation = 0;  // the caller's tag, handed back in Done
  };
  struct Done {
    int number = 0;
    uint64_t size = 0;
    Result<std::string> etag = make_error("not uploaded");
    std::string checksum_crc32c;  // base64, as sent; empty if none
    std::string begun_upload_id;  // the upload this job began (CreateMultipartUpload answered)
    bool begin_failed = false;    // CreateMultipartUpload failed: `etag` holds its error
    bool upload_lost = false;     // S3 answered NoSuchUpload: the object must be built again
    bool retryable = false;       // failed only because its attempts ran out: try again later
    std::string body;             // the buffer, returned for reuse
    uint64_t generation = 0;      // the job's
  };

  // `threads` connections; at most `threads` jobs are queued or running at once. Each part
  // carries the checksums `object` asks for, computed on the upload thread.
  PartUploader(const S3ClientOptions& options, size_t threads, S3ObjectOptions object);

  // Runs on an upload thread each time a Done is ready to collect. Set before the first submit.
  void set_on_done(std::function<void()> on_done) { threads_.set_on_done(std::move(on_done)); }
  size_t capacity() const { return threads_.capacity(); }
  size_t in_flight() const { return threads_.in_flight(); }
  // At most capacity() jobs in flight: the caller collects first.
  void submit(Job job) { threads_.submit(std::move(job)); }
  // A finished job, waiting for one if `wait` and any is in flight; nullopt if none.
  std::optional<Done> collect(bool wait) { return threads_.collect(wait); }

 private:
  Done upload(S3Client& client, Job& job) const;

  const S3ObjectOptions object_;
  std::vector<std::unique_ptr<S3Client>> clients_;  // one per thread
  JobThreads<Job, Done> threads_;                   // last: joined before the clients go
};

}  // namespace ferry
