// Checkpoint model and encoding: round trip, damage detection, commit and prune semantics.
#include "core/checkpoint/checkpoint.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include "core/crypto.hpp"

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

// ferry reads every matching file: an idle one still on disk keeps its entry past the
// time-to-live (forgotten, it would be read again from its start at the next start).
TEST(Checkpoint, PruneKeepsStaleEntriesOfFilesStillThere) {
  Checkpoint checkpoint;
  checkpoint.commit("f", position("/idle", 1, 10, 100), 1000);
  checkpoint.commit("f", position("/gone", 2, 10, 100), 1000);
  const auto still_there = [](const FileCheckpoint& file) { return file.path == "/idle"; };
  checkpoint.prune(10000, 5000, still_there);
  ASSERT_EQ(checkpoint.flows[0].files.size(), 1u);
  EXPECT_EQ(checkpoint.flows[0].files[0].path, "/idle");
  EXPECT_EQ(checkpoint.flows[0].files[0].updated_unix, 10000);  // its age starts again
  EXPECT_EQ(checkpoint.flows[0].files[0].offset, 100u);
}

TEST(Checkpoint, UnknownVersionIsRefused) {
  std::string text = encode_checkpoint(Checkpoint{});
  auto decoded = decode_checkpoint(text);
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(decoded->flows.empty());
  EXPECT_FALSE(decode_checkpoint("{\"ferry_checkpoint\":2}").ok());
}

OpenObject multipart_open() {
  OpenObject open;
  open.key = "wickr/dt=2026-11-24/host_wickr_20261124T000000Z_00000000000000aa_000003.json.zst";
  open.upload_id = "upload \"id\" 1";
  open.parts = {{1, "\"etag-1\"", 8u << 20}, {2, "\"etag-2\"", 9u << 20}};
  open.size = (8u << 20) + (9u << 20);
  open.positions = {position("/opt/bot/a.txt", 100, 0xabcdef, 90000),
                    position("/opt/bot/b.txt", 101, 0x1234, 12)};
  return open;
}

TEST(Checkpoint, OpenObjectRoundTrips) {
  Checkpoint checkpoint = sample();
  checkpoint.flow("wickr").open = multipart_open();
  OpenObject single;
  single.key = "events/x.json.zst";
  single.single_request = true;
  single.size = 4242;
  single.positions = {position("/var/log/events.log", 200, 7, 5000)};
  checkpoint.flow("events").open = single;
  auto decoded = decode_checkpoint(encode_checkpoint(checkpoint));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  const auto& open = decoded->find_flow("wickr")->open;
  ASSERT_TRUE(open.has_value());
  EXPECT_EQ(open->key, multipart_open().key);
  EXPECT_EQ(open->upload_id, "upload \"id\" 1");
  ASSERT_EQ(open->parts.size(), 2u);
  EXPECT_EQ(open->parts[1].number, 2);
  EXPECT_EQ(open->parts[1].etag, "\"etag-2\"");
  EXPECT_EQ(open->parts[1].size, 9u << 20);
  EXPECT_FALSE(open->single_request);
  ASSERT_EQ(open->positions.size(), 2u);
  EXPECT_EQ(open->positions[0].end_offset, 90000u);
  EXPECT_EQ(open->positions[1].identity, (FileIdentity{7, 101, 0x1234, 1024}));
  const auto& events_open = decoded->find_flow("events")->open;
  ASSERT_TRUE(events_open.has_value());
  EXPECT_TRUE(events_open->single_request);
  EXPECT_EQ(events_open->size, 4242u);
  EXPECT_EQ(encode_checkpoint(decoded.value()), encode_checkpoint(checkpoint));
}

TEST(Checkpoint, InconsistentOpenObjectIsRejected) {
  Checkpoint checkpoint;
  OpenObject open = multipart_open();
  open.size += 1;  // parts no longer add up
  checkpoint.flow("f").open = open;
  EXPECT_FALSE(decode_checkpoint(encode_checkpoint(checkpoint)).ok());
  open = multipart_open();
  open.parts[1].number = 3;  // a gap in the acknowledged parts
  checkpoint.flow("f").open = open;
  EXPECT_FALSE(decode_checkpoint(encode_checkpoint(checkpoint)).ok());
}

TEST(Checkpoint, AStartedUploadRoundTripsBesideTheOpenObject) {
  Checkpoint checkpoint = sample();
  checkpoint.flow("wickr").open = multipart_open();
  checkpoint.flow("wickr").started_upload = StartedUpload{"wickr/next \"one\".zst", "upload-2"};
  auto decoded = decode_checkpoint(encode_checkpoint(checkpoint));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  const auto& started = decoded->find_flow("wickr")->started_upload;
  ASSERT_TRUE(started.has_value());
  EXPECT_EQ(started->key, "wickr/next \"one\".zst");
  EXPECT_EQ(started->upload_id, "upload-2");
  EXPECT_TRUE(decoded->find_flow("wickr")->open.has_value());
  EXPECT_FALSE(decoded->find_flow("events")->started_upload.has_value());
  EXPECT_EQ(encode_checkpoint(decoded.value()), encode_checkpoint(checkpoint));
  // It never moves where reading resumes: its records are read again.
  Checkpoint without = checkpoint;
  without.flow("wickr").started_upload.reset();
  const auto offsets = [](const Checkpoint& view) {
    std::vector<uint64_t> out;
    for (const auto& file : view.find_flow("wickr")->files) out.push_back(file.offset);
    return out;
  };
  EXPECT_EQ(offsets(decoded->resume_view()), offsets(without.resume_view()));
}

TEST(Checkpoint, AStartedUploadWithoutItsIdIsRejected) {
  Checkpoint checkpoint;
  checkpoint.flow("f").started_upload = StartedUpload{"f/key.zst", ""};
  const auto decoded = decode_checkpoint(encode_checkpoint(checkpoint));
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().message.find("started upload"), std::string::npos);
}

TEST(Checkpoint, ResumeViewReadsAfterAcknowledgedPartsOnly) {
  Checkpoint checkpoint;
  checkpoint.commit("wickr", position("/opt/bot/a.txt", 100, 0xabcdef, 1000), 1);
  checkpoint.flow("wickr").open = multipart_open();
  const Checkpoint view = checkpoint.resume_view();
  const FlowCheckpoint* flow = view.find_flow("wickr");
  ASSERT_EQ(flow->files.size(), 2u);
  EXPECT_EQ(flow->files[0].offset, 90000u);  // past the acknowledged parts
  EXPECT_EQ(flow->files[1].offset, 12u);
  // A one-request object is not durable until it is visible: read from the committed offsets.
  OpenObject single;
  single.key = "k";
  single.single_request = true;
  single.size = 10;
  single.positions = {position("/opt/bot/a.txt", 100, 0xabcdef, 5000)};
  checkpoint.flow("wickr").open = single;
  EXPECT_EQ(checkpoint.resume_view().find_flow("wickr")->files[0].offset, 1000u);
  EXPECT_EQ(checkpoint.find_flow("wickr")->files[0].offset, 1000u);  // the original is untouched
}

TEST(Checkpoint, ResumeOfOneFlowIsItsEntryInTheResumeView) {
  Checkpoint checkpoint;
  checkpoint.commit("wickr", position("/opt/bot/a.txt", 100, 0xabcdef, 1000), 1);
  checkpoint.flow("wickr").open = multipart_open();
  checkpoint.commit("other", position("/var/log/b.log", 7, 0x1234, 50), 1);
  const std::optional<FlowCheckpoint> wickr = checkpoint.resume_of("wickr");
  ASSERT_TRUE(wickr.has_value());
  EXPECT_EQ(encode_checkpoint(Checkpoint{0, {*wickr}}),
            encode_checkpoint(Checkpoint{0, {*checkpoint.resume_view().find_flow("wickr")}}));
  EXPECT_EQ(wickr->files[0].offset, 90000u);  // past the acknowledged parts
  EXPECT_FALSE(checkpoint.resume_of("unknown").has_value());
}

TEST(Checkpoint, ResumeDecisionTable) {
  const OpenObject multipart = multipart_open();
  OpenObject single;
  single.key = "k";
  single.single_request = true;
  single.size = 10;
  OpenObject key_only;  // an upload lost (NoSuchUpload): start the object again
  key_only.key = "k";

  // The object is visible with the size we expect: it was completed before the crash.
  EXPECT_EQ(decide_resume(multipart, multipart.size), ResumeAction::commit_completed);
  EXPECT_EQ(decide_resume(single, 10), ResumeAction::commit_completed);
  // Not visible: continue the upload after its parts, or start the object again.
  EXPECT_EQ(decide_resume(multipart, std::nullopt), ResumeAction::continue_upload);
  EXPECT_EQ(decide_resume(single, std::nullopt), ResumeAction::restart_object);
  EXPECT_EQ(decide_resume(key_only, std::nullopt), ResumeAction::restart_object);
  // Visible with another size (a body cut short by a server that keeps partial uploads, or an
  // earlier attempt), or visible while nothing was completed: never acknowledged, so replaced.
  EXPECT_EQ(decide_resume(multipart, multipart.size + 1), ResumeAction::continue_upload);
  EXPECT_EQ(decide_resume(single, 11), ResumeAction::restart_object);
  EXPECT_EQ(decide_resume(key_only, 0), ResumeAction::restart_object);
}

// A part under 5 MiB may only be an object's last: once the short last part is acknowledged,
// a restart completes the upload with exactly its parts (adding any would make S3 answer
// EntityTooSmall at every completion, forever).
TEST(Checkpoint, ASealedUploadIsCompletedNotContinued) {
  OpenObject sealed = multipart_open();
  sealed.sealed = true;
  EXPECT_TRUE(is_sealed(sealed));
  EXPECT_EQ(decide_resume(sealed, std::nullopt), ResumeAction::complete_sealed);
  EXPECT_EQ(decide_resume(sealed, sealed.size), ResumeAction::commit_completed);
  // Written before `sealed` was recorded: a last part under 5 MiB says the same.
  OpenObject short_last = multipart_open();
  short_last.parts[1].size = kMinPartBytes - 1;
  short_last.size = short_last.parts[0].size + short_last.parts[1].size;
  EXPECT_TRUE(is_sealed(short_last));
  EXPECT_EQ(decide_resume(short_last, std::nullopt), ResumeAction::complete_sealed);
  // Every part full: the upload may go on.
  EXPECT_FALSE(is_sealed(multipart_open()));

  Checkpoint checkpoint;
  checkpoint.flow("f").open = sealed;
  auto decoded = decode_checkpoint(encode_checkpoint(checkpoint));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_TRUE(decoded->find_flow("f")->open->sealed);
  // Checkpoints without the field read as not sealed; a mistyped one is refused.
  const std::string text = encode_checkpoint(checkpoint);
  const std::string field = ",\"sealed\":true";
  const size_t at = text.find(field);
  ASSERT_NE(at, std::string::npos);
  const auto signed_copy = [&](const std::string& replacement) {
    std::string body = text.substr(0, text.rfind(",\"sha256\":\""));
    body.replace(at, field.size(), replacement);
    return body + ",\"sha256\":\"" + sha256_hex(body) + "\"}\n";
  };
  auto old = decode_checkpoint(signed_copy(""));
  ASSERT_TRUE(old.ok()) << old.error().message;
  EXPECT_FALSE(old->find_flow("f")->open->sealed);
  EXPECT_FALSE(decode_checkpoint(signed_copy(",\"sealed\":1")).ok());
}

// A name with every byte 0x01-0xFF (the raw \xff of `touch $'bad\xff.log'` bricked ferry: the
// checkpoint held invalid JSON and no later start could read it).
TEST(Checkpoint, NamesOfAnyBytesRoundTripAsValidJson) {
  std::string name = "/var/log/odd/";
  for (int b = 1; b <= 0xFF; ++b)
    if (b != '/') name.push_back(static_cast<char>(b));
  Checkpoint checkpoint;
  checkpoint.commit("flow \xff", position(name, 5, 0x55, 9), 1700000000);
  const std::string text = encode_checkpoint(checkpoint);
  EXPECT_TRUE(simdjson::validate_utf8(text.data(), text.size()));
  auto decoded = decode_checkpoint(text);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  const FlowCheckpoint* flow = decoded->find_flow("flow \xff");
  ASSERT_NE(flow, nullptr);
  ASSERT_EQ(flow->files.size(), 1u);
  EXPECT_EQ(flow->files[0].path, name);
}

// What ferry wrote before names were encoded: the raw bytes, under a valid checksum.
TEST(Checkpoint, AnOlderCheckpointWithRawBytesIsRead) {
  const std::string body =
      "{\"ferry_checkpoint\":" + std::to_string(kCheckpointVersion) +
      ",\"generation\":3,\"flows\":[{\"flow\":\"logs\",\"files\":[\n{\"path\":\"/l/bad\xff.log\","
      "\"device\":1,\"inode\":2,\"fingerprint\":\"00000000000000ff\",\"fingerprint_bytes\":3,"
      "\"offset\":4,\"updated\":5}]}]";
  const std::string text = body + ",\"sha256\":\"" + sha256_hex(body) + "\"}\n";
  auto decoded = decode_checkpoint(text);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  ASSERT_NE(decoded->find_flow("logs"), nullptr);
  EXPECT_EQ(decoded->find_flow("logs")->files.at(0).path, "/l/bad\xff.log");
  EXPECT_EQ(decoded->find_flow("logs")->files.at(0).offset, 4u);
  // Written again, it is valid JSON with the same name.
  const std::string again = encode_checkpoint(*decoded);
  EXPECT_TRUE(simdjson::validate_utf8(again.data(), again.size()));
  EXPECT_EQ(decode_checkpoint(again)->find_flow("logs")->files.at(0).path, "/l/bad\xff.log");
}

}  // namespace
}  // namespace ferry
