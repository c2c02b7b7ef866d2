// InputBuffer: the bytes of a batch's records. Like a std::string, except that its spare capacity
// may be written before it is appended (a read lands there), and appending bytes that already sit
// where they would be copied to copies nothing. So whole lines read straight into a batch become
// its records without a copy, and a record behind a dropped line moves down within the buffer.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>

#include "core/assert.hpp"

namespace ferry {

class InputBuffer {
 public:
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return capacity_; }
  const char* data() const { return bytes_.get(); }
  std::string_view view() const { return {bytes_.get(), size_}; }
  char operator[](size_t i) const {
    FERRY_ASSERT(i < size_);
    return bytes_[i];
  }

  void clear() { size_ = 0; }

  // Never moves the bytes unless `capacity` exceeds what it holds.
  void reserve(size_t capacity) {
    if (capacity > capacity_) reallocate(capacity);
  }

  // Where the next appended byte goes: writable up to capacity() - size() bytes. Whatever is
  // written there stays until it is appended or overwritten; reserve() may move it only when the
  // buffer grows, which callers rule out while a read is in flight into it.
  char* spare() { return bytes_.get() + size_; }

  // `bytes` may lie anywhere, inside this buffer too: at the spare position it is taken in place;
  // elsewhere in the spare capacity (at or past the end) it moves down.
  void append(std::string_view bytes) {
    if (bytes.empty()) return;
    if (size_ + bytes.size() > capacity_) {
      grow_and_append(bytes);
      return;
    }
    char* const end = bytes_.get() + size_;
    if (bytes.data() != end) std::memmove(end, bytes.data(), bytes.size());
    size_ += bytes.size();
  }

  void push_back(char c) {
    if (size_ == capacity_) reserve(capacity_ == 0 ? 64 : 2 * capacity_);
    bytes_[size_++] = c;
  }

 private:
  // Moves the bytes to a buffer of `capacity`; returns the old one, to keep alive what may still
  // be read from it.
  std::unique_ptr<char[]> reallocate(size_t capacity) {
    auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
    if (size_ > 0) std::memcpy(bigger.get(), bytes_.get(), size_);
    capacity_ = capacity;
    return std::exchange(bytes_, std::move(bigger));
  }

  void grow_and_append(std::string_view bytes) {
    const size_t needed = size_ + bytes.size();
    // `bytes` may be inside the old buffer: it is freed only after the copy.
    const std::unique_ptr<char[]> old = reallocate(needed > 2 * capacity_ ? needed : 2 * capacity_);
    std::memcpy(bytes_.get() + size_, bytes.data(), bytes.size());
    size_ = needed;
  }

  std::unique_ptr<char[]> bytes_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace ferry
