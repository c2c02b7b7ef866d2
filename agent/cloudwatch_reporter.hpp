// CloudWatchReporter: a thread that sends the metrics registry to CloudWatch (PutMetricData)
// every cloudwatch.metricsBufferTimeMillis when cloudwatch.emitMetrics is on. It outlives the
// pipeline runs (SIGHUP reloads) and never affects delivery: a failed call is retried in a later
// period, within the cloudwatch.metricsQueueSize bound.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "agent/config/config.hpp"
#include "core/aws/cloudwatch_metrics.hpp"
#include "core/observe/metrics.hpp"

namespace ferry {

class AwsAccessCache;  // agent/setup/aws_access_cache.hpp

// The Destination dimension of a flow: "DeliveryStream:<name>", "KinesisStream:<name>",
// "S3:<bucket>" or "Directory:<path>".
std::string cloudwatch_destination(const config::Flow& flow);

class CloudWatchReporter {
 public:
  // Starts the thread. Credentials, the region and the instance id (cloudwatch.tagInstance) are
  // resolved by the thread, so that a slow metadata service never delays the pipeline; the
  // credentials come from `aws_access` (shared with the pipeline while their keys are equal),
  // which must outlive the reporter. Takes the registry's samples (send samples, part upload
  // times) once a period.
  CloudWatchReporter(const config::Config& config, Metrics& metrics, AwsAccessCache& aws_access);
  // Sends what is left (one last period included), for a few seconds at most, then joins.
  ~CloudWatchReporter();
  CloudWatchReporter(const CloudWatchReporter&) = delete;
  CloudWatchReporter& operator=(const CloudWatchReporter&) = delete;

  // The flows of the configuration about to run (at start and after each reload).
  void set_flows(const std::vector<config::Flow>& flows);

 private:
  struct State;
  void run();

  std::unique_ptr<State> state_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  // Flow name and destination, set by set_flows() for the thread to take; guarded by mutex_.
  std::vector<std::pair<std::string, CloudWatchDestination>> new_flows_;
  std::thread thread_;
};

}  // namespace ferry
