// core/json/utf8: RFC 3629 validation, the lossy repair, and the exact byte encoding the checkpoint
// uses for names that are not UTF-8.
#include "core/json/utf8.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

namespace ferry {
namespace {

bool valid(std::string_view text) {
  return simdjson::validate_utf8(text.data(), text.size());
}

TEST(Utf8, SequenceLengthFollowsTheRfcTable) {
  EXPECT_EQ(utf8_sequence_length("a", 0), 1u);
  EXPECT_EQ(utf8_sequence_length("\xC3\xA9", 0), 2u);
  EXPECT_EQ(utf8_sequence_length("\xE2\x82\xAC", 0), 3u);
  EXPECT_EQ(utf8_sequence_length("\xF0\x9F\x98\x80", 0), 4u);
  EXPECT_EQ(utf8_sequence_length("\xC0\x80", 0), 0u);          // overlong
  EXPECT_EQ(utf8_sequence_length("\xED\xA0\x80", 0), 0u);      // surrogate
  EXPECT_EQ(utf8_sequence_length("\xF4\x90\x80\x80", 0), 0u);  // above U+10FFFF
  EXPECT_EQ(utf8_sequence_length("\xE2\x82", 0), 0u);          // truncated
  EXPECT_EQ(utf8_sequence_length("\xFF", 0), 0u);
}

TEST(Utf8, RepairReplacesEachMaximalInvalidSubpart) {
  std::string out;
  repair_utf8("a\xE2\x82z\xFF", out);
  EXPECT_EQ(out, "a\xEF\xBF\xBDz\xEF\xBF\xBD");
}

TEST(Utf8, EveryByteRoundTripsThroughTheEncoding) {
  std::string name = "logs/";
  for (int b = 1; b <= 0xFF; ++b) name.push_back(static_cast<char>(b));
  std::string encoded;
  encode_utf8_bytes(name, encoded);
  EXPECT_TRUE(valid(encoded));
  EXPECT_EQ(decode_utf8_bytes(encoded), name);
}

TEST(Utf8, ValidTextIsUnchangedAndGenuineEscapeCharactersRoundTrip) {
  std::string encoded;
  encode_utf8_bytes("/var/log/caf\xC3\xA9.log", encoded);
  EXPECT_EQ(encoded, "/var/log/caf\xC3\xA9.log");
  const std::string genuine = "x\xF4\x8F\xBE\x80y";  // U+10FF80 itself, in a name
  encode_utf8_bytes(genuine, encoded);
  EXPECT_NE(encoded, genuine);
  EXPECT_TRUE(valid(encoded));
  EXPECT_EQ(decode_utf8_bytes(encoded), genuine);
}

TEST(Utf8, EveryTwoByteCombinationRoundTrips) {
  std::string encoded;
  for (int a = 0; a <= 0xFF; ++a) {
    for (int b = 0; b <= 0xFF; ++b) {
      const std::string bytes{static_cast<char>(a), static_cast<char>(b), '\xF4', '\x8F'};
      encode_utf8_bytes(bytes, encoded);
      ASSERT_TRUE(valid(encoded)) << a << " " << b;
      ASSERT_EQ(decode_utf8_bytes(encoded), bytes) << a << " " << b;
    }
  }
}

}  // namespace
}  // namespace ferry
