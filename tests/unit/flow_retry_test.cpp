// How long a flow whose destination failed waits before it is tried again (core/backoff.hpp):
// the first pause (s3.maxBackoffMillis, 10 s by default) doubling with each failure in a row,
// never more than 5 minutes, and jittered to between half and all of it.
#include <gtest/gtest.h>

#include <random>

#include "core/backoff.hpp"

namespace ferry {
namespace {

TEST(FlowRetry, BackoffDoublesFromTheFirstPauseToTheCap) {
  EXPECT_EQ(doubling_backoff(10'000, 300'000, 1), 10'000u);
  EXPECT_EQ(doubling_backoff(10'000, 300'000, 2), 20'000u);
  EXPECT_EQ(doubling_backoff(10'000, 300'000, 3), 40'000u);
  EXPECT_EQ(doubling_backoff(10'000, 300'000, 5), 160'000u);
  EXPECT_EQ(doubling_backoff(10'000, 300'000, 6), 300'000u);
  EXPECT_EQ(doubling_backoff(10'000, 300'000, 1'000'000), 300'000u);
  EXPECT_EQ(doubling_backoff(10'000, 300'000, 0), 10'000u);
  EXPECT_EQ(doubling_backoff(50, 300'000, 4), 400u);  // a test's s3.maxBackoffMillis
  EXPECT_EQ(doubling_backoff(7, 7, 30), 7u);
}

TEST(FlowRetry, JitterStaysWithinItsRange) {
  std::mt19937_64 random(42);
  bool below_three_quarters = false;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t equal = equal_jitter(10'000, random);
    EXPECT_GE(equal, 5'000u);
    EXPECT_LE(equal, 10'000u);
    below_three_quarters |= equal < 7'500;
    EXPECT_LE(full_jitter(100, random), 100u);
  }
  EXPECT_TRUE(below_three_quarters);  // it is jittered, not the pause itself
  EXPECT_EQ(equal_jitter(0, random), 0u);
  EXPECT_EQ(full_jitter(0, random), 0u);
}

}  // namespace
}  // namespace ferry
