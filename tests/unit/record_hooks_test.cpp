// Unit tests for RecordProcessor's hooks (core/redact/record_processor.hpp): ADDEC2METADATA reads the
// snapshot the refresher publishes (core/aws/ec2_metadata_cell.hpp), switching when a new one is
// published. (fileFooterPattern is the tailer's: core/tail/line_patterns.hpp, line_patterns_test.)
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/aws/ec2_metadata_cell.hpp"
#include "core/redact/record_processor.hpp"

namespace ferry {
namespace {

const RecordOrigin kOrigin{"/var/log/app.log", 0};

struct Shipped {
  RecordOutcome outcome;
  std::string out;
};

Shipped process(RecordProcessor& processor, std::string_view record) {
  Shipped shipped{RecordOutcome::passed, {}};
  shipped.outcome = processor.process(record, false, kOrigin, 0, shipped.out);
  return shipped;
}

ProcessingOption ec2_option() {
  ProcessingOption option;
  option.kind = ProcessingKind::add_ec2_metadata;
  return option;
}

std::shared_ptr<const Ec2Metadata> instance(std::string id, bool tags) {
  auto ec2 = std::make_shared<Ec2Metadata>();
  ec2->private_ip = "10.0.0.7";
  ec2->availability_zone = "us-east-1a";
  ec2->instance_id = std::move(id);
  ec2->instance_type = "t3.micro";
  ec2->account_id = "123456789012";
  ec2->ami_id = "ami-0abcdef1234567890";
  ec2->region = "us-east-1";
  ec2->metadata_timestamp = "2026-11-24T06:00:00+0000";
  ec2->has_tags = tags;
  if (tags) ec2->tags = {{"name", "bot"}};
  return ec2;
}

TEST(RecordHooks, NoHooksPassThrough) {
  RecordProcessor processor({}, {});
  EXPECT_TRUE(processor.passes_through());
}

TEST(RecordHooks, Ec2MetadataComesFromTheLatestSnapshot) {
  Ec2MetadataCell cell;
  RecordProcessor processor({ec2_option()}, {}, RecordHooks{&cell});
  // Nothing published: the record passes unchanged, as in the Java agent.
  EXPECT_EQ(process(processor, R"({"m":"hi"})").out, "{\"m\":\"hi\"}\n");

  cell.publish(instance("i-0123456789abcdef0", true));
  EXPECT_EQ(process(processor, R"({"m":"hi"})").out,
            R"({"m":"hi","privateIp":"10.0.0.7","availabilityZone":"us-east-1a",)"
            R"("instanceId":"i-0123456789abcdef0","instanceType":"t3.micro",)"
            R"("accountId":"123456789012","amiId":"ami-0abcdef1234567890",)"
            R"("region":"us-east-1","metadataTimestamp":"2026-11-24T06:00:00+0000",)"
            R"("tags":{"name":"bot"}})"
            "\n");

  cell.publish(instance("i-0fedcba9876543210", false));  // a refresh; no tags in metadata
  const std::string out = process(processor, R"({"m":"hi"})").out;
  EXPECT_NE(out.find(R"("instanceId":"i-0fedcba9876543210")"), std::string::npos) << out;
  EXPECT_EQ(out.find("\"tags\""), std::string::npos) << out;
}

}  // namespace
}  // namespace ferry
