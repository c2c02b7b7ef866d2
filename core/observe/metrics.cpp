// The metrics registry, the Prometheus text rendering and the health rule.
#include "core/observe/metrics.hpp"

#include <algorithm>
#include <utility>

#include "core/assert.hpp"
#include "core/text.hpp"

namespace ferry {

namespace {

// A label value with \, " and newline escaped, as the exposition format requires.
std::string label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out.append("\\n");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append(cat("# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n"));
}

template <class Value>
void sample(std::string& out, std::string_view name, std::string_view labels, Value value) {
  out.append(name);
  if (!labels.empty()) out.append(cat("{", labels, "}"));
  out.append(cat(" ", value, "\n"));
}

// "0.25" rather than "0.250000": Prometheus parses either, people read the short one.
std::string seconds_text(double seconds) {
  std::string text = std::to_string(seconds);
  while (text.size() > 1 && text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string millis_as_seconds(int64_t millis) {
  return cat(millis / 1000, ".", static_cast<char>('0' + (millis % 1000) / 100),
             static_cast<char>('0' + (millis % 100) / 10), static_cast<char>('0' + millis % 10));
}

struct FlowCounter {
  std::string_view name;
  std::string_view help;
  const Counter FlowMetrics::*counter;
};

constexpr FlowCounter kFlowCounters[] = {
    {"ferry_records_read_total", "Records read from the flow's files (after the workers).",
     &FlowMetrics::records_read},
    {"ferry_bytes_read_total", "Bytes of records read from the flow's files.",
     &FlowMetrics::bytes_read},
    {"ferry_records_redacted_total", "Records changed by at least one redaction rule.",
     &FlowMetrics::records_redacted},
    {"ferry_records_invalid_total", "Records replaced by the invalid-record marker.",
     &FlowMetrics::records_invalid},
    {"ferry_records_dropped_total",
     "Records the flow's settings leave out, as the Kinesis Agent: lines a dataProcessingOptions "
     "converter filters out (LOGTOJSON on a line its pattern does not match), a "
     "fileFooterPattern line and what follows it in its file.",
     &FlowMetrics::records_dropped},
    {"ferry_records_truncated_total",
     "Records cut to a limit, the rest dropped (truncatedRecordTerminator; on stream flows at "
     "the service's record limit, as the Kinesis Agent).",
     &FlowMetrics::records_truncated},
    {"ferry_records_shipped_total",
     "Records in completed objects, or acknowledged by a Kinesis / Firehose stream.",
     &FlowMetrics::records_shipped},
    {"ferry_bytes_shipped_total",
     "Compressed bytes of completed objects; record bytes acknowledged by a stream.",
     &FlowMetrics::bytes_shipped},
    {"ferry_parts_completed_total", "Multipart upload parts acknowledged by S3.",
     &FlowMetrics::parts_completed},
    {"ferry_objects_completed_total", "Objects completed at the destination.",
     &FlowMetrics::objects_completed},
    {"ferry_stream_record_attempts_total",
     "Records sent to a Kinesis / Firehose stream, every try counted (RecordSendAttempts).",
     &FlowMetrics::stream_record_attempts},
    {"ferry_stream_record_errors_total",
     "Records a stream refused in a call that otherwise went through (RecordSendErrors).",
     &FlowMetrics::stream_record_errors},
    {"ferry_stream_service_errors_total",
     "PutRecordBatch / PutRecords calls that failed as a whole (ServiceErrors).",
     &FlowMetrics::stream_service_errors},
    {"ferry_stream_calls_total", "PutRecordBatch / PutRecords calls acknowledged.",
     &FlowMetrics::stream_calls},
    {"ferry_symlinks_refused_total",
     "Files not read because they lead through a symbolic link to outside the directories the "
     "flow watches (followSymlinks is off); each link counted once.",
     &FlowMetrics::symlinks_refused},
};

}  // namespace

void Histogram::observe_millis(uint64_t millis) {
  const double seconds = static_cast<double>(millis) / 1000.0;
  size_t bucket = 0;
  while (bucket < kBounds.size() && seconds > kBounds[bucket]) ++bucket;
  buckets_[bucket].add();
  count_.add();
  sum_millis_.add(millis);
  samples_.observe(static_cast<double>(millis));
}

uint64_t Histogram::cumulative(size_t i) const {
  FERRY_ASSERT(i <= kBounds.size());
  uint64_t total = 0;
  for (size_t b = 0; b <= i; ++b) total += buckets_[b].value();
  return total;
}

std::string_view retry_cause_name(RetryCause cause) {
  switch (cause) {
    case RetryCause::throttled: return "throttled";
    case RetryCause::server_error: return "server_error";
    case RetryCause::timeout: return "timeout";
    case RetryCause::connection: return "connection";
    case RetryCause::expired_token: return "expired_token";
    case RetryCause::other: return "other";
  }
  return "other";
}

RetryCause classify_retry(int http_status, std::string_view code, bool timed_out) {
  if (code == "ExpiredToken" || code == "ExpiredTokenException" || code == "InvalidToken")
    return RetryCause::expired_token;
  if (http_status == 429 || code == "SlowDown" || code == "Throttling" ||
      code == "ThrottlingException" || code == "RequestLimitExceeded")
    return RetryCause::throttled;
  if (timed_out || code == "RequestTimeout" || http_status == 408) return RetryCause::timeout;
  if (http_status >= 500) return RetryCause::server_error;
  if (http_status == 0) return RetryCause::connection;
  return RetryCause::other;
}

void FlowMetrics::set_committed(std::vector<CommittedFile> files) {
  std::lock_guard lock(mutex_);
  committed_ = std::move(files);
}

std::optional<std::vector<CommittedFile>> FlowMetrics::committed() const {
  std::lock_guard lock(mutex_);
  return committed_;
}

uint64_t FlowMetrics::record_failure(std::string code, std::string message, int64_t unix_ms) {
  std::lock_guard lock(mutex_);
  up_ = false;
  failure_.code = std::move(code);
  failure_.message = std::move(message);
  failure_.unix_ms = unix_ms;
  return ++failure_.consecutive;
}

void FlowMetrics::record_stream_call(uint64_t records, bool service_error) {
  stream_record_attempts.add(records);
  if (service_error) stream_service_errors.add();
  std::lock_guard lock(send_mutex_);
  send_stats_[static_cast<size_t>(SendStat::record_send_attempts)].add(
      static_cast<double>(records));
  send_stats_[static_cast<size_t>(SendStat::service_errors)].add(service_error ? 1 : 0);
}

void FlowMetrics::record_stream_answer(uint64_t lines, uint64_t bytes, uint64_t refused) {
  stream_calls.add();
  records_shipped.add(lines);
  bytes_shipped.add(bytes);
  stream_record_errors.add(refused);
  std::lock_guard lock(send_mutex_);
  send_stats_[static_cast<size_t>(SendStat::records_sent)].add(static_cast<double>(lines));
  send_stats_[static_cast<size_t>(SendStat::bytes_sent)].add(static_cast<double>(bytes));
  send_stats_[static_cast<size_t>(SendStat::record_send_errors)].add(static_cast<double>(refused));
}

void FlowMetrics::record_object(uint64_t records, uint64_t bytes) {
  records_shipped.add(records);
  bytes_shipped.add(bytes);
  std::lock_guard lock(send_mutex_);
  send_stats_[static_cast<size_t>(SendStat::records_sent)].add(static_cast<double>(records));
  send_stats_[static_cast<size_t>(SendStat::bytes_sent)].add(static_cast<double>(bytes));
}

SendStats FlowMetrics::take_send_stats() {
  std::lock_guard lock(send_mutex_);
  return std::exchange(send_stats_, SendStats{});
}

void FlowMetrics::record_success() {
  std::lock_guard lock(mutex_);
  up_ = true;
  failure_.consecutive = 0;
}

bool FlowMetrics::up() const {
  std::lock_guard lock(mutex_);
  return up_;
}

std::optional<FlowMetrics::Failure> FlowMetrics::failure() const {
  std::lock_guard lock(mutex_);
  if (up_) return std::nullopt;
  return failure_;
}

void FlowMetrics::set_file_pattern(std::string pattern) {
  std::lock_guard lock(mutex_);
  file_pattern_ = std::move(pattern);
}

std::string FlowMetrics::file_pattern() const {
  std::lock_guard lock(mutex_);
  return file_pattern_;
}

void FlowMetrics::set_tailer(Tailer tailer) {
  std::lock_guard lock(mutex_);
  tailer_ = std::move(tailer);
}

FlowMetrics::Tailer FlowMetrics::tailer() const {
  std::lock_guard lock(mutex_);
  return tailer_;
}

void Metrics::begin_configuration() {
  std::lock_guard lock(flows_mutex_);
  for (const auto& flow : flows_) flow->active.store(false, std::memory_order_relaxed);
}

FlowMetrics& Metrics::flow(std::string_view name, const std::vector<std::string>& rule_descriptions,
                           std::vector<RuleMetrics*>& rules_out) {
  std::lock_guard lock(flows_mutex_);
  auto found = std::find_if(flows_.begin(), flows_.end(),
                            [&](const auto& flow) { return flow->name == name; });
  if (found == flows_.end()) {
    flows_.push_back(std::make_unique<FlowMetrics>(std::string(name)));
    found = std::prev(flows_.end());
  }
  FlowMetrics& flow = **found;
  flow.active.store(true, std::memory_order_relaxed);
  for (RuleMetrics& rule : flow.rules) rule.active.store(false, std::memory_order_relaxed);
  rules_out.clear();
  for (size_t i = 0; i < rule_descriptions.size(); ++i) {
    auto rule = std::find_if(flow.rules.begin(), flow.rules.end(), [&](const RuleMetrics& r) {
      return r.index == i && r.description == rule_descriptions[i];
    });
    if (rule == flow.rules.end()) {
      flow.rules.emplace_back(i, rule_descriptions[i]);
      rule = std::prev(flow.rules.end());
    }
    rule->active.store(true, std::memory_order_relaxed);
    rules_out.push_back(&*rule);
  }
  return flow;
}

std::vector<FlowMetrics*> Metrics::flows() const {
  std::lock_guard lock(flows_mutex_);
  std::vector<FlowMetrics*> out;
  out.reserve(flows_.size());
  for (const auto& flow : flows_) out.push_back(flow.get());
  return out;
}

std::string render_prometheus(const Metrics& metrics, const std::vector<FlowSample>& samples,
                              int64_t now_unix_ms) {
  std::string out;
  const std::vector<FlowMetrics*> flows = metrics.flows();
  std::vector<std::string> flow_labels;
  for (const FlowMetrics* flow : flows)
    flow_labels.push_back(cat("flow=\"", label_value(flow->name), "\""));

  for (const FlowCounter& counter : kFlowCounters) {
    family(out, counter.name, "counter", counter.help);
    for (size_t f = 0; f < flows.size(); ++f)
      sample(out, counter.name, flow_labels[f], (flows[f]->*counter.counter).value());
  }
  family(out, "ferry_redaction_records_total", "counter",
         "Records a redaction rule changed (a value redacted, or its flag or time added).");
  family(out, "ferry_redaction_values_total", "counter",
         "Values a redaction rule replaced, hashed or removed (pattern rules: matches).");
  for (size_t f = 0; f < flows.size(); ++f) {
    metrics.for_each_active_rule(*flows[f], [&](const RuleMetrics& rule) {
      const std::string labels = cat(flow_labels[f], ",rule=\"", rule.index + 1,
                                     "\",description=\"", label_value(rule.description), "\"");
      sample(out, "ferry_redaction_records_total", labels, rule.records.value());
      sample(out, "ferry_redaction_values_total", labels, rule.values.value());
    });
  }
  family(out, "ferry_files_tailed", "gauge", "Files the flow's filePattern matches now.");
  for (size_t f = 0; f < flows.size(); ++f)
    sample(out, "ferry_files_tailed", flow_labels[f], f < samples.size() ? samples[f].files : 0);
  family(out, "ferry_lag_bytes", "gauge",
         "Bytes in the flow's files beyond what is durably delivered (files with a checkpoint "
         "entry).");
  for (size_t f = 0; f < flows.size(); ++f)
    sample(out, "ferry_lag_bytes", flow_labels[f], f < samples.size() ? samples[f].lag_bytes : 0);
  family(out, "ferry_oldest_pending_seconds", "gauge",
         "Age of the oldest record not yet in a completed object (0: none).");
  for (size_t f = 0; f < flows.size(); ++f) {
    const int64_t since = flows[f]->oldest_pending_unix_ms.value();
    sample(out, "ferry_oldest_pending_seconds", flow_labels[f],
           millis_as_seconds(since == 0 ? 0 : std::max<int64_t>(0, now_unix_ms - since)));
  }

  family(out, "ferry_flow_up", "gauge",
         "1 while the flow's destination takes its records, 0 from a failure until it delivers "
         "again.");
  for (size_t f = 0; f < flows.size(); ++f)
    sample(out, "ferry_flow_up", flow_labels[f], flows[f]->up() ? 1 : 0);
  family(out, "ferry_flow_last_error_timestamp_seconds", "gauge",
         "When the failing flow's destination last failed, by error code.");
  for (size_t f = 0; f < flows.size(); ++f) {
    if (const auto failure = flows[f]->failure())
      sample(out, "ferry_flow_last_error_timestamp_seconds",
             cat(flow_labels[f], ",code=\"", label_value(failure->code), "\""),
             millis_as_seconds(failure->unix_ms));
  }

  family(out, "ferry_s3_retries_total", "counter", "S3 requests tried again, by cause.");
  for (size_t c = 0; c < kRetryCauses; ++c) {
    const auto cause = static_cast<RetryCause>(c);
    sample(out, "ferry_s3_retries_total", cat("cause=\"", retry_cause_name(cause), "\""),
           metrics.retries(cause).value());
  }
  const Histogram& latency = metrics.part_upload_latency;
  family(out, "ferry_part_upload_seconds", "histogram",
         "Time from submitting a part (or one-request object) to its acknowledgement.");
  for (size_t b = 0; b <= Histogram::kBounds.size(); ++b) {
    const std::string le =
        b < Histogram::kBounds.size() ? seconds_text(Histogram::kBounds[b]) : "+Inf";
    sample(out, "ferry_part_upload_seconds_bucket", cat("le=\"", le, "\""), latency.cumulative(b));
  }
  sample(out, "ferry_part_upload_seconds_sum", "",
         millis_as_seconds(static_cast<int64_t>(latency.sum_millis())));
  sample(out, "ferry_part_upload_seconds_count", "", latency.count());

  const int64_t checkpointed = metrics.last_checkpoint_unix_ms.value();
  family(out, "ferry_seconds_since_last_checkpoint", "gauge",
         "Seconds since the checkpoint was last written (-1: not yet in this run).");
  sample(out, "ferry_seconds_since_last_checkpoint", "",
         checkpointed == 0 ? std::string("-1")
                           : millis_as_seconds(std::max<int64_t>(0, now_unix_ms - checkpointed)));
  family(out, "ferry_checkpoint_writes_total", "counter", "Checkpoint generations written.");
  sample(out, "ferry_checkpoint_writes_total", "", metrics.checkpoint_writes.value());
  family(out, "ferry_reloads_total", "counter", "Configurations applied by SIGHUP.");
  sample(out, "ferry_reloads_total", "", metrics.reloads.value());
  family(out, "ferry_reload_failures_total", "counter",
         "Configurations refused at SIGHUP (the running one was kept).");
  sample(out, "ferry_reload_failures_total", "", metrics.reload_failures.value());
  return out;
}

std::vector<std::string> unhealthy_flows(const Metrics& metrics, int64_t now_unix_ms,
                                         int64_t grace_millis) {
  std::vector<std::string> problems;
  for (const FlowMetrics* flow : metrics.flows()) {
    if (!flow->active.load(std::memory_order_relaxed)) continue;
    if (const auto failure = flow->failure()) {
      problems.push_back(cat("flow ", flow->name, ": destination failing (", failure->consecutive,
                             " time(s) in a row, last ",
                             std::max<int64_t>(0, now_unix_ms - failure->unix_ms) / 1000,
                             " s ago): ", failure->message));
      continue;
    }
    const int64_t since = flow->oldest_pending_unix_ms.value();
    if (since == 0) continue;
    const int64_t waited = now_unix_ms - since;
    const int64_t allowed = flow->max_object_age_millis.value() + grace_millis;
    if (waited <= allowed) continue;
    const int64_t progress = flow->last_progress_unix_ms.value();
    problems.push_back(cat("flow ", flow->name, ": records waiting ", waited / 1000,
                           " s for delivery (allowed ", allowed / 1000, " s); last progress ",
                           progress == 0 ? std::string("never in this run")
                                         : cat((now_unix_ms - progress) / 1000, " s ago")));
  }
  return problems;
}

}  // namespace ferry
