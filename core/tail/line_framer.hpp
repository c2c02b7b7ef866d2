// LineFramer: splits one file's byte stream into newline-terminated records, with exact offsets.
// Owned by the reactor thread, one per tailed file; not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/assert.hpp"

namespace ferry {

// Records end at '\n', which is not part of the record; everything else (a trailing '\r', NUL
// bytes, invalid UTF-8) is kept byte for byte. Empty lines are emitted as empty records.
//
// A line longer than max_record_bytes is emitted in pieces of exactly max_record_bytes whose
// end_offset is offset + size (no newline consumed); its last piece (1..max bytes) ends after
// the newline. A caller tells a piece from a whole line by `end_offset == offset + size`.
// The split depends only on the bytes, never on how they were chunked into reads: a piece is
// cut once max + 1 bytes of the line are known to hold no newline, so a line of exactly
// max_record_bytes is one ordinary record.
//
// Memory: whole lines inside one read are emitted as views into that read (no copy); only a
// line spanning reads is held, in one buffer reused across lines and bounded by max bytes.
class LineFramer {
 public:
  explicit LineFramer(uint64_t start_offset, size_t max_record_bytes);

  // `bytes` were read from the file at next_offset(). For every complete record calls
  // emit(std::string_view record, uint64_t record_offset, uint64_t end_offset). Views passed to
  // emit are valid only during the call.
  template <class Emit>
  void feed(std::string_view bytes, Emit&& emit);

  // File offset the next read starts at.
  uint64_t next_offset() const { return next_offset_; }
  // Offset just after the last emitted record (what may be checkpointed once it is shipped).
  uint64_t committed_offset() const { return committed_; }
  // Bytes of the held partial line (always <= max_record_bytes).
  size_t pending_bytes() const { return pending_.size(); }
  // Forgets the partial line and restarts at `offset` (the file was truncated or replaced).
  void reset(uint64_t offset);
  // Emits the held partial line as a record without newline (the file will not grow again:
  // it was rotated away or deleted). emit(record, offset, end_offset) as for feed().
  template <class Emit>
  void flush(Emit&& emit);

 private:
  template <class Emit>
  void emit_record(std::string_view record, bool newline, Emit& emit);

  uint64_t committed_;
  uint64_t next_offset_;
  size_t max_;
  std::string pending_;  // partial line that spans reads; capacity reused
};

template <class Emit>
void LineFramer::emit_record(std::string_view record, bool newline, Emit& emit) {
  const uint64_t offset = committed_;
  committed_ += record.size() + (newline ? 1 : 0);
  emit(record, offset, committed_);
}

template <class Emit>
void LineFramer::feed(std::string_view bytes, Emit&& emit) {
  FERRY_ASSERT(next_offset_ == committed_ + pending_.size());
  FERRY_ASSERT(pending_.size() <= max_);
  FERRY_ASSERT(next_offset_ + bytes.size() >= next_offset_);  // offsets never wrap
  next_offset_ += bytes.size();

  const char* p = bytes.data();
  const char* const end = p + bytes.size();

  if (!pending_.empty() && p < end) {
    // The held partial line continues in this read.
    const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const size_t take = static_cast<size_t>((nl != nullptr ? nl : end) - p);
    if (pending_.size() + take > max_) {
      // More than max bytes without a newline: cut a full piece, the rest is handled below.
      const size_t fill = max_ - pending_.size();
      pending_.append(p, fill);
      p += fill;
      emit_record(pending_, false, emit);
      pending_.clear();
    } else if (nl != nullptr) {
      pending_.append(p, take);
      p = nl + 1;
      emit_record(pending_, true, emit);
      pending_.clear();
    } else {
      pending_.append(p, take);
      p = end;
    }
  }

  // Fast path: lines inside this read are emitted as views into `bytes`.
  while (p < end) {
    const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* line_end = nl != nullptr ? nl : end;
    while (static_cast<size_t>(line_end - p) > max_) {
      emit_record(std::string_view(p, max_), false, emit);
      p += max_;
    }
    if (nl == nullptr) {
      pending_.append(p, static_cast<size_t>(end - p));
      break;
    }
    emit_record(std::string_view(p, static_cast<size_t>(nl - p)), true, emit);
    p = nl + 1;
  }
  FERRY_ASSERT(next_offset_ == committed_ + pending_.size());
}

template <class Emit>
void LineFramer::flush(Emit&& emit) {
  FERRY_ASSERT(next_offset_ == committed_ + pending_.size());
  if (pending_.empty()) return;
  emit_record(pending_, false, emit);
  pending_.clear();
  FERRY_ASSERT(next_offset_ == committed_);
}

}  // namespace ferry
