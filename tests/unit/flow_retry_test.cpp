// How long a flow whose destination failed waits before it is tried again: 10 s for a first
// failure, doubling with each failure in a row, never more than 5 minutes.
#include <gtest/gtest.h>

#include "agent/shipper.hpp"

namespace ferry {
namespace {

TEST(FlowRetry, BackoffDoublesFromTenSecondsToFiveMinutes) {
  EXPECT_EQ(flow_retry_backoff_millis(1), 10'000u);
  EXPECT_EQ(flow_retry_backoff_millis(2), 20'000u);
  EXPECT_EQ(flow_retry_backoff_millis(3), 40'000u);
  EXPECT_EQ(flow_retry_backoff_millis(5), 160'000u);
  EXPECT_EQ(flow_retry_backoff_millis(6), 300'000u);
  EXPECT_EQ(flow_retry_backoff_millis(1'000'000), 300'000u);
  EXPECT_EQ(flow_retry_backoff_millis(0), 10'000u);
}

}  // namespace
}  // namespace ferry
