// The reactor against real files: --once reads what is there, follow mode sees appends, new
// files, renames and deletions through inotify, and checkpoints decide where reading resumes.
#include "io/tail/tailer.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "io/tail/file_probe.hpp"
#include "io/unique_fd.hpp"
#include "tests/support/test_directory.hpp"

namespace ferry {
namespace {

namespace fs = std::filesystem;

class TailerTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = fresh_test_directory("ferry-tailer"); }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  void append(const std::string& name, const std::string& text) const {
    std::ofstream(path(name), std::ios::app) << text;
  }
  // "<prefix>0\n<prefix>1\n"...
  static std::string numbered_lines(const std::string& prefix, int count) {
    std::string lines;
    for (int i = 0; i < count; ++i) lines += prefix + std::to_string(i) + "\n";
    return lines;
  }
  TailFlow flow(bool start_at_end = false) const {
    return TailFlow{"f", "f", path("*.log"), start_at_end, 1 << 20, 50};
  }

  // Records and the last position per file from everything the tailer dispatched.
  struct Seen {
    std::vector<std::string> records;
    std::map<std::string, uint64_t> end_offsets;
    bool ended = false;
    std::set<uint32_t> ended_flows;
  };
  void collect(BatchQueue& queue, BatchPool& pool, Seen& seen) {
    while (auto batch = queue.pop_for(std::chrono::milliseconds(0))) {
      Batch& b = **batch;
      if (b.kind == Batch::Kind::end_of_input) {
        seen.ended = true;
        seen.ended_flows.insert(b.flow);
        continue;
      }
      for (const auto& r : b.records)
        seen.records.emplace_back(b.input.view().substr(r.begin, r.length));
      for (const auto& p : b.positions) seen.end_offsets[p.path] = p.end_offset;
      pool.release(std::move(*batch));
    }
  }

  fs::path dir_;
};

TEST_F(TailerTest, OnceReadsCompleteLinesOfEveryMatchingFileAndEnds) {
  append("a.log", "a1\na2\n\na3-partial");
  append("b.log", "b1\n");
  append("c.txt", "not matched\n");
  BatchPool pool(4, 1 << 20);
  BatchQueue queue(8);
  Checkpoint none;
  TailerOptions options;
  options.once = true;
  Tailer tailer({flow()}, none, options, pool, queue);
  ASSERT_TRUE(tailer.run().ok());
  Seen seen;
  collect(queue, pool, seen);
  EXPECT_TRUE(seen.ended);
  std::multiset<std::string> got(seen.records.begin(), seen.records.end());
  EXPECT_EQ(got, (std::multiset<std::string>{"a1", "a2", "b1"}));
  EXPECT_EQ(seen.end_offsets[path("a.log")], 7u);  // the partial line is not committed
  EXPECT_EQ(seen.end_offsets[path("b.log")], 3u);
}

TEST_F(TailerTest, CheckpointedFileResumesAtItsOffset) {
  append("a.log", "old1\nold2\n");
  BatchPool pool(4, 1 << 20);
  BatchQueue queue(8);
  TailerOptions options;
  options.once = true;
  Checkpoint first_run;
  {
    Tailer tailer({flow()}, first_run, options, pool, queue);
    ASSERT_TRUE(tailer.run().ok());
  }
  Seen seen;
  collect(queue, pool, seen);
  ASSERT_EQ(seen.records.size(), 2u);
  // Pretend the first run's records were delivered: commit their positions.
  Checkpoint committed;
  struct stat st {};
  ASSERT_EQ(::stat(path("a.log").c_str(), &st), 0);
  FileIdentity identity{st.st_dev, st.st_ino, fingerprint_of("old1\nold2\n"), 10};
  committed.commit("f", SourcePosition{path("a.log"), identity, 10}, 1);
  append("a.log", "new1\n");
  Tailer again({flow()}, committed, options, pool, queue);
  ASSERT_TRUE(again.run().ok());
  Seen second;
  collect(queue, pool, second);
  EXPECT_EQ(second.records, std::vector<std::string>{"new1"});
}

TEST_F(TailerTest, ReusedInodeWithOtherContentIsReadFromTheStart) {
  append("a.log", "fresh content\n");
  struct stat st {};
  ASSERT_EQ(::stat(path("a.log").c_str(), &st), 0);
  Checkpoint committed;  // same inode, but the checkpoint saw other bytes
  committed.commit(
      "f", SourcePosition{"/gone.log", {st.st_dev, st.st_ino, fingerprint_of("other"), 5}, 9}, 1);
  BatchPool pool(4, 1 << 20);
  BatchQueue queue(8);
  TailerOptions options;
  options.once = true;
  Tailer tailer({flow()}, committed, options, pool, queue);
  ASSERT_TRUE(tailer.run().ok());
  Seen seen;
  collect(queue, pool, seen);
  EXPECT_EQ(seen.records, std::vector<std::string>{"fresh content"});
}

TEST_F(TailerTest, EndOfFileStartSkipsExistingLinesButRecordsThePosition) {
  append("a.log", "before start\n");
  BatchPool pool(4, 1 << 20);
  BatchQueue queue(8);
  Checkpoint none;
  TailerOptions options;
  options.once = true;
  Tailer tailer({flow(/*start_at_end=*/true)}, none, options, pool, queue);
  ASSERT_TRUE(tailer.run().ok());
  Seen seen;
  collect(queue, pool, seen);
  EXPECT_TRUE(seen.records.empty());
  EXPECT_EQ(seen.end_offsets[path("a.log")], 13u);
}

TEST_F(TailerTest, FirstStartsListTheFlowsTheCheckpointDoesNotKnowWithTheirStartingPoints) {
  append("a.log", "before start\n");
  append("b.log", "");
  BatchPool pool(4, 1 << 20);
  BatchQueue queue(8);
  Checkpoint known;
  known.flow("known");  // started before, no file seen then
  TailFlow fresh = flow(/*start_at_end=*/true);
  TailFlow started = flow(/*start_at_end=*/true);
  started.name = started.checkpoint_key = "known";
  TailerOptions options;
  options.once = true;
  Tailer tailer({fresh, started}, known, options, pool, queue);
  ASSERT_TRUE(tailer.start().ok());
  const std::vector<FlowStart> starts = tailer.first_starts();
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0].flow, "f");
  // a.log from its end; the empty b.log starts at 0, which needs no position.
  ASSERT_EQ(starts[0].positions.size(), 1u);
  EXPECT_EQ(starts[0].positions[0].path, path("a.log"));
  EXPECT_EQ(starts[0].positions[0].end_offset, 13u);
  ASSERT_TRUE(tailer.run().ok());
  Seen seen;
  collect(queue, pool, seen);
  // The flow the checkpoint knows takes a.log as a file new since its start: read from 0.
  EXPECT_EQ(seen.records, std::vector<std::string>{"before start"});
}

TEST_F(TailerTest, FollowSeesAppendsNewFilesRenamesAndStops) {
  append("a.log", "a1\n");
  BatchPool pool(4, 1 << 20);
  BatchQueue queue(16);
  Checkpoint none;
  TailerOptions options;
  options.rescan_millis = 60000;  // prove inotify, not the safety rescan, finds everything
  Tailer tailer({flow()}, none, options, pool, queue);
  std::thread reactor([&] { ASSERT_TRUE(tailer.run().ok()); });

  Seen seen;
  auto wait_for = [&](size_t count) {
    for (int i = 0; i < 200 && seen.records.size() < count; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      collect(queue, pool, seen);
    }
    return seen.records.size();
  };
  EXPECT_EQ(wait_for(1), 1u);
  append("a.log", "a2\na3");
  EXPECT_EQ(wait_for(2), 2u);
  append("a.log", "\n");
  append("b.log", "b1\n");  // created after start: read from its beginning
  EXPECT_EQ(wait_for(4), 4u);
  // logrotate "create": rename away, the writer's last line lands in the renamed file.
  fs::rename(path("a.log"), path("a.log.1"));
  append("a.log.1", "a4-after-rename\n");
  append("a.log", "a5-new-file\n");
  EXPECT_EQ(wait_for(6), 6u);
  tailer.request_stop();
  reactor.join();
  collect(queue, pool, seen);
  EXPECT_TRUE(seen.ended);
  std::multiset<std::string> got(seen.records.begin(), seen.records.end());
  EXPECT_EQ(got,
            (std::multiset<std::string>{"a1", "a2", "a3", "b1", "a4-after-rename", "a5-new-file"}));
}

TEST_F(TailerTest, ManyLargeFilesOfOneFlowShareBatchesWithoutLosingALine) {
  // Several reads of one flow land in the same open batch: it must wait for all of them.
  std::multiset<std::string> expected;
  for (const char* name : {"a.log", "b.log", "c.log", "d.log"}) {
    std::string text;
    for (int i = 0; i < 60000; ++i) {
      std::string line = std::string(name) + " line " + std::to_string(i) + " padding padding";
      expected.insert(line);
      text += line + "\n";
    }
    append(name, text);
  }
  BatchPool pool(3, 1 << 20);
  BatchQueue queue(8);
  Checkpoint none;
  TailerOptions options;
  options.once = true;
  options.read_bytes = 256 * 1024;
  TailFlow half = flow();
  half.batch_bytes = 512 * 1024;
  Tailer tailer({half}, none, options, pool, queue);
  pool.set_on_release([&] { tailer.wake(); });
  std::thread reactor([&] { ASSERT_TRUE(tailer.run().ok()); });
  Seen seen;
  while (!seen.ended) {
    collect(queue, pool, seen);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  reactor.join();
  EXPECT_EQ(std::multiset<std::string>(seen.records.begin(), seen.records.end()), expected);
}

TEST_F(TailerTest, BackpressureBoundsBatchesInFlight) {
  append("a.log", numbered_lines("line number ", 200000));
  BatchPool pool(2, 1 << 20);
  BatchQueue queue(4);
  Checkpoint none;
  TailerOptions options;
  options.once = true;
  options.read_bytes = 64 * 1024;
  TailFlow small = flow();
  small.batch_bytes = 64 * 1024;
  Tailer tailer({small}, none, options, pool, queue);
  pool.set_on_release([&] { tailer.wake(); });  // as the pipeline does
  std::thread reactor([&] { ASSERT_TRUE(tailer.run().ok()); });
  Seen seen;
  size_t max_out = 0;
  while (!seen.ended) {
    max_out = std::max(max_out, pool.total() - pool.available());
    collect(queue, pool, seen);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  reactor.join();
  EXPECT_LE(max_out, 2u);
  ASSERT_EQ(seen.records.size(), 200000u);
  EXPECT_EQ(seen.records.front(), "line number 0");
  EXPECT_EQ(seen.records.back(), "line number 199999");
}

TEST_F(TailerTest, AFlowWhoseBatchesAreHeldLeavesABatchForTheOtherFlow) {
  // Flow "a"'s batches are held downstream (as the shipper holds those of a flow whose uploads
  // stall): it takes the pool it was made with, and flow "b", written to afterwards, still
  // reads, from the reserve. (b.log is created then: a flow that has a batch open from its
  // start would not need one.)
  append("a.log", numbered_lines("a line ", 100000));
  TailFlow a{"a", "a", path("a*.log"), false, 1 << 20, 50};
  TailFlow b{"b", "b", path("b*.log"), false, 1 << 20, 50};
  a.batch_bytes = b.batch_bytes = 64 * 1024;
  TailerOptions options;  // following
  options.read_bytes = 64 * 1024;
  BatchPool pool(2, 1 << 20);
  BatchQueue queue(8);
  Tailer tailer({a, b}, Checkpoint{}, options, pool, queue);
  pool.set_on_release([&] { tailer.wake(); });
  std::thread reactor([&] { ASSERT_TRUE(tailer.run().ok()); });
  std::vector<std::unique_ptr<Batch>> held;  // flow a's
  size_t a_records = 0;
  std::vector<std::string> b_records;
  const auto take = [&] {
    while (auto batch = queue.pop_for(std::chrono::milliseconds(10))) {
      if ((*batch)->flow == 0) {
        held.push_back(std::move(*batch));
        continue;
      }
      for (const auto& r : (*batch)->records)
        b_records.emplace_back((*batch)->input.view().substr(r.begin, r.length));
      pool.release(std::move(*batch));
    }
  };
  // Flow a's batches out: held here, or filled and waiting for the next to take the rest of
  // its last read.
  const auto out = [&] { return pool.total() - pool.available(); };
  for (int i = 0; i < 500 && out() < 2; ++i) take();
  take();
  EXPECT_EQ(out(), 2u);  // all flow a may take: the rest is the other flow's
  append("b.log", "b1\nb2\n");
  for (int i = 0; i < 500 && b_records.size() < 2; ++i) take();
  EXPECT_EQ(b_records, (std::vector<std::string>{"b1", "b2"}));
  EXPECT_EQ(out(), 2u);
  // Flow a's batches go on once they are let go.
  for (int i = 0; i < 3000 && a_records < 100000; ++i) {
    for (auto& batch : held) {
      a_records += batch->records.size();
      pool.release(std::move(batch));
    }
    held.clear();
    take();
  }
  tailer.request_stop();
  reactor.join();
  EXPECT_EQ(a_records, 100000u);
}

}  // namespace
}  // namespace ferry

namespace ferry {
namespace {

// Follow mode with a reactor thread; wait_for(n) collects until n records arrived.
class FollowTest : public TailerTest {
 protected:
  void start(TailFlow flow, TailerOptions options = {}) {
    tailer_ = std::make_unique<Tailer>(std::vector<TailFlow>{std::move(flow)}, none_, options,
                                       pool_, queue_);
    reactor_ = std::thread([this] { ASSERT_TRUE(tailer_->run().ok()); });
  }
  size_t wait_for(size_t count) {
    for (int i = 0; i < 250 && seen_.records.size() < count; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      collect(queue_, pool_, seen_);
    }
    return seen_.records.size();
  }
  std::multiset<std::string> stop() {
    tailer_->request_stop();
    reactor_.join();
    collect(queue_, pool_, seen_);
    return {seen_.records.begin(), seen_.records.end()};
  }
  void TearDown() override {
    if (reactor_.joinable()) stop();
    TailerTest::TearDown();
  }

  BatchPool pool_{4, 1 << 20};
  BatchQueue queue_{16};
  Checkpoint none_;
  std::unique_ptr<Tailer> tailer_;
  std::thread reactor_;
  Seen seen_;
};

TEST_F(FollowTest, WildcardDirectoriesCreatedAfterStartAreWatched) {
  start(TailFlow{"f", "f", path("*/logs/*.log"), false, 1 << 20, 50});
  fs::create_directories(path("web1/logs"));
  append("web1/logs/a.log", "w1\n");
  EXPECT_EQ(wait_for(1), 1u);
  fs::create_directories(path("web2/logs"));
  append("web2/logs/b.log", "w2\n");
  append("web2/other/c.log", "");  // not under the pattern
  EXPECT_EQ(wait_for(2), 2u);
  EXPECT_EQ(stop(), (std::multiset<std::string>{"w1", "w2"}));
}

TEST_F(FollowTest, TruncationRestartsAtZeroAndHeaderLinesAreSkipped) {
  append("a.log", "header\nr1\nr2\n");
  TailFlow flow{"f", "f", path("*.log"), false, 1 << 20, 50};
  flow.skip_header_lines = 1;
  start(flow);
  EXPECT_EQ(wait_for(2), 2u);
  fs::resize_file(path("a.log"), 0);  // truncated in place, rewritten with a new header
  append("a.log", "header2\nr3\n");
  EXPECT_EQ(wait_for(3), 3u);
  EXPECT_EQ(stop(), (std::multiset<std::string>{"r1", "r2", "r3"}));
}

TEST_F(FollowTest, CopytruncateCopyIsHeldThenReadAfterWhatTheOriginalShipped) {
  const std::string kib(2000, 'x');
  append("a.log", kib + "\nfirst\n");
  start(TailFlow{"f", "f", path("*.log*"), false, 1 << 20, 50});
  EXPECT_EQ(wait_for(2), 2u);
  // The copy appears while the original still holds the same bytes (with one more line)...
  append("a.log", "unread-when-copied\n");
  fs::copy_file(path("a.log"), path("a.log.1"));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  fs::resize_file(path("a.log"), 0);  // ... and the original is truncated
  append("a.log", "after\n");
  EXPECT_EQ(wait_for(4), 4u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(stop(), (std::multiset<std::string>{kib, "first", "unread-when-copied", "after"}));
}

TEST_F(FollowTest, OverLongLinesAreCutWithTheTerminatorAndTheRestDropped) {
  append("a.log", std::string(30, 'y') + "\nshort\n" + std::string(25, 'z') + "\n");
  TailFlow flow{"f", "f", path("*.log"), false, 10, 50};
  flow.truncated_record_terminator = "~";
  Counter truncated;
  flow.records_truncated = &truncated;
  start(flow);
  EXPECT_EQ(wait_for(3), 3u);
  EXPECT_EQ(stop(), (std::multiset<std::string>{"yyyyyyyyy~", "short", "zzzzzzzzz~"}));
  EXPECT_EQ(truncated.value(), 2u);
}

TEST_F(FollowTest, MultiLineRecordsAreJoinedUntilTheNextStartOrAQuietFile) {
  append("a.log", "orphan\n2026 first\n  at one\n  at two\n2026 second\n");
  TailFlow flow{"f", "f", path("*.log"), false, 1 << 20, 50};
  flow.multi_line_start_pattern = "^\\d{4} ";
  flow.partial_line_millis = 300;
  start(flow);
  EXPECT_EQ(wait_for(2), 2u);  // "2026 second" may still get continuation lines ...
  // ... so the position stays at its first line: a restart joins it again.
  EXPECT_EQ(seen_.end_offsets[path("a.log")], 36u);
  append("a.log", "  at three\n");
  EXPECT_EQ(wait_for(3), 3u);  // complete once the file stayed quiet for 300 ms
  EXPECT_EQ(stop(), (std::multiset<std::string>{"orphan", "2026 first   at one   at two",
                                                "2026 second   at three"}));
  EXPECT_EQ(seen_.end_offsets[path("a.log")], 59u);
}

TEST_F(FollowTest, AFlowAddedWhileRunningIsHeldThenReadAndEndsAlone) {
  append("a.log", "a1\n");
  append("b.txt", "b1\nb2\n");
  start(TailFlow{"f", "f", path("*.log"), false, 1 << 20, 50});
  EXPECT_EQ(wait_for(1), 1u);
  // Added as flow 1: listed and opened at once, with its first start to record, but not read.
  auto added =
      tailer_->add_flow(1, TailFlow{"g", "g", path("*.txt"), false, 1 << 20, 50}, std::nullopt);
  ASSERT_EQ(added.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  const std::optional<FlowStart> first_start = added.get();
  ASSERT_TRUE(first_start.has_value());
  EXPECT_EQ(first_start->flow, "g");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  collect(queue_, pool_, seen_);
  EXPECT_EQ(seen_.records.size(), 1u) << "read before release_flow";
  tailer_->release_flow(1);
  EXPECT_EQ(wait_for(3), 3u);
  // Ended alone: its end marker comes, later lines of its files are not read; flow 0 goes on.
  tailer_->end_flow(1);
  for (int i = 0; i < 250 && !seen_.ended_flows.contains(1); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    collect(queue_, pool_, seen_);
  }
  EXPECT_EQ(seen_.ended_flows, (std::set<uint32_t>{1}));
  append("b.txt", "b3\n");
  append("a.log", "a2\n");
  EXPECT_EQ(wait_for(4), 4u);
  EXPECT_EQ(stop(), (std::multiset<std::string>{"a1", "b1", "b2", "a2"}));
  EXPECT_EQ(seen_.ended_flows, (std::set<uint32_t>{0, 1}));  // one end marker each
}

TEST_F(FollowTest, AFlowAddedWithItsCheckpointResumesThere) {
  append("a.log", "a1\n");
  append("b.txt", "old\nnew\n");
  start(TailFlow{"f", "f", path("*.log"), false, 1 << 20, 50});
  EXPECT_EQ(wait_for(1), 1u);
  FlowCheckpoint resume{"g", {}, std::nullopt};
  FileCheckpoint file;
  file.path = path("b.txt");
  {
    UniqueFd fd(::open(file.path.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st {};
    ASSERT_EQ(::fstat(fd.get(), &st), 0);
    file.identity = identify(fd.get(), st);
  }
  file.offset = 4;  // after "old\n"
  resume.files.push_back(file);
  auto added = tailer_->add_flow(1, TailFlow{"g", "g", path("*.txt"), false, 1 << 20, 50}, resume);
  ASSERT_EQ(added.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_FALSE(added.get().has_value()) << "a flow the checkpoint knows has no first start";
  tailer_->release_flow(1);
  EXPECT_EQ(wait_for(2), 2u);
  EXPECT_EQ(stop(), (std::multiset<std::string>{"a1", "new"}));
}

}  // namespace
}  // namespace ferry
