// StreamSender: sends PutRecordBatch / PutRecords calls on a few threads of its own (each with
// its own connections), so the shipper keeps building the next call while earlier ones travel.
// A call's records the service refuses one by one are sent again alone, with backoff; a call
// refused as a whole for throttling or service trouble is sent again; nothing is dropped. Calls
// finish in any order; the shipper commits positions in order.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/aws/aws_endpoint.hpp"
#include "core/aws/stream_calls.hpp"
#include "core/aws/stream_protocol.hpp"
#include "core/observe/metrics.hpp"
#include "core/observe/rate_limit.hpp"
#include "core/result.hpp"
#include "io/aws/http_client.hpp"
#include "io/job_threads.hpp"

namespace ferry {

class CredentialsProvider;
class AwsServiceClient;

// One stream flow's destination.
struct StreamTarget {
  StreamKind kind = StreamKind::firehose;
  AwsEndpoint endpoint;
  std::string stream;
  uint64_t initial_backoff_millis = 100;  // retryInitialBackoffMillis
  uint64_t max_backoff_millis = 10000;    // retryMaxBackoffMillis
  FlowMetrics* metrics = nullptr;         // required
};

struct StreamSenderOptions {
  size_t threads = 2;
  std::shared_ptr<CredentialsProvider> credentials;  // required
  HttpClientOptions http;
  // Set when ferry stops: calls waiting to be tried again give up (their records stay after
  // the checkpoint).
  const std::atomic<bool>* stop_retrying = nullptr;
  // A call that has not gone through after this long gives up (0: never; --once sets it).
  uint64_t give_up_after_millis = 0;
};

struct StreamJob {
  size_t target = 0;  // index into the targets
  uint64_t call = 0;  // the shipper's sequence number of the call, per target
  StreamCall records;
};

struct StreamDone {
  size_t target = 0;
  uint64_t call = 0;
  Status status = Ok{};  // an error: the call's records were not all delivered
};

// "Firehose PutRecordBatch <stream>" / "Kinesis PutRecords <stream>", for logs.
std::string describe_stream_target(const StreamTarget& target);

class StreamSender {
 public:
  StreamSender(std::vector<StreamTarget> targets, StreamSenderOptions options);
  ~StreamSender();

  // Thread-safe: one more target (a stream flow added or started again while running); returns
  // its index. Targets are never removed: a flow started again gets a new one, so that answers
  // to the calls of its earlier start are never taken for its own.
  size_t add_target(StreamTarget target);

  size_t capacity() const { return threads_->capacity(); }
  size_t in_flight() const { return threads_->in_flight(); }
  // At most capacity() jobs in flight: the caller collects first.
  void submit(StreamJob job);
  // A finished job, waiting for one if `wait` and any is in flight; nullopt if none.
  std::optional<StreamDone> collect(bool wait) { return threads_->collect(wait); }
  // Runs on a sending thread each time a call's answer is ready to collect. Before any submit.
  void set_on_done(std::function<void()> on_done) { threads_->set_on_done(std::move(on_done)); }

 private:
  class Worker;
  Status send(Worker& worker, StreamJob& job);

  // The target and its retry log at `index`, under targets_mutex_ (references stay valid).
  struct Target;
  Target& target_at(size_t index);

  const StreamSenderOptions options_;
  // Per target: one retry warning per interval, shared by the threads.
  struct RetryLog {
    explicit RetryLog(uint64_t interval_millis) : limit(interval_millis) {}
    std::mutex mutex;
    RateLimit limit;
  };
  struct Target {
    Target(StreamTarget target, uint64_t retry_log_millis)
        : target(std::move(target)), retry_log(retry_log_millis) {}
    const StreamTarget target;
    RetryLog retry_log;
  };
  std::mutex targets_mutex_;
  std::deque<Target> targets_;
  std::vector<std::unique_ptr<Worker>> workers_;                // one per thread
  std::unique_ptr<JobThreads<StreamJob, StreamDone>> threads_;  // last: joined first
};

}  // namespace ferry
