// Carrying checkpoint entries keyed by flow number ("flow2", before flows had an identity) over
// to the flows' keys: only to the flow that wrote them, never over an entry of its own.
#include "core/checkpoint/checkpoint_legacy.hpp"

#include <gtest/gtest.h>

namespace ferry {
namespace {

const std::string kA = "directory:/out <- /logs/a/*.log";
const std::string kB = "directory:/out <- /logs/b/*.log";

Checkpoint legacy() {
  Checkpoint checkpoint;
  checkpoint.commit("flow1", SourcePosition{"/logs/a/app.log", FileIdentity{1, 10, 0, 0}, 50}, 1);
  checkpoint.commit("flow2", SourcePosition{"/logs/b/app.log", FileIdentity{1, 20, 0, 0}, 70}, 1);
  return checkpoint;
}

TEST(CheckpointLegacy, UnnamedFlowsTakeOverTheEntryOfTheirNumber) {
  Checkpoint checkpoint = legacy();
  const std::vector<FlowKeys> flows = {{"flow1", kA, "/logs/a/*.log"},
                                       {"flow2", kB, "/logs/b/*.log"}};
  const auto moved = adopt_position_keyed_entries(checkpoint, flows);
  EXPECT_EQ(moved, (std::vector<std::string>{"flow1 -> " + kA, "flow2 -> " + kB}));
  ASSERT_NE(checkpoint.find_flow(kA), nullptr);
  EXPECT_EQ(checkpoint.find_flow(kA)->files.at(0).offset, 50u);
  EXPECT_EQ(checkpoint.find_flow(kB)->files.at(0).offset, 70u);
  EXPECT_EQ(checkpoint.find_flow("flow1"), nullptr);
  // Done once: a second pass finds nothing to move.
  EXPECT_TRUE(adopt_position_keyed_entries(checkpoint, flows).empty());
}

TEST(CheckpointLegacy, AnEntryOfAnotherFlowsFilesStaysWhereItIs) {
  // The flows were reordered in the same upgrade: flow1 is now the flow reading b.
  Checkpoint checkpoint = legacy();
  const std::vector<FlowKeys> flows = {{"flow1", kB, "/logs/b/*.log"}};
  EXPECT_TRUE(adopt_position_keyed_entries(checkpoint, flows).empty());
  EXPECT_EQ(checkpoint.find_flow(kB), nullptr);
  EXPECT_NE(checkpoint.find_flow("flow1"), nullptr);
}

TEST(CheckpointLegacy, AnEntryWithoutFilesGoesToItsNumber) {
  Checkpoint checkpoint;
  checkpoint.flow("flow1");
  const std::vector<FlowKeys> flows = {{"flow1", kA, "/logs/a/*.log"}};
  EXPECT_EQ(adopt_position_keyed_entries(checkpoint, flows).size(), 1u);
  EXPECT_NE(checkpoint.find_flow(kA), nullptr);
}

TEST(CheckpointLegacy, NamedFlowsAndFlowsWithTheirOwnEntryKeepTheirs) {
  Checkpoint checkpoint = legacy();
  checkpoint.commit(kB, SourcePosition{"/logs/b/app.log", FileIdentity{1, 20, 0, 0}, 90}, 2);
  const std::vector<FlowKeys> flows = {
      {"flow1", "flow1", "/logs/a/*.log"},  // explicitly named "flow1": its key is the name
      {"flow2", kB, "/logs/b/*.log"}};      // already has an entry under its key
  EXPECT_TRUE(adopt_position_keyed_entries(checkpoint, flows).empty());
  EXPECT_EQ(checkpoint.find_flow(kB)->files.at(0).offset, 90u);
  EXPECT_NE(checkpoint.find_flow("flow2"), nullptr);
}

TEST(Checkpoint, BeginRecordsAFlowEvenWithoutFiles) {
  Checkpoint checkpoint;
  checkpoint.begin(FlowStart{"a", {}}, 5);
  checkpoint.begin(
      FlowStart{"b", {SourcePosition{"/logs/b/app.log", FileIdentity{1, 20, 0, 0}, 70}}}, 5);
  ASSERT_NE(checkpoint.find_flow("a"), nullptr);
  EXPECT_TRUE(checkpoint.find_flow("a")->files.empty());
  ASSERT_EQ(checkpoint.find_flow("b")->files.size(), 1u);
  EXPECT_EQ(checkpoint.find_flow("b")->files[0].offset, 70u);
  auto decoded = decode_checkpoint(encode_checkpoint(checkpoint));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_NE(decoded->find_flow("a"), nullptr);
}

}  // namespace
}  // namespace ferry
