// The CloudWatch datapoints of a period and their queue (see cloudwatch_metrics.hpp).
#include "core/cloudwatch_metrics.hpp"

#include <algorithm>

#include "core/assert.hpp"

namespace ferry {
namespace {

struct CounterSpec {
  const char* name;
  MetricUnit unit;
  const Counter FlowMetrics::*counter;
};

// By Destination, the Java agent's names. The first three only for stream flows.
constexpr size_t kStreamOnly = 3;
constexpr std::array<CounterSpec, 5> kDestinationCounters = {{
    {"RecordSendAttempts", MetricUnit::count, &FlowMetrics::stream_record_attempts},
    {"RecordSendErrors", MetricUnit::count, &FlowMetrics::stream_record_errors},
    {"ServiceErrors", MetricUnit::count, &FlowMetrics::stream_service_errors},
    {"BytesSent", MetricUnit::bytes, &FlowMetrics::bytes_shipped},
    {"RecordsSent", MetricUnit::count, &FlowMetrics::records_shipped},
}};

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

std::vector<MetricDatum> CloudWatchCollector::collect(const Metrics& metrics,
                                                      const std::vector<FlowSample>& samples,
                                                      int64_t now_unix_ms) {
  static_assert(kDestinationCounters.size() + kFlowCounters.size() == kCounters);
  std::vector<MetricDatum> out;
  const auto dimensions = [this](const char* name, const std::string& value) {
    std::vector<MetricDimension> list{{name, value}};
    if (!instance_id_.empty()) list.push_back({"Instance", instance_id_});
    return list;
  };
  const auto add = [&](const char* name, std::vector<MetricDimension> dims, double value,
                       MetricUnit unit) {
    out.push_back(MetricDatum{name, std::move(dims), value, unit, now_unix_ms});
  };

  // Flows that share a destination (two prefixes of a bucket) add up under its dimension.
  struct DestinationSums {
    bool stream = false;
    std::array<uint64_t, kDestinationCounters.size()> sums{};
  };
  std::map<std::string, DestinationSums> by_destination;
  const std::vector<FlowMetrics*> flows = metrics.flows();
  for (size_t index = 0; index < flows.size(); ++index) {
    const FlowMetrics& flow = *flows[index];
    const bool active = flow.active.load(std::memory_order_relaxed);
    Seen& seen = seen_[&flow];
    std::array<uint64_t, kCounters> delta{};
    bool grew = false;
    for (size_t i = 0; i < kCounters; ++i) {
      const CounterSpec& spec = i < kDestinationCounters.size()
                                    ? kDestinationCounters[i]
                                    : kFlowCounters[i - kDestinationCounters.size()];
      const uint64_t now = (flow.*spec.counter).value();
      // Counters only grow; a smaller value would be a new registry, which never happens.
      delta[i] = now >= seen.counters[i] ? now - seen.counters[i] : 0;
      seen.counters[i] = now;
      grew = grew || delta[i] > 0;
    }
    if (!active && !grew) continue;

    const auto destination = destinations_.find(flow.name);
    if (destination != destinations_.end()) {
      DestinationSums& sums = by_destination[destination->second.dimension];
      sums.stream = sums.stream || destination->second.stream;
      for (size_t i = 0; i < kDestinationCounters.size(); ++i) sums.sums[i] += delta[i];
    }
    for (size_t i = 0; i < kFlowCounters.size(); ++i)
      add(kFlowCounters[i].name, dimensions("Flow", flow.name),
          static_cast<double>(delta[kDestinationCounters.size() + i]), kFlowCounters[i].unit);
    if (active && index < samples.size())
      add("LagBytes", dimensions("Flow", flow.name), static_cast<double>(samples[index].lag_bytes),
          MetricUnit::bytes);
  }
  for (const auto& [dimension, sums] : by_destination) {
    for (size_t i = sums.stream ? 0 : kStreamOnly; i < kDestinationCounters.size(); ++i)
      add(kDestinationCounters[i].name, dimensions("Destination", dimension),
          static_cast<double>(sums.sums[i]), kDestinationCounters[i].unit);
  }

  const uint64_t count = metrics.part_upload_latency.count();
  const uint64_t sum = metrics.part_upload_latency.sum_millis();
  if (count > latency_count_) {
    const double average = static_cast<double>(sum - std::min(sum, latency_sum_millis_)) /
                           static_cast<double>(count - latency_count_);
    std::vector<MetricDimension> dims;
    if (!instance_id_.empty()) dims.push_back({"Instance", instance_id_});
    add("PartUploadLatency", std::move(dims), average, MetricUnit::milliseconds);
  }
  latency_count_ = count;
  latency_sum_millis_ = sum;
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
