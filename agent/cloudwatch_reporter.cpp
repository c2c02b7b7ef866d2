// The CloudWatch reporter's thread (see cloudwatch_reporter.hpp): collect a period's
// datapoints, queue them, send the queue in PutMetricData calls, back off on throttling.
#include "agent/cloudwatch_reporter.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <variant>

#include "agent/metrics_endpoint.hpp"
#include "agent/setup/aws_access_cache.hpp"
#include "agent/setup/http_options.hpp"
#include "core/aws/aws_endpoint.hpp"
#include "core/aws/cloudwatch_request.hpp"
#include "core/observe/log.hpp"
#include "core/observe/rate_limit.hpp"
#include "core/text.hpp"
#include "io/aws/aws_service_client.hpp"
#include "io/credentials/credentials_metadata.hpp"
#include "io/steady_clock.hpp"
#include "io/thread_name.hpp"

namespace ferry {
namespace {

constexpr uint64_t kLogEveryMillis = 60'000;     // a repeated problem: one line a minute
constexpr uint64_t kMaxBackoffMillis = 300'000;  // throttling / 5xx: pauses up to 5 minutes
constexpr uint64_t kLastFlushMillis = 3'000;     // at shutdown: calls start within this
constexpr long kCallTimeoutMillis = 5'000;       // one PutMetricData call, all in
constexpr std::string_view kFormContentType = "application/x-www-form-urlencoded; charset=utf-8";
// Said once at start: what CloudWatch shows that the Kinesis Agent would not have sent.
constexpr std::string_view kDiffersFromTheJavaAgent =
    "cloudwatch: differs from the Kinesis Agent on purpose: ConsecutiveProcessingErrors counts "
    "a flow's destination failures in a row, once a period (the Java agent: its tailer's errors "
    "in a row, every log.statusReportingPeriodSeconds); besides the Java agent's metrics, "
    "ferry sends RecordsSent by Destination (S3 and directory destinations too) and its own "
    "metrics by Flow (more custom metrics); datapoints carry their period's time and a failed "
    "call is tried again later (the Java agent drops them); up to 1000 datapoints a call (the "
    "Java agent: 20). See docs/migrating-from-kinesis-agent.md";

// One line per `kLogEveryMillis` at most for a kind of problem.
class RateLimitedWarning {
 public:
  void warn(const std::string& message) {
    uint64_t held_back = 0;
    if (limit_.pass(steady_millis(), held_back)) FERRY_WARN(message);
  }

 private:
  RateLimit limit_{kLogEveryMillis};
};

}  // namespace

std::string cloudwatch_destination(const config::Flow& flow) {
  if (const auto* s3 = std::get_if<config::S3Destination>(&flow.destination))
    return cat("S3:", s3->bucket);
  if (const auto* dir = std::get_if<config::DirectoryDestination>(&flow.destination))
    return cat("Directory:", dir->path);
  const auto& stream = std::get<config::StreamDestination>(flow.destination);
  return cat(stream.kind == config::StreamDestination::Kind::firehose ? "DeliveryStream:"
                                                                      : "KinesisStream:",
             stream.name);
}

// Everything the thread owns.
struct CloudWatchReporter::State {
  State(const config::Config& config, Metrics& registry, AwsAccessCache& access)
      : config(config),
        options(config.cloudwatch),
        aws_access(access),
        http(http_options(config.http)),
        metrics(registry),
        collector(""),
        queue(config.cloudwatch.queue_size) {
    const std::string warning =
        implied_region_warning("cloudwatch.endpoint", options.endpoint, "",
                               config.s3.region_is_default ? "" : config.s3.region);
    if (!warning.empty()) FERRY_WARN(warning);
    FERRY_WARN(kDiffersFromTheJavaAgent);
  }

  const config::Config config;  // the one at start: a reload does not change the reporter
  const config::CloudWatchOptions options;
  AwsAccessCache& aws_access;
  const HttpClientOptions http;
  Metrics& metrics;
  CloudWatchCollector collector;
  CloudWatchQueue queue;
  std::unique_ptr<AwsServiceClient> client;
  uint64_t failures = 0;          // consecutive calls that asked to back off
  uint64_t next_send_millis = 0;  // steady clock: no call before this
  RateLimitedWarning dropped_warning, refused_warning, failed_warning, client_warning;

  // The CloudWatch client, made the first time it is needed (and again after a failure).
  bool ensure_client() {
    if (client) return true;
    // As the Kinesis Agent: us-east-1 unless cloudwatch.endpoint names another region.
    auto endpoint =
        resolve_aws_endpoint(options.endpoint, "monitoring", "", kKinesisAgentServiceRegion);
    if (!endpoint) {
      client_warning.warn(cat("cloudwatch: ", endpoint.error().message));
      return false;
    }
    // The pipeline's credentials, STS (if any) called in the region in effect rather than in
    // the CloudWatch endpoint's (us-east-1 unless named): the credential settings then equal
    // the pipeline's and one provider (one refresh thread, one STS or metadata call) serves
    // both. SigV4 credentials do not depend on the region they sign for, and STS answers from
    // a regional endpoint are valid in every region, as the AWS SDKs' one-region STS assumes.
    auto access = aws_access.access(config, "CloudWatch");
    if (!access) {
      client_warning.warn(
          cat("cloudwatch: no credentials; metrics wait (", access.error().message, ")"));
      return false;
    }
    // The HTTP keys, with every call bounded: a last flush at exit must not wait long.
    HttpClientOptions call_http = http;
    call_http.connect_timeout_millis =
        std::min(call_http.connect_timeout_millis, kCallTimeoutMillis);
    call_http.total_timeout_millis = kCallTimeoutMillis;
    call_http.max_response_bytes = 1 << 20;
    client = std::make_unique<AwsServiceClient>(std::move(endpoint.value()), "monitoring",
                                                std::move(access.value().credentials),
                                                std::move(call_http));
    FERRY_INFO(cat("cloudwatch: sending metrics to ", client->endpoint().url, " (namespace ",
                   options.namespace_name, ", every ", options.buffer_time_millis, " ms)"));
    return true;
  }

  void collect() {
    const size_t dropped =
        queue.push(collector.collect(metrics, sample_flows(metrics), unix_millis()));
    if (dropped > 0)
      dropped_warning.warn(cat("cloudwatch: ", queue.size(),
                               " datapoints waiting (cloudwatch.metricsQueueSize): dropped the ",
                               dropped, " oldest, ", queue.dropped(), " since start"));
  }

  void back_off() {
    ++failures;
    const uint64_t pause = std::min<uint64_t>(
        kMaxBackoffMillis, options.buffer_time_millis << std::min<uint64_t>(failures - 1, 20));
    next_send_millis = steady_millis() + pause;
  }

  // Sends the queue, oldest first, until it is empty, a call fails, or `deadline` (steady ms)
  // passes.
  void send(uint64_t deadline) {
    if (queue.size() == 0 || !ensure_client()) return;
    const std::vector<PutMetricDataCall> calls =
        put_metric_data_calls(options.namespace_name, queue.waiting());
    for (const PutMetricDataCall& call : calls) {
      if (steady_millis() >= deadline) return;
      const auto answer = client->post(AwsServiceRequest{kFormContentType, {}, call.body});
      if (!answer) {
        failed_warning.warn(cat("cloudwatch: PutMetricData to ", client->endpoint().url,
                                " failed: ", answer.error().message, "; trying again later"));
        back_off();
        return;
      }
      const HttpResponse& response = answer.value();
      if (response.status >= 200 && response.status < 300) {
        queue.pop(call.datums);
        failures = 0;
        continue;
      }
      const CloudWatchError error =
          parse_cloudwatch_error(response.body).value_or(CloudWatchError{"", ""});
      const std::string what = cat("cloudwatch: PutMetricData answered HTTP ", response.status,
                                   error.code.empty() ? "" : " ", error.code,
                                   error.message.empty() ? "" : ": ", error.message);
      switch (classify_put_metric_data_failure(response.status, error.code)) {
        case PutMetricDataFailure::retry_later:
          failed_warning.warn(cat(what, "; backing off"));
          back_off();
          return;
        case PutMetricDataFailure::refresh_credentials:
          if (const Status refreshed = client->refresh_credentials(); !refreshed.ok())
            refused_warning.warn(
                cat(what, "; refreshing credentials failed: ", refreshed.error().message));
          return;
        case PutMetricDataFailure::keep:
          refused_warning.warn(cat(what, "; the metrics wait (cloudwatch.metricsQueueSize)"));
          return;
        case PutMetricDataFailure::drop:
          refused_warning.warn(cat(what, "; dropped ", call.datums, " datapoints"));
          queue.pop(call.datums);
          continue;
      }
    }
  }
};

CloudWatchReporter::CloudWatchReporter(const config::Config& config, Metrics& metrics,
                                       AwsAccessCache& aws_access)
    : state_(std::make_unique<State>(config, metrics, aws_access)) {
  set_flows(config.flows);
  thread_ = std::thread([this] {
    name_this_thread("ferry-cwatch");
    run();
  });
}

CloudWatchReporter::~CloudWatchReporter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void CloudWatchReporter::set_flows(const std::vector<config::Flow>& flows) {
  std::lock_guard lock(mutex_);
  for (const config::Flow& flow : flows)
    new_flows_.emplace_back(
        flow.name,
        CloudWatchDestination{cloudwatch_destination(flow),
                              std::holds_alternative<config::StreamDestination>(flow.destination)});
}

void CloudWatchReporter::run() {
  State& state = *state_;
  if (state.options.tag_instance) {
    std::string instance_id;
    const std::optional<std::string> imds = instance_metadata_endpoint_from_environment();
    if (!imds) {
      FERRY_WARN(
          "cloudwatch.tagInstance: instance metadata is disabled "
          "(AWS_EC2_METADATA_DISABLED); metrics are sent without the Instance dimension");
    } else if (auto ids = fetch_instance_metadata(*imds, {"/latest/meta-data/instance-id"});
               !ids || ids.value().empty() || ids.value().front().empty()) {
      FERRY_WARN(cat("cloudwatch.tagInstance: no instance id from ", *imds, " (",
                     ids ? std::string("empty answer") : ids.error().message,
                     "); metrics are sent without the Instance dimension"));
    } else {
      instance_id = ids.value().front();
    }
    state.collector = CloudWatchCollector(instance_id);
  }
  const auto period = std::chrono::milliseconds(state.options.buffer_time_millis);
  auto next_period = std::chrono::steady_clock::now() + period;
  for (;;) {
    std::vector<std::pair<std::string, CloudWatchDestination>> flows;
    bool stopping = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, next_period, [this] { return stopping_; });
      stopping = stopping_;
      flows.swap(new_flows_);
    }
    for (auto& [name, destination] : flows)
      state.collector.set_destination(name, std::move(destination));
    if (stopping) break;
    next_period += period;
    const auto now = std::chrono::steady_clock::now();
    if (next_period < now) next_period = now + period;  // a long call: skip, do not catch up
    state.collect();
    if (steady_millis() >= state.next_send_millis) state.send(UINT64_MAX);
  }
  // The last period, sent whatever the backoff says, for a few seconds at most.
  state.collect();
  state.send(steady_millis() + kLastFlushMillis);
  if (state.queue.size() > 0)
    FERRY_WARN(cat("cloudwatch: ", state.queue.size(), " datapoints not sent at exit"));
}

}  // namespace ferry
