// JobThreads<Job, Done>: a fixed set of threads that each take a job, run `work(thread, job)` on
// it, and hand back its Done. At most `threads` jobs are queued or running at once: the caller
// collects before submitting more (the part uploads of an S3 flow, the stream calls).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/assert.hpp"
#include "io/thread_name.hpp"

namespace ferry {

template <class Job, class Done>
class JobThreads {
 public:
  // `work` runs on thread number `thread` (0 .. threads-1): per-thread state may be indexed by it.
  using Work = std::function<Done(size_t thread, Job& job)>;

  // `name`: the threads' name, numbered ("ferry-upload" -> ferry-upload-0, ...).
  JobThreads(size_t threads, std::string_view name, Work work) : work_(std::move(work)) {
    FERRY_ASSERT(threads > 0);
    for (size_t i = 0; i < threads; ++i) {
      threads_.emplace_back([this, i, label = std::string(name) + "-" + std::to_string(i)] {
        name_this_thread(label);
        run(i);
      });
    }
  }
  ~JobThreads() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    job_ready_.notify_all();
    for (auto& thread : threads_) thread.join();
  }
  JobThreads(const JobThreads&) = delete;
  JobThreads& operator=(const JobThreads&) = delete;

  // `on_done` runs on a job's thread each time a Done is ready to collect (e.g. to wake the
  // collecting thread). Set before the first submit().
  void set_on_done(std::function<void()> on_done) {
    std::lock_guard lock(mutex_);
    FERRY_ASSERT(in_flight_ == 0);
    on_done_ = std::move(on_done);
  }

  size_t capacity() const { return threads_.size(); }
  size_t in_flight() const {
    std::lock_guard lock(mutex_);
    return in_flight_;
  }

  void submit(Job job) {
    std::lock_guard lock(mutex_);
    FERRY_ASSERT(in_flight_ < threads_.size());  // bounded: the caller collects first
    ++in_flight_;
    jobs_.push_back(std::move(job));
    job_ready_.notify_one();
  }

  // A finished job, waiting for one if `wait` and any is in flight; nullopt if none.
  std::optional<Done> collect(bool wait) {
    std::unique_lock lock(mutex_);
    if (wait) done_ready_.wait(lock, [&] { return !done_.empty() || in_flight_ == 0; });
    if (done_.empty()) return std::nullopt;
    Done done = std::move(done_.front());
    done_.pop_front();
    FERRY_ASSERT(in_flight_ > 0);
    --in_flight_;
    return done;
  }

 private:
  void run(size_t thread) {
    for (;;) {
      Job job;
      {
        std::unique_lock lock(mutex_);
        job_ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stopping, nothing left
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      Done done = work_(thread, job);
      {
        std::lock_guard lock(mutex_);
        done_.push_back(std::move(done));
      }
      done_ready_.notify_all();
      if (on_done_) on_done_();  // set before any job, under mutex_: read without it
    }
  }

  const Work work_;
  std::function<void()> on_done_;
  mutable std::mutex mutex_;
  std::condition_variable job_ready_;
  std::condition_variable done_ready_;
  std::deque<Job> jobs_;
  std::deque<Done> done_;
  size_t in_flight_ = 0;  // submitted and not yet collected
  bool stopping_ = false;
  std::vector<std::thread> threads_;  // last: started once everything above exists
};

}  // namespace ferry
