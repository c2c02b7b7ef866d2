// Unit tests for the S3 request keys of agent.json: a flow's encryption, storage class, content
// headers and checksums, and the service's CA bundle and retry bounds, with their exact errors.
#include <gtest/gtest.h>

#include <string>

#include "agent/config/config.hpp"
#include "core/text.hpp"

namespace ferry::config {
namespace {

// A one-flow document with `root` keys beside "flows" and `s3` keys inside the flow's "s3".
std::string document(const std::string& root, const std::string& s3) {
  return cat(R"({"checkpointFile": "/tmp/ferry-cp", "s3.region": "us-east-1", )", root,
             root.empty() ? "" : ", ",
             R"("flows": [{"filePattern": "/tmp/in/*.log", "s3": {"bucket": "retention")",
             s3.empty() ? "" : ", ", s3, "}}]}");
}

const S3Destination& s3_of(const Parsed& parsed) {
  return std::get<S3Destination>(parsed.config.flows.at(0).destination);
}

std::string error_of(const std::string& text) {
  auto parsed = parse(text);
  return parsed ? std::string("(parsed)") : parsed.error().message;
}

TEST(ConfigS3Request, DefaultsAreCrc32cAndNdjsonWithTheBucketsOwnSettings) {
  auto parsed = parse(document("", ""));
  ASSERT_TRUE(parsed) << parsed.error().message;
  const S3ObjectOptions& request = s3_of(*parsed).request;
  EXPECT_EQ(request.content_type, "application/x-ndjson");
  EXPECT_EQ(request.content_encoding, "");
  EXPECT_EQ(request.server_side_encryption, "");
  EXPECT_EQ(request.storage_class, "");
  EXPECT_FALSE(request.bucket_key_enabled.has_value());
  EXPECT_TRUE(request.checksum_crc32c);
  EXPECT_FALSE(request.content_md5);
  EXPECT_EQ(parsed->config.s3.ca_bundle, "");
  EXPECT_EQ(parsed->config.s3.max_attempts, 8);
  EXPECT_EQ(parsed->config.s3.initial_backoff_millis, 100);
  EXPECT_EQ(parsed->config.s3.max_backoff_millis, 10000);
}

TEST(ConfigS3Request, EveryKeyReachesTheStructWithoutWarnings) {
  auto parsed = parse(document(
      R"("s3.caBundle": "/etc/ssl/certs/ca-certificates.crt", "s3.maxAttempts": "3",
         "s3.initialBackoffMillis": 50, "s3.maxBackoffMillis": 2000)",
      R"("serverSideEncryption": "aws:kms", "kmsKeyId": "arn:aws:kms:us-east-1:1:key/k",
         "bucketKeyEnabled": "yes", "storageClass": "STANDARD_IA",
         "contentType": "application/json", "contentEncoding": "zstd",
         "checksumAlgorithm": "NONE", "contentMd5": true)"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->warnings, std::vector<std::string>{});
  const S3ObjectOptions& request = s3_of(*parsed).request;
  EXPECT_EQ(request.server_side_encryption, "aws:kms");
  EXPECT_EQ(request.kms_key_id, "arn:aws:kms:us-east-1:1:key/k");
  EXPECT_EQ(request.bucket_key_enabled, std::optional<bool>(true));
  EXPECT_EQ(request.storage_class, "STANDARD_IA");
  EXPECT_EQ(request.content_type, "application/json");
  EXPECT_EQ(request.content_encoding, "zstd");
  EXPECT_FALSE(request.checksum_crc32c);
  EXPECT_TRUE(request.content_md5);
  EXPECT_EQ(parsed->config.s3.ca_bundle, "/etc/ssl/certs/ca-certificates.crt");
  EXPECT_EQ(parsed->config.s3.max_attempts, 3);
  EXPECT_EQ(parsed->config.s3.initial_backoff_millis, 50);
  EXPECT_EQ(parsed->config.s3.max_backoff_millis, 2000);
}

TEST(ConfigS3Request, KmsKeysNeedSseKms) {
  EXPECT_EQ(error_of(document("", R"("kmsKeyId": "alias/ferry")")),
            R"(config: flows[0].s3.kmsKeyId: needs "serverSideEncryption": "aws:kms")");
  EXPECT_EQ(error_of(document("", R"("serverSideEncryption": "AES256", "bucketKeyEnabled": true)")),
            R"(config: flows[0].s3.bucketKeyEnabled: needs "serverSideEncryption": "aws:kms")");
}

TEST(ConfigS3Request, EnumsAndHeaderValuesAreChecked) {
  EXPECT_NE(error_of(document("", R"("serverSideEncryption": "aws:kms:dsse")"))
                .find("config: flows[0].s3.serverSideEncryption: "),
            std::string::npos);
  EXPECT_NE(error_of(document("", R"("storageClass": "standard_ia")")).find("STANDARD_IA"),
            std::string::npos);
  EXPECT_EQ(
      error_of(document("", R"("contentType": "ndjson")")),
      R"(config: flows[0].s3.contentType: must be a media type such as "application/x-ndjson", got "ndjson")");
  EXPECT_EQ(error_of(document("", R"("contentType": "text/plain\r\nX-Evil: 1")")),
            "config: flows[0].s3.contentType: must be printable ASCII (it is sent as an HTTP "
            "header)");
  EXPECT_NE(error_of(document("", R"("checksumAlgorithm": "MD5")"))
                .find("config: flows[0].s3.checksumAlgorithm: "),
            std::string::npos);
}

TEST(ConfigS3Request, RequestKeysBelongToS3Only) {
  auto parsed = parse(
      R"({"checkpointFile": "/tmp/cp", "flows": [{"filePattern": "/tmp/in/*.log",
          "directory": {"path": "/tmp/out", "storageClass": "STANDARD"}}]})");
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->warnings.size(), 1u);
  EXPECT_NE(parsed->warnings[0].find("flows[0].directory.storageClass: unknown key"),
            std::string::npos);
}

TEST(ConfigS3Request, ServiceBoundsAreChecked) {
  EXPECT_EQ(error_of(document(R"("s3.caBundle": "/nonexistent/ca.pem")", "")),
            R"(config: s3.caBundle: cannot read "/nonexistent/ca.pem": No such file or directory)");
  EXPECT_NE(error_of(document(R"("s3.maxAttempts": 0)", "")).find("config: s3.maxAttempts: "),
            std::string::npos);
  EXPECT_EQ(
      error_of(document(R"("s3.initialBackoffMillis": 5000, "s3.maxBackoffMillis": 100)", "")),
      "config: s3.initialBackoffMillis: must not exceed s3.maxBackoffMillis (100), got 5000");
}

}  // namespace
}  // namespace ferry::config
