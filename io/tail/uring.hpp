// Uring: owns one io_uring instance (liburing). Used by the reactor thread only.
#pragma once

#include <liburing.h>

#include <cstdint>

#include "core/result.hpp"

namespace ferry {

class Uring {
 public:
  Uring() = default;
  ~Uring();
  Uring(const Uring&) = delete;
  Uring& operator=(const Uring&) = delete;

  Status init(unsigned entries);

  // A submission slot; submits queued entries first when the submission queue is full.
  io_uring_sqe* next_sqe();
  void prep_read(int fd, void* buffer, unsigned length, uint64_t offset, uint64_t user_data);

  // Submits queued entries and waits for at least one completion or `timeout_millis`
  // (negative: no timeout). Returns false on timeout.
  bool submit_and_wait(int64_t timeout_millis);

  // Calls handle(user_data, result) for every available completion.
  template <class Handle>
  void drain(Handle&& handle) {
    io_uring_cqe* cqe = nullptr;
    unsigned head = 0, seen = 0;
    io_uring_for_each_cqe(&ring_, head, cqe) {
      handle(cqe->user_data, cqe->res);
      ++seen;
    }
    io_uring_cq_advance(&ring_, seen);
  }

 private:
  io_uring ring_{};
  bool initialized_ = false;
};

}  // namespace ferry
