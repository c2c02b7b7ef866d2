// S3ObjectWriter: one object as an S3 multipart upload. Frames accumulate into a part buffer;
// a part is uploaded once it reaches partSizeBytes (so parts end on frame boundaries). An
// object smaller than one part is sent with a single PutObject. An upload interrupted by a
// restart continues from its acknowledged parts.
#pragma once

#include <string>
#include <vector>

#include "io/object_writer.hpp"
#include "io/s3_client.hpp"

namespace ferry {

class S3ObjectWriter final : public ObjectWriter {
 public:
  S3ObjectWriter(S3Client& client, std::string bucket, uint64_t part_size_bytes);

  Status begin(const std::string& key) override;
  Status resume(const OpenObject& open) override;
  Status append(std::string_view frame) override;
  Status seal() override;
  bool single_request() const override { return upload_id_.empty(); }
  Status complete() override;
  void abandon() override;
  Result<std::optional<uint64_t>> visible_size(const std::string& key) override;
  bool upload_lost() const override { return upload_lost_; }
  const std::string& upload_id() const override { return upload_id_; }
  const std::vector<UploadedPart>& parts() const override { return parts_; }
  uint64_t size() const override { return size_; }
  std::string location() const override;

 private:
  Status upload_part();
  // Notes a NoSuchUpload answer: the upload is gone and the object must start again.
  Status checked(Status status);

  S3Client& client_;
  std::string bucket_;
  uint64_t part_size_;
  std::string key_;
  std::string upload_id_;
  std::vector<UploadedPart> parts_;
  std::string buffer_;  // the part being assembled; capacity reused across parts
  uint64_t size_ = 0;
  bool open_ = false;
  bool upload_lost_ = false;
};

}  // namespace ferry
