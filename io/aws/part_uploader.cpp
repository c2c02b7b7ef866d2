// Part upload threads: UploadPart a job (retries inside S3Client), after CreateMultipartUpload
// for a new object's first part; hand back the result.
#include "io/aws/part_uploader.hpp"

#include "core/assert.hpp"

namespace ferry {
namespace {

std::vector<std::unique_ptr<S3Client>> make_clients(const S3ClientOptions& options, size_t n) {
  std::vector<std::unique_ptr<S3Client>> clients;
  for (size_t i = 0; i < n; ++i) clients.push_back(std::make_unique<S3Client>(options));
  return clients;
}

}  // namespace

PartUploader::PartUploader(const S3ClientOptions& options, size_t threads, S3ObjectOptions object)
    : object_(std::move(object)),
      clients_(make_clients(options, threads)),
      threads_(threads, "ferry-upload",
               [this](size_t thread, Job& job) { return upload(*clients_[thread], job); }) {}

PartUploader::Done PartUploader::upload(S3Client& client, Job& job) const {
  Done done;
  done.number = job.number;
  done.size = job.body.size();
  done.generation = job.generation;
  if (job.upload_id.empty()) {
    FERRY_ASSERT(job.number == 1);  // only part 1 begins an upload
    auto begun = client.create_multipart_upload(job.bucket, job.key, object_);
    if (!begun) {
      done.etag = begun.error();
      done.begin_failed = true;
      done.retryable = client.last_failure().retryable;
      done.body = std::move(job.body);
      return done;
    }
    job.upload_id = done.begun_upload_id = std::move(begun.value());
  }
  const std::span<const char> body(job.body.data(), job.body.size());
  const BodyChecksums checksums = body_checksums(body, object_);
  done.etag = client.upload_part(job.bucket, job.key, job.upload_id, job.number, body, checksums);
  done.checksum_crc32c = checksums.crc32c;
  done.upload_lost = !done.etag.ok() && client.last_failure().code == "NoSuchUpload";
  done.retryable = !done.etag.ok() && client.last_failure().retryable;
  done.body = std::move(job.body);
  return done;
}

}  // namespace ferry
