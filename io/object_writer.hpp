// ObjectWriter: where a flow's objects go. The shipper thread begins an object, appends zstd
// frames to it and completes it; only a completed object counts as delivered.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace ferry {

class ObjectWriter {
 public:
  virtual ~ObjectWriter() = default;
  virtual Status begin(const std::string& key) = 0;
  virtual Status append(std::string_view frame) = 0;
  // Makes the object visible and durable; afterwards the records in it are delivered.
  virtual Status complete() = 0;
  // Gives the object up (nothing becomes visible); safe to call in any state.
  virtual void abort() = 0;
  // "s3://bucket/key" or the file path, for logs.
  virtual std::string location() const = 0;
  virtual uint64_t parts() const = 0;
};

}  // namespace ferry
