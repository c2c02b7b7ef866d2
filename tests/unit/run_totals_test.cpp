// Unit tests for the run summaries read from the metrics registry: every flow counts (a removed
// one too), a run is the totals less those at its start, and the rate has a unit that fits.
#include "agent/run_totals.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ferry {
namespace {

TEST(RunTotals, EveryFlowCountsAndARunIsTheDifference) {
  Metrics metrics;
  std::vector<RuleMetrics*> rules;
  FlowMetrics& a = metrics.flow("a", {}, rules);
  FlowMetrics& b = metrics.flow("b", {}, rules);
  a.records_read.add(10);
  a.bytes_read.add(1000);
  a.records_redacted.add(4);
  a.objects_completed.add(1);
  a.bytes_shipped.add(300);
  const RunTotals start = run_totals(metrics);
  b.records_read.add(5);
  b.bytes_read.add(500);
  b.records_invalid.add(1);
  b.stream_calls.add(2);
  b.active.store(false);  // removed by a reload: what it did still counts
  RunTotals run = run_totals(metrics);
  EXPECT_EQ(run.records, 15u);
  EXPECT_EQ(run.bytes_read, 1500u);
  run -= start;
  EXPECT_EQ(run.records, 5u);
  EXPECT_EQ(run.redacted, 0u);
  EXPECT_EQ(run.invalid, 1u);
  EXPECT_EQ(run.stream_calls, 2u);
  EXPECT_EQ(run.objects, 0u);
}

TEST(RunTotals, TheLineSaysWhatHappenedWithARateThatIsNeverZeroByRounding) {
  RunTotals totals;
  totals.records = 21;
  totals.redacted = 15;
  totals.invalid = 1;
  totals.bytes_read = 5060;
  totals.objects = 2;
  totals.bytes_shipped = 1485;
  EXPECT_EQ(describe_totals(totals, 94),
            "21 records (15 redacted, 1 invalid, 0 dropped), 5060 bytes read, 2 objects, 1485 "
            "bytes shipped, 94 ms, 53.8 kB/s");
  totals.truncated = 3;
  totals.stream_calls = 7;
  EXPECT_EQ(describe_totals(totals, 0),
            "21 records (15 redacted, 1 invalid, 0 dropped, 3 truncated), 5060 bytes read, 2 "
            "objects, 7 stream calls, 1485 bytes shipped, 0 ms, 0 B/s");
}

}  // namespace
}  // namespace ferry
