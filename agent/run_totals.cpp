// What ferry did, from the metrics registry (see run_totals.hpp).
#include "agent/run_totals.hpp"

#include "agent/monitor.hpp"
#include "core/text.hpp"

namespace ferry {

RunTotals& RunTotals::operator-=(const RunTotals& earlier) {
  const auto less = [](uint64_t& value, uint64_t minus) {
    value = value > minus ? value - minus : 0;
  };
  less(records, earlier.records);
  less(redacted, earlier.redacted);
  less(invalid, earlier.invalid);
  less(dropped, earlier.dropped);
  less(truncated, earlier.truncated);
  less(bytes_read, earlier.bytes_read);
  less(objects, earlier.objects);
  less(bytes_shipped, earlier.bytes_shipped);
  less(stream_calls, earlier.stream_calls);
  return *this;
}

RunTotals run_totals(const Metrics& metrics) {
  RunTotals totals;
  for (const FlowMetrics* flow : metrics.flows()) {
    totals.records += flow->records_read.value();
    totals.redacted += flow->records_redacted.value();
    totals.invalid += flow->records_invalid.value();
    totals.dropped += flow->records_dropped.value();
    totals.truncated += flow->records_truncated.value();
    totals.bytes_read += flow->bytes_read.value();
    totals.objects += flow->objects_completed.value();
    totals.bytes_shipped += flow->bytes_shipped.value();
    totals.stream_calls += flow->stream_calls.value();
  }
  return totals;
}

std::string describe_totals(const RunTotals& totals, uint64_t millis) {
  const double rate =
      millis > 0 ? static_cast<double>(totals.bytes_read) * 1000.0 / static_cast<double>(millis)
                 : 0;
  return cat(totals.records, " records (", totals.redacted, " redacted, ", totals.invalid,
             " invalid, ", totals.dropped, " dropped",
             totals.truncated > 0 ? cat(", ", totals.truncated, " truncated") : "", "), ",
             totals.bytes_read, " bytes read, ", totals.objects, " objects, ",
             totals.stream_calls > 0 ? cat(totals.stream_calls, " stream calls, ") : "",
             totals.bytes_shipped, " bytes shipped, ", millis, " ms, ",
             format_bytes(static_cast<uint64_t>(rate)), "/s");
}

}  // namespace ferry
