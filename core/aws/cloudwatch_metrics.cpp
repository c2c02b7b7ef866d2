// The CloudWatch datapoints of a period and their queue (see cloudwatch_metrics.hpp).
#include "core/aws/cloudwatch_metrics.hpp"

#include <algorithm>
#include <optional>

#include "core/assert.hpp"

namespace ferry {
namespace {

struct SendSpec {
  const char* name;
  MetricUnit unit;
  SendStat stat;
  bool stream_only;  // Firehose / Kinesis flows only: S3 and directory flows have no such call
};

// By Destination: the Java agent's four (FirehoseSender / KinesisSender), then ferry's RecordsSent.
constexpr std::array<SendSpec, kSendStats> kSendMetrics = {{
    {"RecordSendAttempts", MetricUnit::count, SendStat::record_send_attempts, true},
    {"RecordSendErrors", MetricUnit::count, SendStat::record_send_errors, true},
    {"ServiceErrors", MetricUnit::count, SendStat::service_errors, true},
    {"BytesSent", MetricUnit::bytes, SendStat::bytes_sent, false},
    {"RecordsSent", MetricUnit::count, SendStat::records_sent, false},
}};

struct CounterSpec {
  const char* name;
  MetricUnit unit;
  const Counter FlowMetrics::*counter;
};

// By Flow, ferry's own.
constexpr std::array<CounterSpec, 7> kFlowCounters = {{
    {"RecordsRead", MetricUnit::count, &FlowMetrics::records_read},
    {"BytesRead", MetricUnit::bytes, &FlowMetrics::bytes_read},
    {"RecordsRedacted", MetricUnit::count, &FlowMetrics::records_redacted},
    {"RecordsInvalid", MetricUnit::count, &FlowMetrics::records_invalid},
    {"RecordsDropped", MetricUnit::count, &FlowMetrics::records_dropped},
    {"RecordsShipped", MetricUnit::count, &FlowMetrics::records_shipped},
    {"BytesShipped", MetricUnit::bytes, &FlowMetrics::bytes_shipped},
}};

}  // namespace

void CloudWatchCollector::set_destination(const std::string& flow,
                                          CloudWatchDestination destination) {
  destinations_[flow] = std::move(destination);
}

std::vector<MetricDatum> CloudWatchCollector::collect(Metrics& metrics,
                                                      const std::vector<FlowSample>& samples,
                                                      int64_t now_unix_ms) {
  static_assert(kFlowCounters.size() == kCounters);
  std::vector<MetricDatum> out;
  const auto dimensions = [this](const char* name, const std::string& value) {
    std::vector<MetricDimension> list{{name, value}};
    if (!instance_id_.empty()) list.push_back({"Instance", instance_id_});
    return list;
  };
  const auto add = [&](const char* name, std::vector<MetricDimension> dims,
                       const StatisticSet& statistics, MetricUnit unit) {
    FERRY_ASSERT(!statistics.empty());
    out.push_back(MetricDatum{name, std::move(dims), statistics, unit, now_unix_ms});
  };

  // Flows that share a destination (two prefixes of a bucket) add up under its dimension.
  struct DestinationStats {
    bool stream = false;
    SendStats stats{};
    StatisticSet consecutive_errors;  // one sample per active flow
  };
  std::map<std::string, DestinationStats> by_destination;
  const std::vector<FlowMetrics*> flows = metrics.flows();
  for (size_t index = 0; index < flows.size(); ++index) {
    FlowMetrics& flow = *flows[index];
    const bool active = flow.active.load(std::memory_order_relaxed);
    const SendStats sent = flow.take_send_stats();
    Seen& seen = seen_[&flow];
    std::array<uint64_t, kCounters> delta{};
    bool grew = false;
    for (size_t i = 0; i < kCounters; ++i) {
      const uint64_t now = (flow.*kFlowCounters[i].counter).value();
      // Counters only grow; a smaller value would be a new registry, which never happens.
      delta[i] = now >= seen.counters[i] ? now - seen.counters[i] : 0;
      seen.counters[i] = now;
      grew = grew || delta[i] > 0;
    }
    if (const auto destination = destinations_.find(flow.name);
        destination != destinations_.end()) {
      DestinationStats& stats = by_destination[destination->second.dimension];
      stats.stream = stats.stream || destination->second.stream;
      for (size_t i = 0; i < kSendStats; ++i) stats.stats[i].merge(sent[i]);
      // The Java agent's ConsecutiveProcessingErrors is a flow's tailer failing in a row; ferry's
      // tailer never loops on an error, a flow is stuck when its destination keeps failing.
      if (active) {
        const std::optional<FlowMetrics::Failure> failure = flow.failure();
        stats.consecutive_errors.add(failure ? static_cast<double>(failure->consecutive) : 0);
      }
    }
    if (!active && !grew) continue;
    for (size_t i = 0; i < kCounters; ++i)
      add(kFlowCounters[i].name, dimensions("Flow", flow.name),
          StatisticSet::of(static_cast<double>(delta[i])), kFlowCounters[i].unit);
    if (active && index < samples.size())
      add("LagBytes", dimensions("Flow", flow.name),
          StatisticSet::of(static_cast<double>(samples[index].lag_bytes)), MetricUnit::bytes);
  }
  for (const auto& [dimension, stats] : by_destination) {
    for (const SendSpec& spec : kSendMetrics) {
      const StatisticSet& set = stats.stats[static_cast<size_t>(spec.stat)];
      if (set.empty() || (spec.stream_only && !stats.stream)) continue;
      add(spec.name, dimensions("Destination", dimension), set, spec.unit);
    }
    if (!stats.consecutive_errors.empty())
      add("ConsecutiveProcessingErrors", dimensions("Destination", dimension),
          stats.consecutive_errors, MetricUnit::count);
  }

  if (const StatisticSet latency = metrics.part_upload_latency.take_samples(); !latency.empty()) {
    std::vector<MetricDimension> dims;
    if (!instance_id_.empty()) dims.push_back({"Instance", instance_id_});
    add("PartUploadLatency", std::move(dims), latency, MetricUnit::milliseconds);
  }
  return out;
}

CloudWatchQueue::CloudWatchQueue(size_t capacity) : capacity_(capacity) {
  FERRY_ASSERT(capacity_ > 0);
  datums_.reserve(std::min<size_t>(capacity_, 4096));
}

size_t CloudWatchQueue::push(std::vector<MetricDatum> datums) {
  size_t dropped = 0;
  if (datums.size() >= capacity_) {
    // Only the newest fit: everything waiting and the oldest of the new ones go.
    dropped = datums_.size() + (datums.size() - capacity_);
    datums_.clear();
    datums.erase(datums.begin(),
                 datums.begin() + static_cast<std::ptrdiff_t>(datums.size() - capacity_));
  } else if (datums_.size() + datums.size() > capacity_) {
    dropped = datums_.size() + datums.size() - capacity_;
    pop(dropped);
  }
  for (MetricDatum& datum : datums) datums_.push_back(std::move(datum));
  dropped_ += dropped;
  FERRY_ASSERT(datums_.size() <= capacity_);
  return dropped;
}

void CloudWatchQueue::pop(size_t n) {
  FERRY_ASSERT(n <= datums_.size());
  datums_.erase(datums_.begin(), datums_.begin() + static_cast<std::ptrdiff_t>(n));
}

}  // namespace ferry
