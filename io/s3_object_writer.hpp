// S3ObjectWriter: one object as an S3 multipart upload. Frames accumulate into a part buffer;
// a part is uploaded once it reaches partSizeBytes (so parts end on frame boundaries).
// An object smaller than one part is sent with a single PutObject.
#pragma once

#include <string>
#include <vector>

#include "io/object_writer.hpp"
#include "io/s3_client.hpp"

namespace ferry {

class S3ObjectWriter final : public ObjectWriter {
 public:
  S3ObjectWriter(S3Client& client, std::string bucket, uint64_t part_size_bytes);
  ~S3ObjectWriter() override;

  Status begin(const std::string& key) override;
  Status append(std::string_view frame) override;
  Status complete() override;
  void abort() override;
  std::string location() const override;
  uint64_t parts() const override { return parts_.empty() ? 1 : parts_.size(); }

 private:
  Status upload_part();

  S3Client& client_;
  std::string bucket_;
  uint64_t part_size_;
  std::string key_;
  std::string upload_id_;
  std::vector<CompletedPart> parts_;
  std::string buffer_;  // the part being assembled; capacity reused across parts
  bool open_ = false;
};

}  // namespace ferry
