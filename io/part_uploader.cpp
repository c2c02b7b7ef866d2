// Part upload threads: take a job, UploadPart it (retries inside S3Client), hand back the result.
#include "io/part_uploader.hpp"

#include "core/assert.hpp"

namespace ferry {

PartUploader::PartUploader(const S3ClientOptions& options, size_t threads, S3ObjectOptions object)
    : object_(std::move(object)) {
  FERRY_ASSERT(threads > 0);
  for (size_t i = 0; i < threads; ++i) clients_.push_back(std::make_unique<S3Client>(options));
  for (size_t i = 0; i < threads; ++i)
    workers_.emplace_back([this, client = clients_[i].get()] { work(*client); });
}

PartUploader::~PartUploader() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  job_ready_.notify_all();
  for (auto& worker : workers_) worker.join();
}

size_t PartUploader::in_flight() const {
  std::lock_guard lock(mutex_);
  return in_flight_;
}

void PartUploader::submit(Job job) {
  std::unique_lock lock(mutex_);
  // Bounded: the caller collects before submitting more than there are connections.
  FERRY_ASSERT(in_flight_ < workers_.size());
  ++in_flight_;
  jobs_.push_back(std::move(job));
  job_ready_.notify_one();
}

std::optional<PartUploader::Done> PartUploader::collect(bool wait) {
  std::unique_lock lock(mutex_);
  if (wait) done_ready_.wait(lock, [&] { return !done_.empty() || in_flight_ == 0; });
  if (done_.empty()) return std::nullopt;
  Done done = std::move(done_.front());
  done_.pop_front();
  FERRY_ASSERT(in_flight_ > 0);
  --in_flight_;
  return done;
}

void PartUploader::work(S3Client& client) {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      job_ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, nothing left
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    Done done;
    done.number = job.number;
    done.size = job.body.size();
    const std::span<const char> body(job.body.data(), job.body.size());
    const BodyChecksums checksums = body_checksums(body, object_);
    done.etag = client.upload_part(job.bucket, job.key, job.upload_id, job.number, body, checksums);
    done.checksum_crc32c = checksums.crc32c;
    done.upload_lost = !done.etag.ok() && client.last_failure().code == "NoSuchUpload";
    done.retryable = !done.etag.ok() && client.last_failure().retryable;
    done.body = std::move(job.body);
    {
      std::lock_guard lock(mutex_);
      done_.push_back(std::move(done));
    }
    done_ready_.notify_all();
  }
}

}  // namespace ferry
