// Multipart upload of one object: lazy CreateMultipartUpload, parts uploaded in parallel and
// acknowledged in order, CompleteMultipartUpload listing exactly the acknowledged parts;
// PutObject for objects smaller than one part.
#include "io/s3_object_writer.hpp"

#include "core/assert.hpp"
#include "core/log.hpp"
#include "core/text.hpp"

namespace ferry {
namespace {
constexpr const char* kContentType = "application/x-ndjson";
constexpr int kMaxParts = 10000;
}  // namespace

S3ObjectWriter::S3ObjectWriter(S3Client& client, const S3ClientOptions& options, std::string bucket,
                               uint64_t part_size_bytes, size_t parallel_parts)
    : client_(client),
      uploader_(options, parallel_parts),
      bucket_(std::move(bucket)),
      part_size_(part_size_bytes) {}

S3ObjectWriter::~S3ObjectWriter() {
  abandon();
}

std::string S3ObjectWriter::location() const {
  return cat("s3://", bucket_, "/", key_);
}

void S3ObjectWriter::reset(const std::string& key) {
  FERRY_ASSERT(!open_);
  FERRY_ASSERT(uploader_.in_flight() == 0);
  key_ = key;
  upload_id_.clear();
  parts_.clear();
  finished_.clear();
  next_part_ = 1;
  buffer_.clear();
  size_ = 0;
  failure_.reset();
  upload_lost_ = false;
  open_ = true;
}

Status S3ObjectWriter::begin(const std::string& key) {
  reset(key);
  return Ok{};
}

Status S3ObjectWriter::resume(const OpenObject& open) {
  FERRY_ASSERT(!open.upload_id.empty() && !open.parts.empty());
  reset(open.key);
  upload_id_ = open.upload_id;
  parts_ = open.parts;
  next_part_ = static_cast<int>(parts_.size()) + 1;
  size_ = open.size;
  return Ok{};
}

Status S3ObjectWriter::submit_part() {
  if (upload_id_.empty()) {
    auto upload_id = client_.create_multipart_upload(bucket_, key_, kContentType);
    if (!upload_id) return upload_id.error();
    upload_id_ = std::move(upload_id.value());
  }
  // Bounded: a new part waits for a connection (and its buffer) to come back.
  while (uploader_.in_flight() >= uploader_.capacity()) {
    if (auto collected = collect(/*wait=*/true); !collected) return collected.error();
  }
  const int number = next_part_++;
  FERRY_ASSERT(number <= kMaxParts);  // the config keeps maxObjectBytes within 10,000 parts
  std::string body = std::move(buffer_);
  if (spare_buffers_.empty()) {
    buffer_ = std::string();
    buffer_.reserve(part_size_ + (2u << 20));
  } else {
    buffer_ = std::move(spare_buffers_.back());
    spare_buffers_.pop_back();
  }
  uploader_.submit(PartUploader::Job{bucket_, key_, upload_id_, number, std::move(body)});
  return Ok{};
}

Result<bool> S3ObjectWriter::collect(bool wait) {
  auto done = uploader_.collect(wait);
  if (!done) return false;
  done->body.clear();
  spare_buffers_.push_back(std::move(done->body));
  if (!done->etag) {
    upload_lost_ = upload_lost_ || done->upload_lost;
    if (!failure_) failure_ = done->etag.error();
    return *failure_;
  }
  finished_.emplace(done->number,
                    UploadedPart{done->number, std::move(done->etag.value()), done->size});
  // A part is acknowledged only once every part before it is.
  for (auto it = finished_.begin();
       it != finished_.end() && it->first == static_cast<int>(parts_.size()) + 1;
       it = finished_.erase(it))
    parts_.push_back(std::move(it->second));
  return true;
}

Status S3ObjectWriter::poll() {
  if (failure_) return *failure_;
  for (;;) {
    auto collected = collect(/*wait=*/false);
    if (!collected) return collected.error();
    if (!collected.value()) return Ok{};
  }
}

Status S3ObjectWriter::drain() {
  while (uploader_.in_flight() > 0) {
    if (auto collected = collect(/*wait=*/true); !collected) return collected.error();
  }
  if (failure_) return *failure_;
  return Ok{};
}

Status S3ObjectWriter::append(std::string_view frame) {
  FERRY_ASSERT(open_);
  if (failure_) return *failure_;
  buffer_.append(frame);
  size_ += frame.size();
  if (buffer_.size() >= part_size_) {
    if (auto status = submit_part(); !status) return status;
  }
  return poll();
}

Status S3ObjectWriter::seal() {
  FERRY_ASSERT(open_);
  if (!upload_id_.empty() && !buffer_.empty()) {
    if (auto status = submit_part(); !status) return status;
  }
  return drain();
}

Status S3ObjectWriter::complete() {
  FERRY_ASSERT(open_);
  if (upload_id_.empty()) {
    // Everything fits in one part: one request instead of three.
    if (auto status = client_.put_object(
            bucket_, key_, std::span<const char>(buffer_.data(), buffer_.size()), kContentType);
        !status)
      return status;
  } else {
    // Sealed: every byte is in an acknowledged part.
    FERRY_ASSERT(buffer_.empty() && finished_.empty() && uploader_.in_flight() == 0);
    FERRY_ASSERT(static_cast<int>(parts_.size()) == next_part_ - 1);
    std::vector<CompletedPart> completed;
    completed.reserve(parts_.size());
    for (const auto& part : parts_) completed.push_back(CompletedPart{part.number, part.etag});
    if (auto status = client_.complete_multipart_upload(bucket_, key_, upload_id_, completed);
        !status) {
      if (client_.last_failure().code == "NoSuchUpload") upload_lost_ = true;
      return status;
    }
  }
  open_ = false;
  upload_id_.clear();
  parts_.clear();
  buffer_.clear();
  return Ok{};
}

void S3ObjectWriter::abandon() {
  // Parts in flight finish (their buffers come back); the multipart upload itself is kept:
  // the checkpoint names it, and the next start continues it or, if it is gone, starts the
  // object again under the same key.
  while (uploader_.in_flight() > 0) (void)collect(/*wait=*/true);
  open_ = false;
  buffer_.clear();
  finished_.clear();
}

Result<std::optional<uint64_t>> S3ObjectWriter::visible_size(const std::string& key) {
  auto info = client_.head_object(bucket_, key);
  if (!info) return info.error();
  if (!info->has_value()) return std::optional<uint64_t>{};
  return std::optional<uint64_t>((*info)->size);
}

}  // namespace ferry
