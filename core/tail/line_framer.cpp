// LineFramer: the non-template parts (construction and truncation reset).
// Reactor thread, one instance per tailed file.
#include "core/tail/line_framer.hpp"

namespace ferry {

LineFramer::LineFramer(uint64_t start_offset, size_t max_record_bytes)
    : committed_(start_offset), next_offset_(start_offset), max_(max_record_bytes) {
  // A zero bound could never make progress on a non-empty line.
  FERRY_ASSERT(max_record_bytes > 0);
}

void LineFramer::reset(uint64_t offset) {
  pending_.clear();  // keeps the capacity for the next partial line
  committed_ = offset;
  next_offset_ = offset;
}

}  // namespace ferry
