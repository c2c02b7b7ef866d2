// Multipart upload of one object: lazy CreateMultipartUpload, UploadPart per full buffer,
// CompleteMultipartUpload listing exactly the acknowledged parts; PutObject for small objects.
#include "io/s3_object_writer.hpp"

#include "core/assert.hpp"
#include "core/log.hpp"
#include "core/text.hpp"

namespace ferry {
namespace {
constexpr const char* kContentType = "application/x-ndjson";
constexpr int kMaxParts = 10000;
}  // namespace

S3ObjectWriter::S3ObjectWriter(S3Client& client, std::string bucket, uint64_t part_size_bytes)
    : client_(client), bucket_(std::move(bucket)), part_size_(part_size_bytes) {
  buffer_.reserve(part_size_ + (2u << 20));
}

std::string S3ObjectWriter::location() const {
  return cat("s3://", bucket_, "/", key_);
}

Status S3ObjectWriter::begin(const std::string& key) {
  FERRY_ASSERT(!open_);
  key_ = key;
  upload_id_.clear();
  parts_.clear();
  buffer_.clear();
  size_ = 0;
  upload_lost_ = false;
  open_ = true;
  return Ok{};
}

Status S3ObjectWriter::resume(const OpenObject& open) {
  FERRY_ASSERT(!open_);
  FERRY_ASSERT(!open.upload_id.empty() && !open.parts.empty());
  key_ = open.key;
  upload_id_ = open.upload_id;
  parts_ = open.parts;
  buffer_.clear();
  size_ = open.size;
  upload_lost_ = false;
  open_ = true;
  return Ok{};
}

Status S3ObjectWriter::checked(Status status) {
  if (!status && client_.last_failure().code == "NoSuchUpload") upload_lost_ = true;
  return status;
}

Status S3ObjectWriter::upload_part() {
  if (upload_id_.empty()) {
    auto upload_id = client_.create_multipart_upload(bucket_, key_, kContentType);
    if (!upload_id) return upload_id.error();
    upload_id_ = std::move(upload_id.value());
  }
  const int number = static_cast<int>(parts_.size()) + 1;
  FERRY_ASSERT(number <= kMaxParts);  // the config keeps maxObjectBytes within 10,000 parts
  auto etag = client_.upload_part(bucket_, key_, upload_id_, number,
                                  std::span<const char>(buffer_.data(), buffer_.size()));
  if (!etag) return checked(etag.error());
  parts_.push_back(UploadedPart{number, std::move(etag.value()), buffer_.size()});
  buffer_.clear();
  return Ok{};
}

Status S3ObjectWriter::append(std::string_view frame) {
  FERRY_ASSERT(open_);
  buffer_.append(frame);
  size_ += frame.size();
  if (buffer_.size() >= part_size_) return upload_part();
  return Ok{};
}

Status S3ObjectWriter::seal() {
  FERRY_ASSERT(open_);
  if (!upload_id_.empty() && !buffer_.empty()) return upload_part();
  return Ok{};
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
    FERRY_ASSERT(buffer_.empty());  // sealed: every byte is in an acknowledged part
    std::vector<CompletedPart> completed;
    completed.reserve(parts_.size());
    for (const auto& part : parts_) completed.push_back(CompletedPart{part.number, part.etag});
    if (auto status =
            checked(client_.complete_multipart_upload(bucket_, key_, upload_id_, completed));
        !status)
      return status;
  }
  open_ = false;
  upload_id_.clear();
  parts_.clear();
  buffer_.clear();
  return Ok{};
}

void S3ObjectWriter::abandon() {
  // The multipart upload, if any, is kept: the checkpoint names it, and the next start either
  // continues it or, if it is gone, starts the object again under the same key.
  open_ = false;
  buffer_.clear();
}

Result<std::optional<uint64_t>> S3ObjectWriter::visible_size(const std::string& key) {
  auto info = client_.head_object(bucket_, key);
  if (!info) return info.error();
  if (!info->has_value()) return std::optional<uint64_t>{};
  return std::optional<uint64_t>((*info)->size);
}

}  // namespace ferry
