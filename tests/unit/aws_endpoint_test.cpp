// Unit tests for resolve_aws_endpoint: the Kinesis Agent's endpoint keys to URL, Host and region.
#include "core/aws/aws_endpoint.hpp"

#include <gtest/gtest.h>

namespace ferry {
namespace {

TEST(AwsEndpoint, EmptyMeansTheRegionalAwsEndpoint) {
  auto endpoint = resolve_aws_endpoint("", "firehose", "", "eu-central-1");
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(endpoint->url, "https://firehose.eu-central-1.amazonaws.com");
  EXPECT_EQ(endpoint->host, "firehose.eu-central-1.amazonaws.com");
  EXPECT_EQ(endpoint->region, "eu-central-1");
  auto overridden = resolve_aws_endpoint("", "kinesis", "ap-south-1", "us-east-1");
  ASSERT_TRUE(overridden);
  EXPECT_EQ(overridden->url, "https://kinesis.ap-south-1.amazonaws.com");
}

TEST(AwsEndpoint, AnAwsHostNameCarriesItsRegion) {
  auto bare = resolve_aws_endpoint("firehose.us-west-2.amazonaws.com", "firehose", "", "us-east-1");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->url, "https://firehose.us-west-2.amazonaws.com");
  EXPECT_EQ(bare->region, "us-west-2");
  auto url = resolve_aws_endpoint("https://monitoring.cn-north-1.amazonaws.com.cn/", "monitoring",
                                  "", "us-east-1");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->url, "https://monitoring.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(url->region, "cn-north-1");
  auto fips =
      resolve_aws_endpoint("kinesis-fips.us-gov-west-1.amazonaws.com", "kinesis", "", "us-east-1");
  ASSERT_TRUE(fips);
  EXPECT_EQ(fips->region, "us-gov-west-1");
  // kinesis.region wins over the host's.
  auto region =
      resolve_aws_endpoint("kinesis.us-west-2.amazonaws.com", "kinesis", "eu-west-1", "us-east-1");
  ASSERT_TRUE(region);
  EXPECT_EQ(region->region, "eu-west-1");
}

TEST(AwsEndpoint, OtherHostsSignWithTheDefaultRegion) {
  auto local = resolve_aws_endpoint("http://127.0.0.1:4567", "kinesis", "", "us-east-1");
  ASSERT_TRUE(local);
  EXPECT_EQ(local->url, "http://127.0.0.1:4567");
  EXPECT_EQ(local->host, "127.0.0.1:4567");
  EXPECT_EQ(local->region, "us-east-1");
  // Another service's AWS host does not name this service's region.
  auto other = resolve_aws_endpoint("s3.eu-west-1.amazonaws.com", "kinesis", "", "us-east-2");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->region, "us-east-2");
}

TEST(AwsEndpoint, BadValuesSayWhatIsWrong) {
  EXPECT_EQ(resolve_aws_endpoint("ftp://h", "kinesis", "", "us-east-1").error().message,
            "must start with http:// or https://, got \"ftp://h\"");
  EXPECT_EQ(resolve_aws_endpoint("https://", "kinesis", "", "us-east-1").error().message,
            "has no host name, got \"https://\"");
  EXPECT_EQ(resolve_aws_endpoint("http://h/path", "kinesis", "", "us-east-1").error().message,
            "must be a host name or a URL without a path, got \"http://h/path\"");
}

}  // namespace
}  // namespace ferry
