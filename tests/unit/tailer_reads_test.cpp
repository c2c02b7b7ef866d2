// Reads straight into batches (TailerOptions::direct_reads) against reads through read buffers:
// the same records at the same offsets, for lines of every length (empty, spanning reads, over
// max_record_bytes), header lines, footers and truncation; and every batch's input is exactly its
// records, each followed by '\n', as a flow without rules compresses it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "io/tail/tailer.hpp"
#include "tests/support/test_directory.hpp"

namespace ferry {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kMaxRecord = 80 * 1024;

// Line lengths that put partial lines of every size in front of reads, so that some reads land
// in the batch and some (behind a long partial line) go through a read buffer.
std::string random_lines(std::mt19937& random, size_t bytes) {
  std::uniform_int_distribution<int> kind(0, 9);
  std::string text;
  while (text.size() < bytes) {
    size_t length = 0;
    switch (kind(random)) {
      case 0: length = 0; break;
      case 1: length = std::uniform_int_distribution<size_t>(60'000, kMaxRecord)(random); break;
      case 2:
        length = std::uniform_int_distribution<size_t>(kMaxRecord + 1, 3 * kMaxRecord)(random);
        break;
      case 3: length = std::uniform_int_distribution<size_t>(1'000, 20'000)(random); break;
      default: length = std::uniform_int_distribution<size_t>(1, 300)(random);
    }
    const char letter = static_cast<char>('a' + text.size() % 26);
    text += std::string(length, letter);
    text += '\n';
  }
  return text + "partial, never shipped by --once";
}

struct Shipped {
  // Per file: (offset, record) in the order shipped.
  std::map<std::string, std::vector<std::pair<uint64_t, std::string>>> records;
  std::map<std::string, uint64_t> end_offsets;
  size_t batches = 0;
  TailerStats stats;
};

class TailerReadsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_test_directory("ferry-tailer-reads");
    std::mt19937 random(20261206);
    for (const char* name : {"a.log", "b.log", "c.log"})
      std::ofstream(dir_ / name) << random_lines(random, 3'000'000);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Shipped run(TailFlow flow, bool direct) {
    flow.name = flow.checkpoint_key = "f";
    flow.file_pattern = (dir_ / "*.log").string();
    flow.max_record_bytes = kMaxRecord;
    flow.batch_bytes = 256 * 1024;
    TailerOptions options;
    options.once = true;
    options.read_bytes = 100 * 1024;
    options.direct_reads = direct;
    BatchPool pool(3, 512 * 1024);
    BatchQueue queue(8);
    Tailer tailer({flow}, Checkpoint{}, options, pool, queue);
    pool.set_on_release([&] { tailer.wake(); });
    std::thread reactor([&] { EXPECT_TRUE(tailer.run().ok()); });
    Shipped shipped;
    bool ended = false;
    while (!ended) {
      while (auto popped = queue.pop_for(std::chrono::milliseconds(1))) {
        std::unique_ptr<Batch> batch = std::move(*popped);
        if (batch->kind == Batch::Kind::end_of_input) {
          ended = true;
          continue;
        }
        ++shipped.batches;
        std::string ndjson;
        for (const RecordRef& ref : batch->records) {
          EXPECT_EQ(ref.begin, ndjson.size()) << "records are contiguous";
          const std::string record(batch->input.view().substr(ref.begin, ref.length));
          ndjson += record + "\n";
          shipped.records[batch->positions.at(ref.source).path].emplace_back(ref.offset, record);
        }
        EXPECT_EQ(batch->input.view(), ndjson) << "the input is its records, each with '\\n'";
        for (const SourcePosition& position : batch->positions)
          shipped.end_offsets[position.path] = position.end_offset;
        pool.release(std::move(batch));
      }
    }
    reactor.join();
    shipped.stats = tailer.stats();
    EXPECT_GT(shipped.stats.reads_through_buffers, 0u);  // behind long partial lines, at least
    if (!direct) {
      EXPECT_EQ(shipped.stats.reads_into_batches, 0u);
    }
    return shipped;
  }

  void expect_same(const TailFlow& flow, bool lands_in_batches = true) {
    const Shipped direct = run(flow, true);
    if (lands_in_batches) {
      EXPECT_GT(direct.stats.reads_into_batches, 20u);
    } else {
      EXPECT_EQ(direct.stats.reads_into_batches, 0u);
    }
    const Shipped buffered = run(flow, false);
    ASSERT_EQ(direct.records.size(), 3u);
    EXPECT_GT(direct.batches, 10u);
    for (const auto& [path, records] : buffered.records) {
      const auto& got = direct.records.at(path);
      ASSERT_EQ(got.size(), records.size()) << path;
      for (size_t i = 0; i < records.size(); ++i) {
        ASSERT_EQ(got[i].first, records[i].first) << path << " record " << i;
        ASSERT_EQ(got[i].second, records[i].second) << path << " record " << i;
      }
    }
    EXPECT_EQ(direct.end_offsets, buffered.end_offsets);
  }

  fs::path dir_;
};

TEST_F(TailerReadsTest, PlainLinesAndPiecesMatchTheLinesOfTheFiles) {
  const Shipped direct = run(TailFlow{}, true);
  for (const char* name : {"a.log", "b.log", "c.log"}) {
    std::ifstream in(dir_ / name, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Independently: every non-empty complete line, in pieces of at most kMaxRecord bytes.
    std::vector<std::pair<uint64_t, std::string>> expected;
    size_t begin = 0;
    for (size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', begin)) {
      for (size_t at = begin; at < nl; at += kMaxRecord)
        expected.emplace_back(at, text.substr(at, std::min<size_t>(kMaxRecord, nl - at)));
      begin = nl + 1;
    }
    const std::string path = (dir_ / name).string();
    EXPECT_TRUE(direct.records.at(path) == expected) << path;
    EXPECT_EQ(direct.end_offsets.at(path), begin);
  }
}

TEST_F(TailerReadsTest, PlainLinesAreTheSameAsThroughReadBuffers) {
  expect_same(TailFlow{});
}

TEST_F(TailerReadsTest, HeaderLinesFootersAndTruncationAreTheSameAsThroughReadBuffers) {
  TailFlow flow;
  flow.skip_header_lines = 3;
  flow.truncated_record_terminator = "<cut>";
  flow.file_footer_pattern = "END OF FILE";
  // A footer halfway through b.log: the rest of it is not shipped.
  const fs::path b = dir_ / "b.log";
  std::ifstream in(b, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  text.insert(text.find('\n', text.size() / 2) + 1, "  END OF FILE\n");
  std::ofstream(b, std::ios::binary | std::ios::trunc) << text;
  expect_same(flow);
}

TEST_F(TailerReadsTest, JoinedLinesAreTheSameAsThroughReadBuffers) {
  TailFlow flow;
  flow.multi_line_start_pattern = "[a-f]";  // joined in a copy: through read buffers
  expect_same(flow, /*lands_in_batches=*/false);
}

}  // namespace
}  // namespace ferry
