// The Date header S3 sends with RequestTimeTooSkewed, read as Unix seconds: exact on known
// instants, agreeing with the C library's formatting over a century of days, strict otherwise.
#include "core/http/http_date.hpp"

#include <gtest/gtest.h>

#include <ctime>
#include <random>

namespace ferry {
namespace {

TEST(HttpDate, KnownInstants) {
  EXPECT_EQ(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(parse_http_date("Tue, 29 Feb 2028 23:59:59 GMT"), 1835481599);
  EXPECT_EQ(parse_http_date("Sat, 05 Dec 2026 02:41:12 GMT"), 1796438472);
}

TEST(HttpDate, AgreesWithStrftimeOverACentury) {
  std::mt19937_64 random(7);
  for (int i = 0; i < 20000; ++i) {
    const std::time_t t = static_cast<std::time_t>(random() % 4102444800ull);  // to 2100
    std::tm tm{};
    ASSERT_NE(::gmtime_r(&t, &tm), nullptr);
    char buf[64];
    ASSERT_GT(std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm), 0u);
    EXPECT_EQ(parse_http_date(buf), static_cast<int64_t>(t)) << buf;
  }
}

TEST(HttpDate, AnythingElseIsRefused) {
  for (const char* bad : {"", "Sun, 06 Nov 1994 08:49:37 UTC", "Mon, 06 Nov 1994 08:49:37 GMT",
                          "Sun, 6 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                          "Sun Nov  6 08:49:37 1994", "Thu, 30 Feb 2028 00:00:00 GMT",
                          "Fri, 29 Feb 2030 00:00:00 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
                          "Sun, 06 Nov 1994 08:60:00 GMT", "Sun, 06 Xyz 1994 08:49:37 GMT",
                          "Wed, 31 Dec 1969 23:59:59 GMT", "Sun, 06 Nov 1994 08:49:3x GMT",
                          "Sun, 06 Nov 1994 08:49:37 GMT "})
    EXPECT_EQ(parse_http_date(bad), std::nullopt) << bad;
}

}  // namespace
}  // namespace ferry
