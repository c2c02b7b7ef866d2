// Ec2MetadataCell: the latest ADDEC2METADATA facts, published by the refresher
// (io/credentials/ec2_metadata_refresher.hpp) and read by the workers. A snapshot, once published, never
// changes; readers keep theirs alive as long as they use it. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <utility>

#include "core/convert/data_processing.hpp"

namespace ferry {

class Ec2MetadataCell {
 public:
  void publish(std::shared_ptr<const Ec2Metadata> metadata) {
    std::lock_guard lock(mutex_);
    current_ = std::move(metadata);
  }
  // Null until something is published.
  std::shared_ptr<const Ec2Metadata> current() const {
    std::lock_guard lock(mutex_);
    return current_;
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Ec2Metadata> current_;
};

}  // namespace ferry
