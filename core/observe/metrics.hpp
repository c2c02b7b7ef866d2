// Metrics: what ferry counts while it runs, for /metrics (Prometheus text), /healthz, the status
// line and the end-of-run summary. Counters and gauges are relaxed atomics written by the
// pipeline's threads and read by the metrics server's; every flow and rule is registered before
// those threads start, and lives as long as the registry (a reload finds its flow by name).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/aws/statistic_set.hpp"

namespace ferry {

class Counter {
 public:
  void add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Fixed buckets (seconds), cumulative on output as Prometheus expects.
class Histogram {
 public:
  static constexpr std::array<double, 11> kBounds = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                     1,    2.5,   5,    10,  30};
  void observe_millis(uint64_t millis);
  uint64_t count() const { return count_.value(); }
  uint64_t sum_millis() const { return sum_millis_.value(); }
  // Observations at or below kBounds[i] (i < kBounds.size()), or all of them (i == size).
  uint64_t cumulative(size_t i) const;
  // The observations (ms) since the last take: CloudWatch's reporter, once a period.
  StatisticSet take_samples() { return samples_.take(); }

 private:
  std::array<Counter, kBounds.size() + 1> buckets_;  // the last one: above every bound
  Counter count_;
  Counter sum_millis_;
  SampleStats samples_;
};

// The metrics CloudWatch gets by Destination, sampled once per send as the Java agent samples
// them once per PutRecordBatch / PutRecords call (its metrics scope of a call).
enum class SendStat : uint8_t {
  record_send_attempts,  // records in the call, every try counted
  record_send_errors,    // records the stream refused one by one (answered calls)
  service_errors,        // 1 when the call failed as a whole, else 0
  bytes_sent,            // data bytes accepted (answered calls); an object's bytes
  records_sent,          // records (lines) accepted (answered calls); an object's records
};
inline constexpr size_t kSendStats = 5;
using SendStats = std::array<StatisticSet, kSendStats>;

// Why an S3 request was tried again.
enum class RetryCause : uint8_t {
  throttled,
  server_error,
  timeout,
  connection,
  expired_token,
  other
};
inline constexpr size_t kRetryCauses = 6;
std::string_view retry_cause_name(RetryCause cause);
// Classifies a failed attempt: its HTTP status (0: no response) and S3's error code.
// `timed_out`: no answer in time (the request's deadline, or a transfer that stalled).
RetryCause classify_retry(int http_status, std::string_view code, bool timed_out = false);

struct RuleMetrics {
  RuleMetrics(size_t rule_index, std::string text)
      : index(rule_index), description(std::move(text)) {}
  const size_t index;              // in the flow's `redact` list, from 0
  const std::string description;   // describe(rule): never a key
  Counter records;                 // records the rule changed
  Counter values;                  // values it redacted
  std::atomic<bool> active{true};  // in the current configuration
};

// A file of a flow and where its records are durably delivered to.
struct CommittedFile {
  std::string path;
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t offset = 0;
};

struct FlowMetrics {
  explicit FlowMetrics(std::string flow_name) : name(std::move(flow_name)) {}

  const std::string name;
  Counter records_read;  // records the workers processed (reached the shipper)
  Counter bytes_read;
  Counter records_redacted;
  Counter records_invalid;
  Counter records_dropped;    // footer lines and what follows them, records a processor drops
  Counter records_truncated;  // cut to a limit (truncatedRecordTerminator; stream record limit)
  Counter records_shipped;    // in completed objects, or acknowledged by a stream
  Counter bytes_shipped;      // compressed bytes of completed objects; record bytes of a stream
  Counter parts_completed;    // acknowledged parts
  Counter objects_completed;
  // Kinesis / Firehose flows (the Java agent's CloudWatch metrics of the same names):
  Counter stream_record_attempts;  // RecordSendAttempts: records sent, every try counted
  Counter stream_record_errors;    // RecordSendErrors: records the stream refused one by one
  Counter stream_service_errors;   // ServiceErrors: calls that failed as a whole
  Counter stream_calls;            // PutRecordBatch / PutRecords calls acknowledged
  Counter symlinks_refused;        // links to files outside the watched directories, not read
  // When the oldest record not yet in a completed object reached the shipper (unix ms; 0: none).
  Gauge oldest_pending_unix_ms;
  Gauge last_progress_unix_ms;    // last part acknowledged or object completed
  Gauge max_object_age_millis;    // the flow's maxObjectAgeMillis: pending that long is normal
  std::deque<RuleMetrics> rules;  // guarded by the registry (Metrics::flow, render)

  std::atomic<bool> active{true};  // in the current configuration (false: removed by a reload)

  // Its destination (fault isolation; lives across runs): failing since the last failure until
  // something is delivered again. Thread-safe.
  struct Failure {
    std::string code;     // S3's error code, or a word for the kind of failure
    std::string message;  // the error line's text
    int64_t unix_ms = 0;  // when it last failed
    uint64_t consecutive = 0;
  };
  // Records a failure; returns how many in a row, this one included.
  uint64_t record_failure(std::string code, std::string message, int64_t unix_ms);
  void record_success();
  bool up() const;
  std::optional<Failure> failure() const;  // the last one, while failing

  // A send, counted and sampled (SendStat) together. Thread-safe. A Firehose / Kinesis call of
  // `records` records: RecordSendAttempts, and ServiceErrors 1 when it failed as a whole, else 0.
  void record_stream_call(uint64_t records, bool service_error);
  // The call's answer: the `lines` and data `bytes` of the records it accepted, and how many
  // records it refused (RecordsSent, BytesSent, RecordSendErrors).
  void record_stream_answer(uint64_t lines, uint64_t bytes, uint64_t refused);
  // An object completed (S3, directory): its records and bytes (RecordsSent, BytesSent).
  void record_object(uint64_t records, uint64_t bytes);
  // The send samples since the last take (CloudWatch's reporter, once a period).
  SendStats take_send_stats();

  // The committed files, as the checkpoint has them (for lag); none until the checkpoint first
  // published them in this run. Thread-safe.
  void set_committed(std::vector<CommittedFile> files);
  std::optional<std::vector<CommittedFile>> committed() const;
  // The flow's filePattern (for the files gauge). Thread-safe.
  void set_file_pattern(std::string pattern);
  std::string file_pattern() const;
  // How the Kinesis Agent's progress lines name the flow ("FileTailer[ID]": its Java flow id,
  // else its name) and whether a dataProcessingOptions chain transforms its records. Thread-safe.
  struct Tailer {
    std::string id;
    bool transforms = false;
  };
  void set_tailer(Tailer tailer);
  Tailer tailer() const;

 private:
  mutable std::mutex mutex_;
  std::optional<std::vector<CommittedFile>> committed_;
  std::string file_pattern_;
  Tailer tailer_;
  Failure failure_;
  bool up_ = true;
  std::mutex send_mutex_;
  SendStats send_stats_;  // guarded by send_mutex_
};

// What the metrics server measures on each scrape (io): per flow, by index.
struct FlowSample {
  uint64_t files = 0;      // files the pattern matches now
  uint64_t lag_bytes = 0;  // bytes in the flow's files beyond what is durably delivered
};

class Metrics {
 public:
  // Marks every flow inactive: the flows of a configuration are then registered by flow().
  void begin_configuration();
  // The flow named `name` (active from now), created the first time, with `rule_descriptions` (by
  // rule index) as its active rules; a rule seen before at the same index with the same description
  // keeps its counts (a reload), others become inactive. Returns the active rules' metrics by index
  // in `rules_out`.
  FlowMetrics& flow(std::string_view name, const std::vector<std::string>& rule_descriptions,
                    std::vector<RuleMetrics*>& rules_out);
  // Snapshot of the registered flows, in registration order (stable addresses).
  std::vector<FlowMetrics*> flows() const;
  // Calls f(const RuleMetrics&) for each rule `flow` ever had (active or retired by a reload), in
  // the order they were first registered, under the registry's lock.
  template <class F>
  void for_each_rule(const FlowMetrics& flow, F&& f) const {
    std::lock_guard lock(flows_mutex_);
    for (const RuleMetrics& rule : flow.rules) f(rule);
  }
  // Calls f(const RuleMetrics&) for each active rule of `flow`, under the registry's lock.
  template <class F>
  void for_each_active_rule(const FlowMetrics& flow, F&& f) const {
    std::lock_guard lock(flows_mutex_);
    for (const RuleMetrics& rule : flow.rules)
      if (rule.active.load(std::memory_order_relaxed)) f(rule);
  }

  Counter& retries(RetryCause cause) { return retries_[static_cast<size_t>(cause)]; }
  const Counter& retries(RetryCause cause) const { return retries_[static_cast<size_t>(cause)]; }
  Histogram part_upload_latency;
  Gauge last_checkpoint_unix_ms;
  Gauge backlog_bytes;  // bytes to read, estimated when the run started (the progress line)
  Counter checkpoint_writes;
  Counter reloads;
  Counter reload_failures;

 private:
  mutable std::mutex flows_mutex_;
  std::deque<std::unique_ptr<FlowMetrics>> flows_;
  std::array<Counter, kRetryCauses> retries_;
};

// Prometheus text exposition format 0.0.4. `samples` is by flow index (missing: zeros).
std::string render_prometheus(const Metrics& metrics, const std::vector<FlowSample>& samples,
                              int64_t now_unix_ms);

// A flow is healthy when it has nothing pending, or its oldest pending record is younger than
// its maxObjectAgeMillis + `grace_millis` (records are due in a completed object by then).
// Returns the unhealthy flows' explanations (empty: healthy).
std::vector<std::string> unhealthy_flows(const Metrics& metrics, int64_t now_unix_ms,
                                         int64_t grace_millis);

}  // namespace ferry
