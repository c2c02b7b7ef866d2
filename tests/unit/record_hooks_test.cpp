// Unit tests for RecordProcessor's hooks (core/record_processor.hpp): fileFooterPattern drops
// footer records before any converter or rule, and ADDEC2METADATA reads the snapshot the
// refresher publishes (core/ec2_metadata_cell.hpp), switching when a new one is published.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/ec2_metadata_cell.hpp"
#include "core/record_processor.hpp"

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

TEST(RecordHooks, FooterRecordsAreDroppedBeforeAnythingElse) {
  RecordProcessor processor({}, {}, RecordHooks{"^-- end of log", nullptr});
  EXPECT_FALSE(processor.passes_through());
  const Shipped footer = process(processor, "-- end of log (42 lines) --");
  EXPECT_EQ(footer.outcome, RecordOutcome::dropped);
  EXPECT_EQ(footer.out, "");
  const Shipped line = process(processor, "hello -- end of log");  // anchored: not a footer
  EXPECT_EQ(line.outcome, RecordOutcome::passed);
  EXPECT_EQ(line.out, "hello -- end of log\n");
}

TEST(RecordHooks, FooterMatchesAnywhereUnlessAnchored) {
  RecordProcessor processor({}, {}, RecordHooks{"END OF FILE", nullptr});
  EXPECT_EQ(process(processor, "*** END OF FILE ***").outcome, RecordOutcome::dropped);
  EXPECT_EQ(process(processor, "end of file").outcome, RecordOutcome::passed);
}

TEST(RecordHooks, NoHooksPassThrough) {
  RecordProcessor processor({}, {});
  EXPECT_TRUE(processor.passes_through());
}

TEST(RecordHooks, Ec2MetadataComesFromTheLatestSnapshot) {
  Ec2MetadataCell cell;
  RecordProcessor processor({ec2_option()}, {}, RecordHooks{"", &cell});
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

TEST(RecordHooks, FooterComesBeforeEc2Metadata) {
  Ec2MetadataCell cell;
  cell.publish(instance("i-0123456789abcdef0", false));
  RecordProcessor processor({ec2_option()}, {}, RecordHooks{"^\\{\"footer\"", &cell});
  EXPECT_EQ(process(processor, R"({"footer":true})").outcome, RecordOutcome::dropped);
  EXPECT_NE(process(processor, R"({"m":1})").out.find("instanceId"), std::string::npos);
}

}  // namespace
}  // namespace ferry
