// io_uring setup, submission and bounded waiting.
#include "io/tail/uring.hpp"

#include <cstring>

#include "core/assert.hpp"
#include "core/text.hpp"

namespace ferry {

Uring::~Uring() {
  if (initialized_) io_uring_queue_exit(&ring_);
}

Status Uring::init(unsigned entries) {
  FERRY_ASSERT(!initialized_);
  const int rc = io_uring_queue_init(entries, &ring_, 0);
  if (rc < 0) return make_error(cat("io_uring_queue_init: ", std::strerror(-rc)));
  initialized_ = true;
  return Ok{};
}

io_uring_sqe* Uring::next_sqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  if (sqe == nullptr) {
    io_uring_submit(&ring_);
    sqe = io_uring_get_sqe(&ring_);
  }
  FERRY_ASSERT(sqe != nullptr);
  return sqe;
}

void Uring::prep_read(int fd, void* buffer, unsigned length, uint64_t offset, uint64_t user_data) {
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_read(sqe, fd, buffer, length, offset);
  io_uring_sqe_set_data64(sqe, user_data);
}

bool Uring::submit_and_wait(int64_t timeout_millis) {
  io_uring_cqe* cqe = nullptr;
  if (timeout_millis < 0) {
    const int rc = io_uring_submit_and_wait(&ring_, 1);
    FERRY_ASSERT(rc >= 0 || rc == -EINTR);
    return true;
  }
  __kernel_timespec ts{};
  ts.tv_sec = timeout_millis / 1000;
  ts.tv_nsec = (timeout_millis % 1000) * 1000000;
  const int rc = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr);
  if (rc == -ETIME || rc == -EINTR) return false;
  FERRY_ASSERT(rc >= 0);
  return true;
}

}  // namespace ferry
