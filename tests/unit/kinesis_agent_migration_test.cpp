// `ferry migrate`'s pure parts: the Kinesis Agent's flow and file ids, which configured flow a
// checkpoint row belongs to, whether its file is still the one checkpointed, and which of the
// flow's other files it had finished.
#include "core/checkpoint/kinesis_agent_migration.hpp"

#include <gtest/gtest.h>

#include "core/checkpoint/kinesis_agent_ids.hpp"

namespace ferry {
namespace {

TEST(KinesisAgentIds, FlowIdSplitsAtTheFirstColonAfterTheKind) {
  auto id = parse_kinesis_agent_flow_id("fh:my-stream:/var/log/app/*.log");
  ASSERT_TRUE(id);
  EXPECT_TRUE(id->firehose);
  EXPECT_EQ(id->stream, "my-stream");
  EXPECT_EQ(id->file_pattern, "/var/log/app/*.log");
  id = parse_kinesis_agent_flow_id("kinesis:s.1:/logs/a:b.log");
  ASSERT_TRUE(id);
  EXPECT_FALSE(id->firehose);
  EXPECT_EQ(id->stream, "s.1");
  EXPECT_EQ(id->file_pattern, "/logs/a:b.log");
}

TEST(KinesisAgentIds, FlowIdRejectsWhatTheAgentNeverWrites) {
  for (const char* bad : {"", "fh:", "fh::/x", "fh:s", "fh:s:", "firehose:s:/x", "kinesis:/x",
                          "s3:bucket:/x", "FH:s:/x"})
    EXPECT_FALSE(parse_kinesis_agent_flow_id(bad)) << bad;
}

TEST(KinesisAgentIds, FlowIdIsBuiltAsJavaPrintsThePattern) {
  EXPECT_EQ(kinesis_agent_flow_id(true, "s", "/var//log/app.log"), "fh:s:/var/log/app.log");
  EXPECT_EQ(kinesis_agent_flow_id(false, "k", "/logs/*.log"), "kinesis:k:/logs/*.log");
  EXPECT_EQ(java_normal_path("/a///b/"), "/a/b");
  EXPECT_EQ(java_normal_path("/"), "/");
}

TEST(KinesisAgentIds, FileIdIsHexDeviceAndDecimalInode) {
  auto key = parse_kinesis_agent_file_id("(dev=803,ino=1234)");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->device, 0x803u);
  EXPECT_EQ(key->inode, 1234u);
  key = parse_kinesis_agent_file_id("(dev=ffffffffffffffff,ino=-1)");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->device, UINT64_MAX);
  EXPECT_EQ(key->inode, UINT64_MAX);
  key = parse_kinesis_agent_file_id("(dev=0,ino=9223372036854775807)");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->inode, 9223372036854775807u);
}

TEST(KinesisAgentIds, FileIdRejectsAnythingElse) {
  for (const char* bad :
       {"", "(dev=803,ino=1234", "dev=803,ino=1234)", "(dev=,ino=1)", "(dev=803,ino=)",
        "(dev=80G,ino=1)", "(dev=803,ino=12a)", "(dev=803,ino=9223372036854775808)",
        "(dev=10000000000000000,ino=1)", "(dev=803 ,ino=1)", "(dev=803,ino=-)", "(ino=1,dev=2)",
        "(dev=803,ino=1)(dev=803,ino=1)", "(dev=803,ino=--1)", "(dev=803,ino=+1)"})
    EXPECT_FALSE(parse_kinesis_agent_file_id(bad)) << bad;
}

KinesisAgentRow row(std::string flow, std::string path = "/logs/app.log",
                    std::string file_id = "(dev=803,ino=7)", int64_t offset = 10) {
  return KinesisAgentRow{std::move(flow), std::move(path), std::move(file_id), offset, {}};
}

const std::vector<MigrationFlow> kFlows = {
    {"app", "app", "fh:app-stream:/logs/*.log", "/logs/*.log"},
    {"s3only", "s3://b/p <- /other/*.log", "", "/other/*.log"},
    {"kin", "kin", "kinesis:k:/logs/*.log", "/logs/*.log"},
};

TEST(MatchRows, ByTheFlowIdTheAgentWouldGiveTheFlow) {
  const std::vector<KinesisAgentRow> rows = {row("fh:app-stream:/logs/*.log"),
                                             row("kinesis:k:/logs/*.log"),
                                             row("fh:other-stream:/logs/*.log")};
  const auto matches = match_rows(rows, kFlows);
  ASSERT_EQ(matches.size(), 3u);
  EXPECT_EQ(matches[0].flow, 0u);
  EXPECT_FALSE(matches[0].by_pattern);
  EXPECT_EQ(matches[1].flow, 2u);
  EXPECT_FALSE(matches[2].flow);  // same files, another stream: not this flow's positions
  EXPECT_NE(matches[2].problem.find("no flow"), std::string::npos);
}

TEST(MatchRows, AFlowNamingNoStreamMatchesByPatternOnlyWhenUnambiguous) {
  std::vector<KinesisAgentRow> rows = {row("fh:old-stream:/other//*.log")};
  auto matches = match_rows(rows, kFlows);
  EXPECT_EQ(matches[0].flow, 1u);
  EXPECT_TRUE(matches[0].by_pattern);

  rows.push_back(row("kinesis:second:/other/*.log", "/other/b.log"));
  matches = match_rows(rows, kFlows);
  EXPECT_FALSE(matches[0].flow);
  EXPECT_FALSE(matches[1].flow);
  EXPECT_NE(matches[0].problem.find("2 flows"), std::string::npos) << matches[0].problem;

  std::vector<MigrationFlow> twins = kFlows;
  twins.push_back({"s3twin", "s3://c/p <- /other/*.log", "", "/other/*.log"});
  matches = match_rows(std::vector<KinesisAgentRow>{row("fh:old:/other/*.log")}, twins);
  EXPECT_FALSE(matches[0].flow);
}

TEST(MatchRows, UnreadableRowsAndForeignIdsMatchNothing) {
  KinesisAgentRow broken = row("fh:app-stream:/logs/*.log");
  broken.problem = "offset is text";
  const std::vector<KinesisAgentRow> rows = {broken, row("something else")};
  const auto matches = match_rows(rows, kFlows);
  EXPECT_FALSE(matches[0].flow);
  EXPECT_EQ(matches[0].problem, "offset is text");
  EXPECT_FALSE(matches[1].flow);
  EXPECT_NE(matches[1].problem.find("not the Kinesis Agent's"), std::string::npos);
}

PathState file(uint64_t device, uint64_t inode, uint64_t size, int64_t modified = 0) {
  PathState live;
  live.found = true;
  live.identity = FileIdentity{device, inode, 42, 10};
  live.size = size;
  live.modified_nanos = modified;
  return live;
}

TEST(DecideRow, MigratesTheSameFileAtItsOffset) {
  const RowDecision decision =
      decide_row(row("fh:s:/l", "/l", "(dev=803,ino=7)", 10), file(0x803, 7, 25));
  EXPECT_EQ(decision.outcome, RowOutcome::migrated);
  EXPECT_EQ(decision.offset, 10u);
  EXPECT_EQ(decide_row(row("fh:s:/l", "/l", "(dev=803,ino=7)", 25), file(0x803, 7, 25)).offset,
            25u);  // all of it shipped
}

TEST(DecideRow, ReportsEveryFileThatIsNotTheOneCheckpointed) {
  const auto outcome = [](KinesisAgentRow r, PathState live) {
    return decide_row(r, live).outcome;
  };
  EXPECT_EQ(outcome(row("fh:s:/l"), PathState{false, "No such file or directory"}),
            RowOutcome::file_gone);
  EXPECT_EQ(outcome(row("fh:s:/l"), file(0x803, 8, 100)), RowOutcome::inode_changed);
  EXPECT_EQ(outcome(row("fh:s:/l"), file(0x804, 7, 100)), RowOutcome::inode_changed);
  EXPECT_EQ(outcome(row("fh:s:/l", "/l", "(dev=803,ino=7)", 11), file(0x803, 7, 10)),
            RowOutcome::beyond_end);
  EXPECT_EQ(outcome(row("fh:s:/l", "/l", "(dev=803,ino=7)", -1), file(0x803, 7, 10)),
            RowOutcome::negative_offset);
  EXPECT_EQ(outcome(row("fh:s:/l", "/l", "inode 7"), file(0x803, 7, 10)), RowOutcome::bad_file_id);
  KinesisAgentRow broken = row("fh:s:/l");
  broken.problem = "path is a blob";
  EXPECT_EQ(outcome(broken, file(0x803, 7, 100)), RowOutcome::unreadable);
}

TEST(PlanOtherFiles, OlderFilesWereShippedNewerOnesAreReadFromTheStart) {
  const std::vector<FlowFile> files = {{"/l/app.log.1", file(1, 2, 300, 100)},
                                       {"/l/app.log.new", file(1, 3, 50, 500)},
                                       {"/l/same-time", file(1, 4, 70, 200)},
                                       {"/l/gone", PathState{false, "gone"}}};
  const auto plan = plan_other_files(files, 200);
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[0].file, 0u);
  EXPECT_TRUE(plan[0].shipped);
  EXPECT_EQ(plan[1].file, 1u);
  EXPECT_FALSE(plan[1].shipped);
  EXPECT_EQ(plan[2].file, 2u);
  EXPECT_FALSE(plan[2].shipped);  // as new: may hold unshipped lines, so read, not skipped
}

}  // namespace
}  // namespace ferry
