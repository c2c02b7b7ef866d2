// Multipart upload of one object: lazy CreateMultipartUpload, UploadPart per full buffer,
// CompleteMultipartUpload listing exactly the uploaded parts; AbortMultipartUpload on give-up.
#include "io/s3_object_writer.hpp"

#include "core/assert.hpp"
#include "core/log.hpp"
#include "core/text.hpp"

namespace ferry {
namespace {
constexpr const char* kContentType = "application/x-ndjson";
}

S3ObjectWriter::S3ObjectWriter(S3Client& client, std::string bucket, uint64_t part_size_bytes)
    : client_(client), bucket_(std::move(bucket)), part_size_(part_size_bytes) {
  buffer_.reserve(part_size_ + (2u << 20));
}

S3ObjectWriter::~S3ObjectWriter() {
  abort();
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
  open_ = true;
  return Ok{};
}

Status S3ObjectWriter::upload_part() {
  if (upload_id_.empty()) {
    auto upload_id = client_.create_multipart_upload(bucket_, key_, kContentType);
    if (!upload_id) return upload_id.error();
    upload_id_ = std::move(upload_id.value());
  }
  const int number = static_cast<int>(parts_.size()) + 1;
  FERRY_ASSERT(number <= 10000);  // S3's limit; maxObjectBytes / partSizeBytes keeps below it
  auto etag = client_.upload_part(bucket_, key_, upload_id_, number,
                                  std::span<const char>(buffer_.data(), buffer_.size()));
  if (!etag) return etag.error();
  parts_.push_back(CompletedPart{number, std::move(etag.value())});
  buffer_.clear();
  return Ok{};
}

Status S3ObjectWriter::append(std::string_view frame) {
  FERRY_ASSERT(open_);
  buffer_.append(frame);
  if (buffer_.size() >= part_size_) return upload_part();
  return Ok{};
}

Status S3ObjectWriter::complete() {
  FERRY_ASSERT(open_);
  if (upload_id_.empty()) {
    // Everything fits in one part: one request instead of three.
    auto status = client_.put_object(
        bucket_, key_, std::span<const char>(buffer_.data(), buffer_.size()), kContentType);
    if (!status) return status;
  } else {
    if (!buffer_.empty()) {
      if (auto status = upload_part(); !status) return status;
    }
    if (auto status = client_.complete_multipart_upload(bucket_, key_, upload_id_, parts_); !status)
      return status;
  }
  open_ = false;
  upload_id_.clear();
  buffer_.clear();
  return Ok{};
}

void S3ObjectWriter::abort() {
  if (!open_) return;
  open_ = false;
  buffer_.clear();
  if (upload_id_.empty()) return;
  if (auto status = client_.abort_multipart_upload(bucket_, key_, upload_id_); !status)
    FERRY_WARN(cat("s3: could not abort the upload of ", location(), ": ", status.error().message,
                   " (a bucket lifecycle rule removes it)"));
  upload_id_.clear();
}

}  // namespace ferry
