// DirectoryObjectWriter: objects as files under a directory. An object is written to a hidden
// temp file beside its final name and renamed into place once complete (atomic, fsynced).
#pragma once

#include "io/object_writer.hpp"
#include "io/unique_fd.hpp"

namespace ferry {

class DirectoryObjectWriter final : public ObjectWriter {
 public:
  explicit DirectoryObjectWriter(std::string root);
  ~DirectoryObjectWriter() override;

  // Removes the hidden temp files a crashed run of this host and flow left under the root
  // (their records were never checkpointed, so they are shipped again). Returns how many.
  size_t remove_stale_temp_files(std::string_view host, std::string_view flow);

  Status begin(const std::string& key) override;
  Status append(std::string_view frame) override;
  Status complete() override;
  void abort() override;
  std::string location() const override { return final_path_; }
  uint64_t parts() const override { return 1; }

 private:
  std::string root_;
  std::string final_path_;
  std::string temp_path_;
  UniqueFd fd_;
};

}  // namespace ferry
