// Unit tests for RateLimit: one event per interval, the first at once, held-back events counted.
#include "core/observe/rate_limit.hpp"

#include <gtest/gtest.h>

namespace ferry {
namespace {

TEST(RateLimit, TheFirstEventPassesThenOnePerIntervalWithTheHeldBackCount) {
  RateLimit limit(1000);
  uint64_t held_back = 99;
  EXPECT_TRUE(limit.pass(5, held_back));
  EXPECT_EQ(held_back, 0u);
  EXPECT_FALSE(limit.pass(6, held_back));
  EXPECT_FALSE(limit.pass(1004, held_back));
  EXPECT_TRUE(limit.pass(1005, held_back));
  EXPECT_EQ(held_back, 2u);
  EXPECT_TRUE(limit.pass(5000, held_back));
  EXPECT_EQ(held_back, 0u);
}

TEST(RateLimit, AFirstEventAtTimeZeroStillStartsTheInterval) {
  RateLimit limit(30000);
  uint64_t held_back = 0;
  EXPECT_TRUE(limit.pass(0, held_back));
  EXPECT_FALSE(limit.pass(29999, held_back));
  EXPECT_TRUE(limit.pass(30000, held_back));
  EXPECT_EQ(held_back, 1u);
}

}  // namespace
}  // namespace ferry
