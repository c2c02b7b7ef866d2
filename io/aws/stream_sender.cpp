// Stream calls on worker threads, with per-record and whole-call retries (see the header).
#include "io/aws/stream_sender.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <thread>
#include <utility>

#include "core/assert.hpp"
#include "core/backoff.hpp"
#include "core/observe/log.hpp"
#include "core/text.hpp"
#include "io/aws/aws_service_client.hpp"
#include "io/credentials/credentials_provider.hpp"
#include "io/steady_clock.hpp"

namespace ferry {
namespace {

// Retries of one flow are summarised in one warning at most this often (throttling is normal
// for a stream at its limit and must not flood the log).
constexpr uint64_t kRetryLogIntervalMillis = 30'000;

}  // namespace

std::string describe_stream_target(const StreamTarget& target) {
  return cat(target.kind == StreamKind::firehose ? "Firehose " : "Kinesis ",
             stream_operation(target.kind), " ", target.stream);
}

class StreamSender::Worker {
 public:
  explicit Worker(const StreamSenderOptions& options)
      : options_(options), jitter_(std::random_device{}()) {}

  AwsServiceClient& client(const StreamTarget& target) {
    const std::string key = cat(stream_service(target.kind), " ", target.endpoint.url);
    auto it = clients_.find(key);
    if (it == clients_.end()) {
      it = clients_
               .emplace(key, std::make_unique<AwsServiceClient>(
                                 target.endpoint, std::string(stream_service(target.kind)),
                                 options_.credentials, options_.http))
               .first;
    }
    return *it->second;
  }

  uint64_t jittered(uint64_t cap) { return equal_jitter(cap, jitter_); }

 private:
  const StreamSenderOptions& options_;
  std::map<std::string, std::unique_ptr<AwsServiceClient>> clients_;
  std::mt19937_64 jitter_;
};

StreamSender::StreamSender(std::vector<StreamTarget> targets, StreamSenderOptions options)
    : options_(std::move(options)) {
  FERRY_ASSERT(options_.threads >= 1);
  FERRY_ASSERT(options_.credentials != nullptr);
  for (StreamTarget& target : targets) add_target(std::move(target));
  for (size_t i = 0; i < options_.threads; ++i)
    workers_.push_back(std::make_unique<Worker>(options_));
  threads_ = std::make_unique<JobThreads<StreamJob, StreamDone>>(
      options_.threads, "ferry-stream", [this](size_t thread, StreamJob& job) {
        return StreamDone{job.target, job.call, send(*workers_[thread], job)};
      });
}

size_t StreamSender::add_target(StreamTarget target) {
  FERRY_ASSERT(target.metrics != nullptr);
  FERRY_ASSERT(target.initial_backoff_millis >= 1 &&
               target.initial_backoff_millis <= target.max_backoff_millis);
  std::lock_guard lock(targets_mutex_);
  targets_.emplace_back(std::move(target), kRetryLogIntervalMillis);
  return targets_.size() - 1;
}

StreamSender::Target& StreamSender::target_at(size_t index) {
  std::lock_guard lock(targets_mutex_);
  FERRY_ASSERT(index < targets_.size());
  return targets_[index];
}

StreamSender::~StreamSender() = default;

void StreamSender::submit(StreamJob job) {
  (void)target_at(job.target);  // asserts that it exists
  FERRY_ASSERT(!job.records.records.empty());
  threads_->submit(std::move(job));
}

Status StreamSender::send(Worker& worker, StreamJob& job) {
  Target& slot = target_at(job.target);
  const StreamTarget& target = slot.target;
  FlowMetrics& metrics = *target.metrics;
  AwsServiceClient& client = worker.client(target);
  const std::string what = describe_stream_target(target);
  std::vector<StreamRecord> pending = std::move(job.records.records);
  const uint64_t started = steady_millis();
  uint64_t backoff = target.initial_backoff_millis;
  bool refreshed_credentials = false;
  const std::vector<HttpHeader> headers = {
      {"x-amz-target", std::string(stream_target(target.kind))}};
  for (;;) {
    const std::string body = encode_put_request(target.kind, target.stream, pending);
    Result<HttpResponse> sent = client.post({kAwsJsonContentType, headers, body});
    std::string problem;  // why (part of) the call is tried again
    if (!sent.ok()) {
      metrics.record_stream_call(pending.size(), true);
      if (!client.last_error_is_transient())
        return make_error(cat(what, ": ", sent.error().message));
      problem = sent.error().message;
    } else if (sent->status != 200) {
      metrics.record_stream_call(pending.size(), true);
      const ServiceError error = parse_service_error(sent->body);
      const std::string described =
          cat("HTTP ", sent->status, error.code.empty() ? "" : " ", error.code,
              error.message.empty() ? "" : ": ", error.message);
      if (is_expired_credentials_code(error.code) && !refreshed_credentials) {
        refreshed_credentials = true;
        const Status refreshed = client.refresh_credentials();
        if (!refreshed.ok())
          return make_error(cat(what, ": ", described, " (", refreshed.error().message, ")"));
        continue;
      }
      if (!is_retryable_stream_error(static_cast<int>(sent->status), error.code))
        return make_error(cat(what, ": ", described));
      problem = described;
    } else {
      Result<PutAnswer> answer = parse_put_answer(target.kind, sent->body, pending.size());
      if (!answer.ok()) {
        // Which records went through cannot be told: all are sent again (at least once).
        metrics.record_stream_call(pending.size(), true);
        problem = answer.error().message;
      } else {
        metrics.record_stream_call(pending.size(), false);
        std::vector<StreamRecord> refused;
        uint64_t lines = 0;
        uint64_t bytes = 0;
        for (size_t i = 0; i < pending.size(); ++i) {
          if (answer->errors[i].empty()) {
            lines += pending[i].lines;
            bytes += pending[i].data.size();
          } else {
            refused.push_back(std::move(pending[i]));
          }
        }
        metrics.record_stream_answer(lines, bytes, refused.size());
        metrics.last_progress_unix_ms.set(unix_millis());
        if (refused.empty()) return Ok{};
        if (refused.size() < pending.size()) backoff = target.initial_backoff_millis;  // progress
        problem = cat(refused.size(), " of ", pending.size(), " records refused (",
                      answer->first_error, ")");
        pending = std::move(refused);
      }
    }
    if (options_.stop_retrying != nullptr && options_.stop_retrying->load())
      return make_error(cat(what, ": ", problem, "; not tried again: ferry is stopping"));
    if (options_.give_up_after_millis > 0 &&
        steady_millis() - started >= options_.give_up_after_millis)
      return make_error(cat(what, ": ", problem, "; gave up after ",
                            (steady_millis() - started) / 1000, " s of retries"));
    const uint64_t delay = worker.jittered(backoff);
    {
      RetryLog& log = slot.retry_log;
      std::lock_guard lock(log.mutex);
      uint64_t held_back = 0;
      if (log.limit.pass(steady_millis(), held_back))
        FERRY_WARN(cat(what, ": ", problem, "; trying again in ", delay, " ms",
                       held_back > 0
                           ? cat(" (", held_back, " more retries since the last such warning)")
                           : std::string()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    backoff = std::min(backoff * 2, target.max_backoff_millis);
  }
}

}  // namespace ferry
