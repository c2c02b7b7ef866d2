// Checkpoint model and encoding: round trip, damage detection, commit and prune semantics.
#include "core/checkpoint.hpp"

#include <gtest/gtest.h>

namespace ferry {
namespace {

SourcePosition position(std::string path, uint64_t inode, uint64_t fingerprint, uint64_t offset) {
  return SourcePosition{std::move(path), FileIdentity{7, inode, fingerprint, 1024}, offset};
}

Checkpoint sample() {
  Checkpoint checkpoint;
  checkpoint.generation = 41;
  checkpoint.commit("wickr", position("/opt/bot/compliance/messages/a.txt", 100, 0xabcdef, 5000),
                    1700000000);
  checkpoint.commit("wickr", position("/opt/bot/x \"quoted\".txt", 101, 0x1234, 17), 1700000001);
  checkpoint.commit("events",
                    position("/var/log/events.log", 200, 0xffffffffffffffffull, 1ull << 40),
                    1700000002);
  return checkpoint;
}

TEST(Checkpoint, EncodeDecodeRoundTripsEveryField) {
  const Checkpoint original = sample();
  auto decoded = decode_checkpoint(encode_checkpoint(original));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->generation, 41u);
  ASSERT_EQ(decoded->flows.size(), 2u);
  const FlowCheckpoint* wickr = decoded->find_flow("wickr");
  ASSERT_NE(wickr, nullptr);
  ASSERT_EQ(wickr->files.size(), 2u);
  EXPECT_EQ(wickr->files[0].path, "/opt/bot/compliance/messages/a.txt");
  EXPECT_EQ(wickr->files[0].offset, 5000u);
  EXPECT_EQ(wickr->files[0].identity, (FileIdentity{7, 100, 0xabcdef, 1024}));
  EXPECT_EQ(wickr->files[0].updated_unix, 1700000000);
  EXPECT_EQ(wickr->files[1].path, "/opt/bot/x \"quoted\".txt");
  const FlowCheckpoint* events = decoded->find_flow("events");
  ASSERT_NE(events, nullptr);
  EXPECT_EQ(events->files[0].offset, 1ull << 40);
  EXPECT_EQ(events->files[0].identity.fingerprint, 0xffffffffffffffffull);
}

TEST(Checkpoint, AnyFlippedByteIsDetected) {
  const std::string text = encode_checkpoint(sample());
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    std::string damaged = text;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x01);
    EXPECT_FALSE(decode_checkpoint(damaged).ok()) << "flipped byte " << i;
  }
}

TEST(Checkpoint, TruncatedFileIsRejectedWithAReason) {
  const std::string text = encode_checkpoint(sample());
  for (size_t n : {size_t{0}, size_t{1}, text.size() / 2, text.size() - 3}) {
    auto decoded = decode_checkpoint(text.substr(0, n));
    ASSERT_FALSE(decoded.ok());
    EXPECT_NE(decoded.error().message.find("checkpoint: "), std::string::npos);
  }
}

TEST(Checkpoint, CommitReplacesTheEntryOfTheSameInode) {
  Checkpoint checkpoint;
  checkpoint.commit("f", position("/a", 1, 10, 100), 1);
  checkpoint.commit("f", position("/a.1", 1, 10, 250), 2);  // renamed, read further
  ASSERT_EQ(checkpoint.flows[0].files.size(), 1u);
  EXPECT_EQ(checkpoint.flows[0].files[0].path, "/a.1");
  EXPECT_EQ(checkpoint.flows[0].files[0].offset, 250u);
  checkpoint.commit("f", position("/a", 2, 11, 5), 3);  // the new file after rotation
  EXPECT_EQ(checkpoint.flows[0].files.size(), 2u);
}

TEST(Checkpoint, FlowsAreKeptApart) {
  Checkpoint checkpoint;
  checkpoint.commit("one", position("/shared.log", 1, 10, 100), 1);
  checkpoint.commit("two", position("/shared.log", 1, 10, 7), 1);
  EXPECT_EQ(checkpoint.find_flow("one")->files[0].offset, 100u);
  EXPECT_EQ(checkpoint.find_flow("two")->files[0].offset, 7u);
}

TEST(Checkpoint, PruneDropsOnlyStaleEntries) {
  Checkpoint checkpoint;
  checkpoint.commit("f", position("/old", 1, 10, 100), 1000);
  checkpoint.commit("f", position("/new", 2, 10, 100), 9000);
  checkpoint.prune(10000, 5000);
  ASSERT_EQ(checkpoint.flows[0].files.size(), 1u);
  EXPECT_EQ(checkpoint.flows[0].files[0].path, "/new");
}

TEST(Checkpoint, UnknownVersionIsRefused) {
  std::string text = encode_checkpoint(Checkpoint{});
  auto decoded = decode_checkpoint(text);
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(decoded->flows.empty());
  EXPECT_FALSE(decode_checkpoint("{\"ferry_checkpoint\":2}").ok());
}

}  // namespace
}  // namespace ferry
