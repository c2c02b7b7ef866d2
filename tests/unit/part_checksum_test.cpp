// A part's CRC32C from upload to completion: computed as S3 expects it (base64, big-endian),
// kept in the checkpoint with the part (so an upload continued after a restart still lists it),
// and listed in the CompleteMultipartUpload body. Checkpoints written before checksums existed
// still load.
#include <gtest/gtest.h>

#include <string>

#include "core/checkpoint/checkpoint.hpp"
#include "core/aws/s3_xml.hpp"
#include "io/aws/s3_client.hpp"

namespace ferry {
namespace {

TEST(PartChecksum, BodyChecksumsFollowTheFlowsOptions) {
  const std::string body = "123456789";
  const std::span<const char> bytes(body.data(), body.size());
  S3ObjectOptions object;  // defaults: CRC32C only
  BodyChecksums sums = body_checksums(bytes, object);
  EXPECT_EQ(sums.crc32c, "4waSgw==");  // 0xE3069283
  EXPECT_EQ(sums.md5, "");
  object.content_md5 = true;
  object.checksum_crc32c = false;
  sums = body_checksums(bytes, object);
  EXPECT_EQ(sums.crc32c, "");
  EXPECT_EQ(sums.md5, "JfnnlDI7RTiF9RgfG2JNCw==");  // base64 of MD5("123456789")
}

Checkpoint with_open_object(std::vector<UploadedPart> parts) {
  Checkpoint checkpoint;
  OpenObject open;
  open.key = "k.json.zst";
  open.upload_id = "upload-1";
  for (const auto& part : parts) open.size += part.size;
  open.parts = std::move(parts);
  checkpoint.flow("events").open = std::move(open);
  return checkpoint;
}

TEST(PartChecksum, TheCheckpointKeepsEachPartsChecksum) {
  const Checkpoint saved =
      with_open_object({{1, "\"e1\"", 5 << 20, "AAAAAA=="}, {2, "\"e2\"", 100, "4waSgw=="}});
  auto loaded = decode_checkpoint(encode_checkpoint(saved));
  ASSERT_TRUE(loaded) << loaded.error().message;
  const auto& parts = loaded->flow("events").open->parts;
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].checksum_crc32c, "AAAAAA==");
  EXPECT_EQ(parts[1].checksum_crc32c, "4waSgw==");
}

TEST(PartChecksum, PartsWithoutAChecksumStillLoad) {
  const std::string text = encode_checkpoint(with_open_object({{1, "\"e1\"", 7, ""}}));
  EXPECT_EQ(text.find("crc32c"), std::string::npos);  // written as before checksums existed
  auto loaded = decode_checkpoint(text);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->flow("events").open->parts.at(0).checksum_crc32c, "");
}

TEST(PartChecksum, CompleteListsEachPartsChecksumAfterItsETag) {
  EXPECT_EQ(complete_multipart_body({{1, "\"a\"", "AAAAAA=="}, {2, "\"b\"", ""}}),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Part><PartNumber>1</PartNumber><ETag>&quot;a&quot;</ETag>"
            "<ChecksumCRC32C>AAAAAA==</ChecksumCRC32C></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>&quot;b&quot;</ETag></Part>"
            "</CompleteMultipartUpload>");
}

}  // namespace
}  // namespace ferry
