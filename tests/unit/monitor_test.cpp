// Unit tests for the progress line and byte formatting of the monitor.
#include "agent/monitor.hpp"

#include <gtest/gtest.h>

namespace ferry {
namespace {

TEST(Monitor, ProgressLine) {
  EXPECT_EQ(progress_line(0, 1'000'000'000, 0), "progress: 0.0 of 1000.0 MB (0%), 0.0 MB/s");
  EXPECT_EQ(progress_line(250'000'000, 1'000'000'000, 1000),
            "progress: 250.0 of 1000.0 MB (25%), 250.0 MB/s, ETA 3 s");
  // Files that grew while being read: never above 100%, no ETA once done.
  EXPECT_EQ(progress_line(1'200'000, 1'000'000, 2000), "progress: 1.2 of 1.2 MB (100%), 0.6 MB/s");
  EXPECT_EQ(progress_line(0, 0, 100), "progress: 0.0 of 0.0 MB (100%), 0.0 MB/s");
}

TEST(Monitor, FormatBytes) {
  EXPECT_EQ(format_bytes(999), "999 B");
  EXPECT_EQ(format_bytes(1500), "1.5 kB");
  EXPECT_EQ(format_bytes(12'345'678), "12.3 MB");
  EXPECT_EQ(format_bytes(2'500'000'000), "2.5 GB");
}

}  // namespace
}  // namespace ferry
