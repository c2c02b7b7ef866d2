// S3ObjectWriter: one object as an S3 multipart upload. Frames accumulate into a part buffer;
// a full part (partSizeBytes, ending on a frame boundary) goes to the PartUploader while the
// next one is assembled; finished parts are acknowledged in part-number order. An object
// smaller than one part is sent with a single PutObject. After a restart, an upload continues
// from its acknowledged parts.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io/object_writer.hpp"
#include "io/part_uploader.hpp"
#include "io/s3_client.hpp"

namespace ferry {

class S3ObjectWriter final : public ObjectWriter {
 public:
  // `client` serves this thread's calls (create, complete, put, head); the parts travel on
  // `parallel_parts` connections of their own.
  S3ObjectWriter(S3Client& client, const S3ClientOptions& options, std::string bucket,
                 uint64_t part_size_bytes, size_t parallel_parts);
  ~S3ObjectWriter() override;

  Status begin(const std::string& key) override;
  Status resume(const OpenObject& open) override;
  Status append(std::string_view frame) override;
  Status poll() override;
  int submitted_parts() const override { return next_part_ - 1; }
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
  Status submit_part();
  // One finished upload into `finished_`, then the in-order prefix into `parts_`.
  // Returns false when nothing had finished (and `wait` was false).
  Result<bool> collect(bool wait);
  Status drain();
  void reset(const std::string& key);

  S3Client& client_;
  PartUploader uploader_;
  std::string bucket_;
  uint64_t part_size_;
  std::string key_;
  std::string upload_id_;
  std::vector<UploadedPart> parts_;       // acknowledged: 1..n, in order
  std::map<int, UploadedPart> finished_;  // finished out of order, waiting for earlier parts
  int next_part_ = 1;
  std::string buffer_;                      // the part being assembled
  std::vector<std::string> spare_buffers_;  // part buffers back from the uploader, for reuse
  uint64_t size_ = 0;
  std::optional<Error> failure_;  // an upload failed: the object cannot complete
  bool open_ = false;
  bool upload_lost_ = false;
};

}  // namespace ferry
