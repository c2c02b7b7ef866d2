// DirectoryObjectWriter: objects as files under a directory. An object is written to a hidden
// temp file beside its final name and renamed into place once complete (atomic, fsynced).
#pragma once

#include "io/object_writer.hpp"
#include "io/unique_fd.hpp"

namespace ferry {

class DirectoryObjectWriter final : public ObjectWriter {
 public:
  // Objects get exactly `file_mode` (the fileMode key; private by default), the directories
  // the key prefix creates the matching directory mode.
  DirectoryObjectWriter(std::string root, unsigned file_mode);
  ~DirectoryObjectWriter() override;

  // Removes the hidden temp files a crashed run of this host and flow left under the root
  // (their records were never checkpointed, so they are shipped again). Returns how many.
  size_t remove_stale_temp_files(std::string_view host, std::string_view flow);

  Status begin(const std::string& key) override;
  Status resume(const OpenObject& open) override;
  Status append(std::string_view frame) override;
  Status poll() override { return Ok{}; }
  int submitted_parts() const override { return 0; }
  Status seal() override { return Ok{}; }
  bool single_request() const override { return true; }
  Status complete() override;
  void abandon() override;
  Result<std::optional<uint64_t>> visible_size(const std::string& key) override;
  bool must_restart() const override { return false; }
  // A directory object is written in one request: there is never an upload to check.
  Result<UploadCheck> check_upload(const OpenObject&) override { return UploadCheck{}; }
  const std::string& upload_id() const override { return no_upload_id_; }
  const std::vector<UploadedPart>& parts() const override { return no_parts_; }
  uint64_t size() const override { return size_; }
  std::string location() const override { return final_path_; }

 private:
  std::string root_;
  unsigned file_mode_;
  std::string final_path_;
  std::string temp_path_;
  UniqueFd fd_;
  uint64_t size_ = 0;
  const std::string no_upload_id_;
  const std::vector<UploadedPart> no_parts_;
};

}  // namespace ferry
