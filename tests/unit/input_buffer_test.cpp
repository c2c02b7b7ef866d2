// InputBuffer: bytes already where they would be appended are taken in place; bytes behind them
// in the spare capacity move down; growing keeps what it holds, even when appending from itself.
#include "core/batch/input_buffer.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ferry {
namespace {

TEST(InputBufferTest, AppendsAndGrowsLikeAString) {
  InputBuffer buffer;
  std::string expected;
  for (int i = 0; i < 1000; ++i) {
    const std::string record = "record " + std::to_string(i);
    buffer.append(record);
    buffer.push_back('\n');
    expected += record + "\n";
  }
  EXPECT_EQ(buffer.view(), expected);
  EXPECT_GE(buffer.capacity(), buffer.size());
  buffer.clear();
  EXPECT_TRUE(buffer.empty());
  EXPECT_GE(buffer.capacity(), expected.size());  // kept for the next batch
}

TEST(InputBufferTest, BytesAtTheSparePositionAreTakenInPlace) {
  InputBuffer buffer;
  buffer.reserve(64);
  buffer.append("a\n");
  char* const spare = buffer.spare();
  const std::string read = "bb\ncc\n";
  read.copy(spare, read.size());  // as a read landing there
  buffer.append(std::string_view(spare, 2));
  buffer.push_back('\n');
  buffer.append(std::string_view(spare + 3, 2));
  buffer.push_back('\n');
  EXPECT_EQ(buffer.view(), "a\nbb\ncc\n");
  EXPECT_EQ(buffer.data() + 2, spare);  // nothing moved
  EXPECT_EQ(buffer.capacity(), 64u);
}

TEST(InputBufferTest, BytesFurtherOnInTheSpareCapacityMoveDownOverlapping) {
  InputBuffer buffer;
  buffer.reserve(64);
  buffer.append("x\n");
  // A read of "\n\nlonger record\n" landed after the records: two empty lines are dropped, so
  // the record moves down by two bytes, over itself.
  const std::string read = "\n\nlonger record\n";
  read.copy(buffer.spare(), read.size());
  const std::string_view record(buffer.spare() + 2, 13);
  ASSERT_EQ(record, "longer record");
  buffer.append(record);
  buffer.push_back('\n');
  EXPECT_EQ(buffer.view(), "x\nlonger record\n");
}

TEST(InputBufferTest, GrowingKeepsTheBytesAndCopiesASourceInsideTheOldBuffer) {
  InputBuffer buffer;
  buffer.reserve(8);
  buffer.append("abcdefgh");
  ASSERT_EQ(buffer.capacity(), 8u);
  buffer.append(buffer.view());  // from itself, past its capacity
  EXPECT_EQ(buffer.view(), "abcdefghabcdefgh");
  buffer.reserve(100);
  EXPECT_EQ(buffer.view(), "abcdefghabcdefgh");
  EXPECT_EQ(buffer.capacity(), 100u);
  buffer.reserve(10);  // never shrinks
  EXPECT_EQ(buffer.capacity(), 100u);
}

}  // namespace
}  // namespace ferry
