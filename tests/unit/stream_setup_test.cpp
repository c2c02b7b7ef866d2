// Where a stream flow's calls go, as the Kinesis Agent sends them: its Firehose and Kinesis
// clients sign for us-east-1 unless kinesis.region or the endpoint names another region, whatever
// the region S3 uses; a configuration that would have expected the S3 region gets a warning.
#include "agent/setup/stream_setup.hpp"

#include <gtest/gtest.h>

#include "agent/config/config.hpp"
#include "core/aws/aws_endpoint.hpp"
#include "core/observe/metrics.hpp"

namespace ferry {
namespace {

StreamTarget target_of(const std::string& agent_json, const std::string& s3_region) {
  auto parsed = config::parse(agent_json);
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  static Metrics metrics;  // outlives the target, which points at the flow's counters
  std::vector<RuleMetrics*> rules;
  const config::Flow& flow = parsed->config.flows.at(0);
  auto target =
      stream_target_of(parsed->config, std::get<config::StreamDestination>(flow.destination),
                       s3_region, metrics.flow(flow.name, {}, rules));
  EXPECT_TRUE(target.ok()) << target.error().message;
  return target.value();
}

TEST(StreamSetup, WithoutAnEndpointStreamsAreInUsEast1WhateverTheS3Region) {
  const StreamTarget firehose =
      target_of(R"({"flows": [{"filePattern": "/a/*", "deliveryStream": "d"}]})", "eu-west-1");
  EXPECT_EQ(firehose.endpoint.url, "https://firehose.us-east-1.amazonaws.com");
  EXPECT_EQ(firehose.endpoint.region, "us-east-1");
  const StreamTarget kinesis =
      target_of(R"({"flows": [{"filePattern": "/a/*", "kinesisStream": "k"}]})", "eu-west-1");
  EXPECT_EQ(kinesis.endpoint.url, "https://kinesis.us-east-1.amazonaws.com");
}

TEST(StreamSetup, KinesisRegionAndTheEndpointsOwnRegionDecide) {
  const StreamTarget named = target_of(
      R"({"kinesis.region": "ap-south-1", "flows": [{"filePattern": "/a/*", "kinesisStream": "k"}]})",
      "eu-west-1");
  EXPECT_EQ(named.endpoint.url, "https://kinesis.ap-south-1.amazonaws.com");
  EXPECT_EQ(named.endpoint.region, "ap-south-1");
  const StreamTarget host = target_of(
      R"({"firehose.endpoint": "firehose.eu-central-1.amazonaws.com",
          "flows": [{"filePattern": "/a/*", "deliveryStream": "d"}]})",
      "eu-west-1");
  EXPECT_EQ(host.endpoint.region, "eu-central-1");
  // A host that names no region (a proxy, a test server) signs for us-east-1, as the SDK does.
  const StreamTarget local = target_of(
      R"({"firehose.endpoint": "http://127.0.0.1:4573",
          "flows": [{"filePattern": "/a/*", "deliveryStream": "d"}]})",
      "eu-west-1");
  EXPECT_EQ(local.endpoint.region, "us-east-1");
}

TEST(StreamSetup, TheImpliedRegionIsWarnedAboutOnlyWhereSomethingElseWasInEffect) {
  EXPECT_EQ(implied_region_warning("firehose.endpoint", "", "", "eu-west-1"),
            "config: firehose.endpoint is not set: calls go to us-east-1, as the Kinesis "
            "Agent's do, not to eu-west-1 (the region in effect for S3); set firehose.endpoint "
            "to reach another region");
  EXPECT_EQ(implied_region_warning("firehose.endpoint", "", "", "us-east-1"), "");
  EXPECT_EQ(implied_region_warning("firehose.endpoint", "", "", ""), "");
  EXPECT_EQ(implied_region_warning("kinesis.endpoint", "", "eu-west-1", "eu-west-1"), "");
  EXPECT_EQ(implied_region_warning("firehose.endpoint", "http://127.0.0.1:1", "", "eu-west-1"), "");
}

}  // namespace
}  // namespace ferry
