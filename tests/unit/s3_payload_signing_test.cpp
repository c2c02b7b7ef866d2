// Which S3 bodies are signed as UNSIGNED-PAYLOAD: only over HTTPS and only with a checksum S3
// verifies; everything else is signed with its SHA-256.
#include "core/aws/s3_payload_signing.hpp"

#include <gtest/gtest.h>

namespace ferry {
namespace {

const std::vector<HttpHeader> kCrc32c{{"x-amz-checksum-crc32c", "AAAAAA=="}};
const std::vector<HttpHeader> kMd5{{"content-md5", "1B2M2Y8AsgTpgAmY7PhCfg=="}};

TEST(S3PayloadSigning, AChecksummedBodyOverHttpsIsUnsigned) {
  EXPECT_TRUE(s3_payload_may_be_unsigned("https://s3.eu-west-1.amazonaws.com/b/k", kCrc32c, 9));
  EXPECT_TRUE(s3_payload_may_be_unsigned("https://127.0.0.1:9443/b/k?partNumber=1", kMd5, 9));
}

TEST(S3PayloadSigning, PlainHttpAlwaysSignsTheBodysHash) {
  EXPECT_FALSE(s3_payload_may_be_unsigned("http://127.0.0.1:4568/b/k", kCrc32c, 9));
  EXPECT_FALSE(s3_payload_may_be_unsigned("http://127.0.0.1:4568/b/k", kMd5, 9));
  EXPECT_FALSE(s3_payload_may_be_unsigned("HTTPS-lookalike://host/b/k", kCrc32c, 9));
}

TEST(S3PayloadSigning, ABodyWithoutAChecksumIsSignedEvenOverHttps) {
  EXPECT_FALSE(s3_payload_may_be_unsigned("https://host/b/k", {}, 9));
  EXPECT_FALSE(s3_payload_may_be_unsigned("https://host/b/k", {{"content-type", "x"}}, 9));
  EXPECT_FALSE(s3_payload_may_be_unsigned("https://host/b/k", {{"x-amz-checksum-crc32c", ""}}, 9));
  EXPECT_FALSE(s3_payload_may_be_unsigned("https://host/b/k", kCrc32c, 0));  // nothing to hash
}

}  // namespace
}  // namespace ferry
