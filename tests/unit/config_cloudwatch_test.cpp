// Unit tests for the cloudwatch.* keys of agent.json: values, defaults (emitMetrics follows the
// kind of flows), and every validation message naming its key.
#include <gtest/gtest.h>

#include <string>

#include "agent/config/config.hpp"
#include "core/text.hpp"

namespace ferry::config {
namespace {

constexpr const char* kDirectoryFlow =
    R"({"name": "d", "filePattern": "/var/log/a/*.log", "directory": {"path": "/tmp/out"}})";
constexpr const char* kS3Flow =
    R"({"name": "s", "filePattern": "/var/log/b/*.log", "s3": {"bucket": "retention"}})";
constexpr const char* kFirehoseFlow =
    R"({"name": "f", "filePattern": "/var/log/c/*.log", "deliveryStream": "events"})";
constexpr const char* kKinesisFlow =
    R"({"name": "k", "filePattern": "/var/log/e/*.log", "kinesisStream": "clicks"})";

// A configuration of `flows` (JSON objects, comma-separated) with `keys` ("k": v, ...) at the root.
std::string document(const std::string& keys, const std::string& flows = kDirectoryFlow) {
  return cat("{", keys, keys.empty() ? "" : ",", "\"flows\": [", flows, "]}");
}

CloudWatchOptions parsed(const std::string& text) {
  auto result = parse(text);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  if (!result.ok()) return {};
  for (const std::string& warning : result.value().warnings)
    EXPECT_EQ(warning.find("cloudwatch"), std::string::npos) << warning;
  return result.value().config.cloudwatch;
}

std::string error_of(const std::string& text) {
  auto result = parse(text);
  EXPECT_FALSE(result.ok());
  return result.ok() ? "" : result.error().message;
}

TEST(ConfigCloudWatch, DefaultsMatchTheKinesisAgent) {
  const CloudWatchOptions options = parsed(document(""));
  EXPECT_EQ(options.endpoint, "");
  EXPECT_EQ(options.namespace_name, "AWSKinesisAgent");
  EXPECT_FALSE(options.tag_instance);
  EXPECT_EQ(options.buffer_time_millis, 30000u);
  EXPECT_EQ(options.queue_size, 10000u);
}

TEST(ConfigCloudWatch, EmitMetricsDefaultsToOffWithoutStreamFlows) {
  EXPECT_FALSE(parsed(document("")).emit_metrics);
  EXPECT_FALSE(parsed(document("", cat(kDirectoryFlow, ",", kS3Flow))).emit_metrics);
}

TEST(ConfigCloudWatch, EmitMetricsDefaultsToOnWithAFirehoseOrKinesisFlow) {
  EXPECT_TRUE(parsed(document("", cat(kS3Flow, ",", kFirehoseFlow))).emit_metrics);
  EXPECT_TRUE(parsed(document("", kKinesisFlow)).emit_metrics);
}

TEST(ConfigCloudWatch, EmitMetricsAsGivenWins) {
  EXPECT_TRUE(parsed(document(R"("cloudwatch.emitMetrics": true)")).emit_metrics);
  EXPECT_TRUE(parsed(document(R"("cloudwatch.emitMetrics": "yes")")).emit_metrics);
  EXPECT_FALSE(parsed(document(R"("cloudwatch.emitMetrics": false)", kFirehoseFlow)).emit_metrics);
  EXPECT_FALSE(parsed(document(R"("cloudwatch.emitMetrics": "0")", kKinesisFlow)).emit_metrics);
}

TEST(ConfigCloudWatch, ReadsEveryKey) {
  const CloudWatchOptions options = parsed(document(
      R"("cloudwatch.emitMetrics": "true", "cloudwatch.endpoint": "http://127.0.0.1:4599",
         "cloudwatch.namespace": "Ferry/Prod", "cloudwatch.tagInstance": "y",
         "cloudwatch.metricsBufferTimeMillis": "1000", "cloudwatch.metricsQueueSize": 1)"));
  EXPECT_TRUE(options.emit_metrics);
  EXPECT_EQ(options.endpoint, "http://127.0.0.1:4599");
  EXPECT_EQ(options.namespace_name, "Ferry/Prod");
  EXPECT_TRUE(options.tag_instance);
  EXPECT_EQ(options.buffer_time_millis, 1000u);
  EXPECT_EQ(options.queue_size, 1u);
}

TEST(ConfigCloudWatch, EndpointMayBeABareHostOrEmpty) {
  EXPECT_EQ(
      parsed(document(R"("cloudwatch.endpoint": "monitoring.eu-west-1.amazonaws.com")")).endpoint,
      "monitoring.eu-west-1.amazonaws.com");
  EXPECT_EQ(parsed(document(R"("cloudwatch.endpoint": "")")).endpoint, "");
}

TEST(ConfigCloudWatch, ErrorsNameTheKey) {
  EXPECT_EQ(error_of(document(R"("cloudwatch.metricsBufferTimeMillis": 999)"))
                .rfind("config: cloudwatch.metricsBufferTimeMillis: ", 0),
            0u);
  EXPECT_EQ(error_of(document(R"("cloudwatch.metricsQueueSize": 0)"))
                .rfind("config: cloudwatch.metricsQueueSize: ", 0),
            0u);
  EXPECT_EQ(error_of(document(R"("cloudwatch.emitMetrics": "maybe")"))
                .rfind("config: cloudwatch.emitMetrics: ", 0),
            0u);
  EXPECT_EQ(error_of(document(R"("cloudwatch.tagInstance": 7)"))
                .rfind("config: cloudwatch.tagInstance: ", 0),
            0u);
  EXPECT_EQ(error_of(document(R"("cloudwatch.endpoint": "ftp://example.com")"))
                .rfind("config: cloudwatch.endpoint: ", 0),
            0u);
}

TEST(ConfigCloudWatch, NamespaceFollowsTheApiRules) {
  EXPECT_EQ(error_of(document(R"("cloudwatch.namespace": "")")),
            "config: cloudwatch.namespace: must be 1 to 255 characters, got 0");
  EXPECT_EQ(error_of(document(cat(R"("cloudwatch.namespace": ")", std::string(256, 'n'), "\""))),
            "config: cloudwatch.namespace: must be 1 to 255 characters, got 256");
  EXPECT_EQ(error_of(document(R"("cloudwatch.namespace": "AWS/Kinesis")")),
            "config: cloudwatch.namespace: must not start with \"AWS/\": those namespaces are "
            "reserved for AWS services");
  EXPECT_EQ(error_of(document(R"("cloudwatch.namespace": ":x")")),
            "config: cloudwatch.namespace: must not start with ':'");
  EXPECT_EQ(error_of(document(R"("cloudwatch.namespace": "tab\there")")),
            "config: cloudwatch.namespace: must be printable ASCII characters (CloudWatch refuses "
            "others)");
  EXPECT_EQ(parsed(document(cat(R"("cloudwatch.namespace": ")", std::string(255, 'n'), "\"")))
                .namespace_name.size(),
            255u);
  EXPECT_EQ(parsed(document(R"("cloudwatch.namespace": "AWSKinesisAgent/Ferry")")).namespace_name,
            "AWSKinesisAgent/Ferry");
}

TEST(ConfigCloudWatch, KeysAreKnownNotIgnored) {
  auto result =
      parse(document(R"("cloudwatch.emitMetrics": false, "cloudwatch.tagInstance": false)"));
  ASSERT_TRUE(result.ok());
  for (const std::string& warning : result.value().warnings)
    EXPECT_EQ(warning.find("cloudwatch"), std::string::npos) << warning;
}

}  // namespace
}  // namespace ferry::config
