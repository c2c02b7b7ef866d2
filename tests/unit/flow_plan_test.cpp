// Unit tests for reload planning: flows matched by checkpoint entry into kept, changed, added
// and removed, and the shared settings that only a new run can apply.
#include "agent/flow_plan.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace ferry {
namespace {

config::Flow flow(const std::string& name, const std::string& pattern = "/in/*.log") {
  config::Flow f;
  f.name = name;
  f.checkpoint_key = name;
  f.file_pattern = pattern;
  f.destination = config::DirectoryDestination{"/out", 0600};
  return f;
}

using Pairs = std::vector<std::pair<size_t, size_t>>;

TEST(FlowPlan, SortsFlowsByTheirCheckpointEntry) {
  const std::vector<config::Flow> running = {flow("keep"), flow("change"), flow("gone")};
  std::vector<config::Flow> next = {flow("new"), flow("change"), flow("keep")};
  next[1].object.key_prefix = "other/";
  const FlowPlan plan = plan_flows(running, next);
  EXPECT_EQ(plan.kept, (Pairs{{0, 2}}));
  EXPECT_EQ(plan.changed, (Pairs{{1, 1}}));
  EXPECT_EQ(plan.added, (std::vector<size_t>{0}));
  EXPECT_EQ(plan.removed, (std::vector<size_t>{2}));
}

TEST(FlowPlan, AnyDifferenceInsideAFlowChangesIt) {
  const std::vector<config::Flow> running = {flow("a")};
  const auto changed_by = [&](auto edit) {
    std::vector<config::Flow> next = running;
    edit(next[0]);
    return plan_flows(running, next).changed.size() == 1;
  };
  EXPECT_TRUE(changed_by([](config::Flow& f) { f.max_buffer_age_millis = 1000; }));
  EXPECT_TRUE(changed_by([](config::Flow& f) { f.redact.push_back(RedactionRule{}); }));
  EXPECT_TRUE(changed_by([](config::Flow& f) { f.data_processing.push_back(ProcessingOption{}); }));
  EXPECT_TRUE(changed_by([](config::Flow& f) {
    f.destination = config::S3Destination{"bucket", 8u << 20, S3ObjectOptions{}};
  }));
  // An HMAC key file whose bytes changed changes the rule.
  std::vector<config::Flow> with_key = running;
  with_key[0].redact.push_back(RedactionRule{});
  with_key[0].redact[0].hmac_key = "one";
  std::vector<config::Flow> other_key = with_key;
  other_key[0].redact[0].hmac_key = "two";
  EXPECT_EQ(plan_flows(with_key, other_key).changed.size(), 1u);
  EXPECT_EQ(plan_flows(with_key, with_key).kept.size(), 1u);
}

TEST(FlowPlan, SharedSettingsNeedANewRun) {
  config::Config running;
  running.flows = {flow("a")};
  config::Config next = running;
  EXPECT_FALSE(shared_settings_change(running, next));
  next.flows.push_back(flow("b"));
  next.shutdown_timeout_millis = 1;  // applied alone, not by the pipeline
  EXPECT_FALSE(shared_settings_change(running, next));

  const auto reason = [&](auto edit) {
    config::Config changed = running;
    edit(changed);
    return shared_settings_change(running, changed).value_or("");
  };
  EXPECT_EQ(reason([](config::Config& c) { c.s3.endpoint = "http://127.0.0.1:1"; }),
            "s3.* (the S3 client every S3 flow shares)");
  EXPECT_NE(reason([](config::Config& c) { c.streams.kinesis_region = "eu-west-1"; }), "");
  EXPECT_NE(reason([](config::Config& c) { c.http.socket_timeout_millis = 1; }), "");
  EXPECT_NE(reason([](config::Config& c) { c.credentials.assume_role_arn = "arn"; }), "");
  EXPECT_EQ(reason([](config::Config& c) { c.checkpoint_ttl_days = 1; }),
            "checkpointTimeToLiveDays");
  EXPECT_EQ(reason([](config::Config& c) {
              ProcessingOption ec2;
              ec2.kind = ProcessingKind::add_ec2_metadata;
              c.flows[0].data_processing.push_back(ec2);
            }),
            "the flows' ADDEC2METADATA (the instance metadata they share)");
}

}  // namespace
}  // namespace ferry
