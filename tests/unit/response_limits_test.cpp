// Body caps and request deadlines: a body never holds (or reserves) more than its cap however
// the answer is chunked, and every request's deadline grows with its body but stays bounded.
#include "core/http/response_limits.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>

namespace ferry {
namespace {

TEST(ResponseLimits, AppendStopsAtTheCapAndLeavesTheBodyAsItWas) {
  std::string body;
  EXPECT_TRUE(append_within_cap(body, std::string(60, 'a'), 100));
  EXPECT_TRUE(append_within_cap(body, std::string(40, 'b'), 100));  // exactly the cap
  EXPECT_EQ(body.size(), 100u);
  EXPECT_FALSE(append_within_cap(body, "c", 100));
  EXPECT_EQ(body, std::string(60, 'a') + std::string(40, 'b'));
  EXPECT_TRUE(append_within_cap(body, "", 100));
  std::string other;
  EXPECT_FALSE(append_within_cap(other, std::string(101, 'x'), 100));
  EXPECT_TRUE(other.empty());
}

TEST(ResponseLimits, CapacityNeverPassesTheCapWhateverTheChunks) {
  std::mt19937 random(3);
  for (const size_t cap : {size_t{64} << 10, size_t{1} << 20, size_t{100'000}, size_t{5000}}) {
    for (int run = 0; run < 20; ++run) {
      std::string body;
      for (;;) {
        const std::string chunk(random() % 20000, 'x');
        const bool fits = chunk.size() <= cap - body.size();
        EXPECT_EQ(append_within_cap(body, chunk, cap), fits);
        EXPECT_LE(body.size(), cap);
        EXPECT_LE(body.capacity(), cap) << "cap " << cap;
        if (!fits) break;
      }
    }
  }
}

TEST(ResponseLimits, CapByStatus) {
  EXPECT_EQ(body_cap_for_status(200, kMaxSuccessBodyBytes, kMaxErrorBodyBytes), 1u << 20);
  EXPECT_EQ(body_cap_for_status(206, 10, 5), 10u);
  EXPECT_EQ(body_cap_for_status(500, kMaxSuccessBodyBytes, kMaxErrorBodyBytes), 64u << 10);
  EXPECT_EQ(body_cap_for_status(404, 10, 5), 5u);
  EXPECT_EQ(body_cap_for_status(301, 10, 5), 5u);
  EXPECT_EQ(body_cap_for_status(0, 10, 5), 5u);  // no status line seen: the small cap
}

TEST(ResponseLimits, DeadlineGrowsWithTheBody) {
  EXPECT_EQ(request_deadline_millis(0, 60'000, 32 << 10), 60'000u);
  EXPECT_EQ(request_deadline_millis(1, 60'000, 32 << 10), 60'001u);  // rounded up
  EXPECT_EQ(request_deadline_millis(32 << 10, 60'000, 32 << 10), 61'000u);
  // A 64 MiB part at the default minimum average speed: 2048 s after the base.
  EXPECT_EQ(request_deadline_millis(64u << 20, 60'000, kMinAverageBytesPerSecond), 2'108'000u);
  EXPECT_EQ(request_deadline_millis(3, 0, 2), 1500u);
}

TEST(ResponseLimits, DeadlineSaturates) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  EXPECT_EQ(request_deadline_millis(kMax, 0, 1), kMax);
  EXPECT_EQ(request_deadline_millis(1, kMax, 1), kMax);
  EXPECT_EQ(request_deadline_millis(kMax, 5, uint64_t{1} << 40), 5 + (kMax >> 40) * 1000 + 1000);
}

}  // namespace
}  // namespace ferry
