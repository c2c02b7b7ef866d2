// What ferry sends to CloudWatch each period, as StatisticValues: by Destination, the Java
// agent's metrics with one sample per send (a PutRecordBatch / PutRecords call; an S3 or
// directory object) and its ConsecutiveProcessingErrors gauge, by Flow ferry's own with one
// sample per period (a counter's growth, a gauge); and the bounded queue of datapoints waiting to
// be sent. Pure; owned by the CloudWatch
// reporter's thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/aws/cloudwatch_request.hpp"
#include "core/observe/metrics.hpp"

namespace ferry {

// The Destination dimension of a flow, and whether it is a Firehose/Kinesis flow (which also
// gets the Java agent's RecordSendAttempts, RecordSendErrors and ServiceErrors).
struct CloudWatchDestination {
  std::string dimension;  // "DeliveryStream:<name>", "KinesisStream:<name>", "S3:<bucket>", ...
  bool stream = false;
};

class CloudWatchCollector {
 public:
  // `instance_id`: the Instance dimension of every datapoint; empty: none.
  explicit CloudWatchCollector(std::string instance_id) : instance_id_(std::move(instance_id)) {}

  // The destination of the flow named `flow` (from now; kept after the flow is removed).
  void set_destination(const std::string& flow, CloudWatchDestination destination);

  // The datapoints of the period ending at `now_unix_ms` (the first: since the registry was
  // created). By Destination, the send samples the flows took (SendStat; takes them): a metric
  // without a send in the period is not sent, as the Java agent sends nothing for a period
  // without calls; flows with the same destination add up into one datapoint. By Flow, each
  // counter's growth and LagBytes from `samples` (by flow index, as sample_flows() gives them) as
  // one sample each; active flows report zeros too, so that a quiet flow shows as 0 rather than
  // as missing data, removed flows only what grew. PartUploadLatency: the period's uploads, one
  // sample each (takes them), when there were any. ConsecutiveProcessingErrors by Destination:
  // each active flow's destination failures in a row (0 while it delivers), one sample a period.
  std::vector<MetricDatum> collect(Metrics& metrics, const std::vector<FlowSample>& samples,
                                   int64_t now_unix_ms);

 private:
  static constexpr size_t kCounters = 7;
  struct Seen {
    std::array<uint64_t, kCounters> counters{};
  };
  std::string instance_id_;
  std::map<std::string, CloudWatchDestination, std::less<>> destinations_;
  std::map<const FlowMetrics*, Seen> seen_;
};

// The datapoints waiting to be sent, oldest first, at most `capacity` (metricsQueueSize): when
// more arrive the oldest are dropped and counted.
class CloudWatchQueue {
 public:
  explicit CloudWatchQueue(size_t capacity);

  // Appends `datums`; returns how many old ones were dropped to make room.
  size_t push(std::vector<MetricDatum> datums);
  // The waiting datapoints, oldest first.
  std::span<const MetricDatum> waiting() const { return datums_; }
  // Removes the `n` oldest (sent, or refused for good).
  void pop(size_t n);
  size_t size() const { return datums_.size(); }
  uint64_t dropped() const { return dropped_; }

 private:
  size_t capacity_;
  std::vector<MetricDatum> datums_;
  uint64_t dropped_ = 0;
};

}  // namespace ferry
