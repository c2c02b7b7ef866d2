// CRC32C against published vectors (RFC 3720 B.4, the "123456789" check value), the base64
// form S3 uses, and agreement of the hardware and table paths at every length and alignment.
#include "core/crc32c.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace ferry {
namespace {

std::span<const unsigned char> bytes(const std::vector<unsigned char>& v) {
  return {v.data(), v.size()};
}

TEST(Crc32c, CheckValueOf123456789) {
  EXPECT_EQ(crc32c(std::string_view("123456789")), 0xE3069283u);
}

TEST(Crc32c, Rfc3720Vectors) {
  const std::vector<unsigned char> zeros(32, 0x00);
  const std::vector<unsigned char> ones(32, 0xFF);
  std::vector<unsigned char> ascending(32), descending(32);
  for (int i = 0; i < 32; ++i) {
    ascending[i] = static_cast<unsigned char>(i);
    descending[i] = static_cast<unsigned char>(31 - i);
  }
  EXPECT_EQ(crc32c(bytes(zeros)), 0x8A9136AAu);
  EXPECT_EQ(crc32c(bytes(ones)), 0x62A8AB43u);
  EXPECT_EQ(crc32c(bytes(ascending)), 0x46DD794Eu);
  EXPECT_EQ(crc32c(bytes(descending)), 0x113FDB5Cu);
  // The iSCSI SCSI Read (10) command PDU of B.4.
  const std::vector<unsigned char> pdu = {
      0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
      0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  EXPECT_EQ(crc32c(bytes(pdu)), 0xD9963A56u);
}

TEST(Crc32c, EmptyInputIsZero) {
  EXPECT_EQ(crc32c(std::string_view()), 0u);
  EXPECT_EQ(crc32c_base64(0), "AAAAAA==");
}

TEST(Crc32c, Base64IsOfTheBigEndianBytes) {
  // What S3 answers for an object holding "123456789": 0xE3069283 -> e3 06 92 83.
  EXPECT_EQ(crc32c_base64(0xE3069283u), "4waSgw==");
}

TEST(Crc32c, ExtendingPiecesEqualsTheWhole) {
  const std::string text = "The quick brown fox jumps over the lazy dog, twice over and over";
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    const uint32_t first = crc32c(std::string_view(text).substr(0, cut));
    const std::string_view rest = std::string_view(text).substr(cut);
    EXPECT_EQ(
        crc32c_extend(first, {reinterpret_cast<const unsigned char*>(rest.data()), rest.size()}),
        crc32c(text))
        << "cut at " << cut;
  }
}

TEST(Crc32c, HardwareAndTablePathsAgreeAtEveryLengthAndAlignment) {
  std::mt19937 random(20261124);
  std::vector<unsigned char> data(4096 + 16);
  for (auto& b : data) b = static_cast<unsigned char>(random());
  for (size_t offset = 0; offset < 16; ++offset) {
    for (size_t length : {0u, 1u, 7u, 8u, 9u, 15u, 16u, 17u, 63u, 64u, 65u, 1000u, 4096u}) {
      const std::span<const unsigned char> piece(data.data() + offset, length);
      EXPECT_EQ(crc32c_extend(0, piece), crc32c_extend_portable(0, piece))
          << "offset " << offset << " length " << length;
    }
  }
}

}  // namespace
}  // namespace ferry
