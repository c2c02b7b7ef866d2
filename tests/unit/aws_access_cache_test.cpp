// AwsAccessCache: one credential provider for the process while the settings that decide it are
// unchanged, shared by the pipeline and CloudWatch; a new one when a reload changes them. The
// source is a credential_process in a temporary HOME that counts its runs and answers temporary
// credentials (so each provider has a refresh thread), or agent.json keys.
#include "agent/setup/aws_access_cache.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "agent/config/config.hpp"
#include "tests/support/test_directory.hpp"

namespace ferry {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPipeline = "the pipeline";
constexpr const char* kCloudWatch = "CloudWatch";

// Nothing of the machine's AWS environment, no instance metadata; HOME is a temporary directory
// whose ~/.aws/config runs a credential_process that appends a line to `runs` per call.
class AwsAccessCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = fresh_test_directory("ferry-aws-access");
    fs::create_directories(home_ / ".aws");
    for (const char* name :
         {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
          "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_PROFILE", "AWS_CONFIG_FILE",
          "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_ENDPOINT_URL_STS", "AWS_REGION",
          "AWS_DEFAULT_REGION", "AWS_EC2_METADATA_SERVICE_ENDPOINT"})
      ::unsetenv(name);
    ::setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    ::setenv("HOME", home_.c_str(), 1);
  }
  void TearDown() override { fs::remove_all(home_); }

  void use_credential_process() {
    std::ofstream(home_ / ".aws" / "config")
        << "[default]\ncredential_process = echo run >> " << runs_path().string()
        << R"( && echo '{"Version": 1, "AccessKeyId": "ASIAPROCESS", "SecretAccessKey": "s",)"
        << R"( "SessionToken": "t", "Expiration": "2099-01-01T00:00:00Z"}')"
        << "\n";
  }
  fs::path runs_path() const { return home_ / "runs"; }
  int runs() const {
    std::ifstream in(runs_path());
    int lines = 0;
    for (std::string line; std::getline(in, line);) ++lines;
    return lines;
  }

  fs::path home_;
};

config::Config config_of(const std::string& root_keys) {
  auto parsed = config::parse("{" + root_keys +
                              R"("s3.region": "eu-west-1", "flows": [{"filePattern": "/a/*",)" +
                              R"( "s3": {"bucket": "bucket"}}]})");
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  return parsed->config;
}

TEST_F(AwsAccessCacheTest, EqualSettingsKeepTheProviderAcrossRunsAndShareItWithCloudWatch) {
  use_credential_process();
  AwsAccessCache cache;
  const config::Config config = config_of("");
  auto first = cache.access(config, kPipeline);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->region, "eu-west-1");
  EXPECT_EQ(first->credentials->current().access_key_id, "ASIAPROCESS");
  // A reload with other flows but the same credential keys, and the CloudWatch reporter.
  const config::Config reloaded = config_of(R"("checkpointFile": "/tmp/other",)");
  auto again = cache.access(reloaded, kPipeline);
  auto cloudwatch = cache.access(config, kCloudWatch);
  ASSERT_TRUE(again.ok() && cloudwatch.ok());
  EXPECT_EQ(again->credentials, first->credentials);
  EXPECT_EQ(cloudwatch->credentials, first->credentials);
  EXPECT_EQ(runs(), 1) << "the credential_process ran again";
}

TEST_F(AwsAccessCacheTest, ChangedCredentialKeysGetANewProviderForThatUserOnly) {
  use_credential_process();
  AwsAccessCache cache;
  const config::Config config = config_of("");
  auto pipeline = cache.access(config, kPipeline);
  auto cloudwatch = cache.access(config, kCloudWatch);
  ASSERT_TRUE(pipeline.ok() && cloudwatch.ok());
  ASSERT_EQ(runs(), 1);

  const config::Config keys =
      config_of(R"("awsAccessKeyId": "AKIACONFIG", "awsSecretAccessKey": "secret",)");
  auto reloaded = cache.access(keys, kPipeline);
  ASSERT_TRUE(reloaded.ok());
  EXPECT_NE(reloaded->credentials, pipeline->credentials);
  EXPECT_EQ(reloaded->credentials->current().access_key_id, "AKIACONFIG");
  // CloudWatch keeps what it had; the pipeline going back gets CloudWatch's, not a new one.
  EXPECT_EQ(cache.access(config, kCloudWatch)->credentials, cloudwatch->credentials);
  EXPECT_EQ(cache.access(config, kPipeline)->credentials, cloudwatch->credentials);
  EXPECT_EQ(runs(), 1);
}

TEST_F(AwsAccessCacheTest, RegionStsEndpointAndHttpKeysDecideToo) {
  use_credential_process();
  AwsAccessCache cache;
  auto base = cache.access(config_of(""), kPipeline);
  ASSERT_TRUE(base.ok());
  for (const std::string changed :
       {R"("sts.endpoint": "http://127.0.0.1:9",)", R"("userAgentOverride": "other",)"}) {
    auto next = cache.access(config_of(changed), kPipeline);
    ASSERT_TRUE(next.ok()) << changed;
    EXPECT_NE(next->credentials, base->credentials) << changed;
    base = std::move(next);
  }
  auto parsed = config::parse(
      R"({"s3.region": "ap-south-1", "flows": [{"filePattern": "/a/*", "s3": {"bucket": "bucket"}}]})");
  ASSERT_TRUE(parsed.ok());
  auto other_region = cache.access(parsed->config, kPipeline);
  ASSERT_TRUE(other_region.ok());
  EXPECT_EQ(other_region->region, "ap-south-1");
  EXPECT_NE(other_region->credentials, base->credentials);
  EXPECT_EQ(runs(), 4);
}

TEST_F(AwsAccessCacheTest, AFailureIsNotKept) {
  AwsAccessCache cache;
  const config::Config config = config_of("");
  auto none = cache.access(config, kPipeline);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("no AWS credentials found"), std::string::npos);
  use_credential_process();
  auto found = cache.access(config, kPipeline);
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(runs(), 1);
}

}  // namespace
}  // namespace ferry
