// Unit tests for LineFramer: records, offsets and bounds are the same however reads are chunked.
// Single-threaded; a reference framer written the obvious way is the oracle.
#include "core/tail/line_framer.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace ferry {
namespace {

struct Emitted {
  std::string record;
  uint64_t offset;
  uint64_t end;
  bool operator==(const Emitted&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Emitted& e) {
  return os << "{\"" << e.record << "\", " << e.offset << ", " << e.end << "}";
}

// What the framer must produce for `input` from offset `start`, written without buffers:
// lines, each cut into max-sized pieces while more than max bytes remain.
std::vector<Emitted> reference(std::string_view input, uint64_t start, size_t max) {
  std::vector<Emitted> out;
  uint64_t offset = start;
  size_t pos = 0;
  while (true) {
    const size_t nl = input.find('\n', pos);
    size_t line_end = nl == std::string_view::npos ? input.size() : nl;
    while (line_end - pos > max) {
      out.push_back({std::string(input.substr(pos, max)), offset, offset + max});
      offset += max;
      pos += max;
    }
    if (nl == std::string_view::npos) break;
    const size_t len = nl - pos;
    out.push_back({std::string(input.substr(pos, len)), offset, offset + len + 1});
    offset += len + 1;
    pos = nl + 1;
  }
  return out;
}

// Feeds `input` to a framer in the chunks given by `cuts` (sorted positions).
std::vector<Emitted> feed_in_chunks(LineFramer& framer, std::string_view input,
                                    const std::vector<size_t>& cuts) {
  std::vector<Emitted> out;
  size_t pos = 0;
  auto sink = [&](std::string_view record, uint64_t offset, uint64_t end) {
    out.push_back({std::string(record), offset, end});
  };
  for (size_t cut : cuts) {
    framer.feed(input.substr(pos, cut - pos), sink);
    pos = cut;
  }
  framer.feed(input.substr(pos), sink);
  return out;
}

void expect_framer_state(const LineFramer& framer, std::string_view input, uint64_t start,
                         const std::vector<Emitted>& expected) {
  const uint64_t committed = expected.empty() ? start : expected.back().end;
  EXPECT_EQ(framer.committed_offset(), committed);
  EXPECT_EQ(framer.next_offset(), start + input.size());
  EXPECT_EQ(framer.pending_bytes(), start + input.size() - committed);
}

TEST(LineFramer, WholeLinesInOneReadAreViewsIntoTheRead) {
  LineFramer framer(0, 64);
  const std::string read = "alpha\nbeta\n";
  std::vector<std::string_view> views;
  framer.feed(read, [&](std::string_view record, uint64_t, uint64_t) { views.push_back(record); });
  ASSERT_EQ(views.size(), 2u);
  EXPECT_EQ(views[0].data(), read.data());
  EXPECT_EQ(views[1].data(), read.data() + 6);
  EXPECT_EQ(views[0], "alpha");
  EXPECT_EQ(views[1], "beta");
}

TEST(LineFramer, OffsetsAreExactAndContiguousFromTheStartOffset) {
  LineFramer framer(1000, 64);
  const std::string input = "a\nbb\n\nccc\n";
  const auto got = feed_in_chunks(framer, input, {});
  const std::vector<Emitted> want = {
      {"a", 1000, 1002}, {"bb", 1002, 1005}, {"", 1005, 1006}, {"ccc", 1006, 1010}};
  EXPECT_EQ(got, want);
  expect_framer_state(framer, input, 1000, want);
}

TEST(LineFramer, CrlfKeepsTheCarriageReturnByteForByte) {
  LineFramer framer(0, 64);
  const auto got = feed_in_chunks(framer, "one\r\ntwo\r\n\r\n", {});
  const std::vector<Emitted> want = {{"one\r", 0, 5}, {"two\r", 5, 10}, {"\r", 10, 12}};
  EXPECT_EQ(got, want);
}

TEST(LineFramer, EmptyLinesAreEmittedAsEmptyRecords) {
  LineFramer framer(0, 64);
  const auto got = feed_in_chunks(framer, "\n\nx\n\n", {});
  const std::vector<Emitted> want = {{"", 0, 1}, {"", 1, 2}, {"x", 2, 4}, {"", 4, 5}};
  EXPECT_EQ(got, want);
}

TEST(LineFramer, NulAndNonUtf8BytesAreKept) {
  LineFramer framer(0, 64);
  const std::string input("a\0b\xff\n", 5);
  const auto got = feed_in_chunks(framer, input, {});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].record, std::string("a\0b\xff", 4));
}

TEST(LineFramer, LineWithoutNewlineIsHeldUntilItsNewlineArrives) {
  LineFramer framer(0, 64);
  std::vector<Emitted> got;
  auto sink = [&](std::string_view r, uint64_t o, uint64_t e) {
    got.push_back({std::string(r), o, e});
  };
  framer.feed("first\nsec", sink);
  EXPECT_EQ(got.size(), 1u);
  EXPECT_EQ(framer.committed_offset(), 6u);
  EXPECT_EQ(framer.pending_bytes(), 3u);
  EXPECT_EQ(framer.next_offset(), 9u);
  framer.feed("ond", sink);
  EXPECT_EQ(got.size(), 1u);
  EXPECT_EQ(framer.pending_bytes(), 6u);
  framer.feed("\n", sink);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1], (Emitted{"second", 6, 13}));
  EXPECT_EQ(framer.pending_bytes(), 0u);
  EXPECT_EQ(framer.committed_offset(), 13u);
}

TEST(LineFramer, EmptyReadChangesNothing) {
  LineFramer framer(5, 8);
  int calls = 0;
  framer.feed("ab", [&](std::string_view, uint64_t, uint64_t) { ++calls; });
  framer.feed("", [&](std::string_view, uint64_t, uint64_t) { ++calls; });
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(framer.next_offset(), 7u);
  EXPECT_EQ(framer.committed_offset(), 5u);
  EXPECT_EQ(framer.pending_bytes(), 2u);
}

TEST(LineFramer, LineOfExactlyMaxBytesIsOneOrdinaryRecord) {
  LineFramer framer(0, 4);
  const auto got = feed_in_chunks(framer, "abcd\n", {});
  const std::vector<Emitted> want = {{"abcd", 0, 5}};
  EXPECT_EQ(got, want);
}

TEST(LineFramer, LongLineIsEmittedInPiecesOfExactlyMaxEndingAtItsNewline) {
  LineFramer framer(10, 4);
  const std::string input = "abcdefghij\nxy\nABCDEFGH\n";
  const auto got = feed_in_chunks(framer, input, {});
  const std::vector<Emitted> want = {{"abcd", 10, 14}, {"efgh", 14, 18}, {"ij", 18, 21},
                                     {"xy", 21, 24},   {"ABCD", 24, 28}, {"EFGH", 28, 33}};
  EXPECT_EQ(got, want);
  EXPECT_EQ(got, reference(input, 10, 4));
  expect_framer_state(framer, input, 10, want);
}

TEST(LineFramer, LongLineWithoutNewlineIsNeverHeldBeyondMax) {
  LineFramer framer(0, 3);
  std::vector<Emitted> got;
  auto sink = [&](std::string_view r, uint64_t o, uint64_t e) {
    got.push_back({std::string(r), o, e});
  };
  for (int i = 0; i < 100; ++i) {
    framer.feed("xy", sink);
    EXPECT_LE(framer.pending_bytes(), 3u);
  }
  EXPECT_EQ(got.size(), 66u);  // 200 bytes: 66 pieces of 3, the last 2 bytes held
  EXPECT_EQ(framer.pending_bytes(), 2u);
  for (const Emitted& e : got) EXPECT_EQ(e.end - e.offset, 3u);
}

TEST(LineFramer, MaxOfOneByteStillFramesEveryLine) {
  LineFramer framer(0, 1);
  const std::string input = "ab\n\nc\n";
  const auto got = feed_in_chunks(framer, input, {2, 3});
  const std::vector<Emitted> want = {{"a", 0, 1}, {"b", 1, 3}, {"", 3, 4}, {"c", 4, 6}};
  EXPECT_EQ(got, want);
}

TEST(LineFramer, LineSplitAcrossTwoReadsAtEveryBoundaryYieldsTheSameRecords) {
  const std::string input = "{\"a\":1}\r\n\nhello world\n0123456789abcdef\nlast-no-newline";
  for (size_t max : {size_t{3}, size_t{5}, size_t{8}, size_t{100}}) {
    const auto want = reference(input, 7, max);
    for (size_t cut = 0; cut <= input.size(); ++cut) {
      LineFramer framer(7, max);
      const auto got = feed_in_chunks(framer, input, {cut});
      ASSERT_EQ(got, want) << "max=" << max << " cut=" << cut;
      expect_framer_state(framer, input, 7, want);
    }
  }
}

TEST(LineFramer, EveryPairOfReadBoundariesYieldsTheSameRecords) {
  const std::string input = "ab\n\r\nabcdefghijk\nxyz\n\nq";
  for (size_t max : {size_t{1}, size_t{2}, size_t{4}, size_t{64}}) {
    const auto want = reference(input, 0, max);
    for (size_t a = 0; a <= input.size(); ++a) {
      for (size_t b = a; b <= input.size(); ++b) {
        LineFramer framer(0, max);
        ASSERT_EQ(feed_in_chunks(framer, input, {a, b}), want)
            << "max=" << max << " cuts=" << a << "," << b;
        EXPECT_LE(framer.pending_bytes(), max);
      }
    }
  }
}

TEST(LineFramer, RandomChunkingsMatchTheReference) {
  std::mt19937 rng(42);
  for (int round = 0; round < 2000; ++round) {
    std::string input;
    const size_t size = rng() % 200;
    for (size_t i = 0; i < size; ++i) {
      const unsigned roll = rng() % 10;
      input.push_back(roll < 2 ? '\n' : roll < 3 ? '\r' : static_cast<char>('a' + rng() % 26));
    }
    const size_t max = 1 + rng() % 20;
    std::vector<size_t> cuts;
    for (size_t pos = 0; pos < input.size();) {
      pos += rng() % 30;
      if (pos <= input.size()) cuts.push_back(pos);
    }
    LineFramer framer(round, max);
    const auto want = reference(input, round, max);
    ASSERT_EQ(feed_in_chunks(framer, input, cuts), want) << "round " << round;
    expect_framer_state(framer, input, round, want);
  }
}

TEST(LineFramer, ResetForgetsThePartialLineAndRestartsAtTheOffset) {
  LineFramer framer(0, 64);
  std::vector<Emitted> got;
  auto sink = [&](std::string_view r, uint64_t o, uint64_t e) {
    got.push_back({std::string(r), o, e});
  };
  framer.feed("kept\npartial", sink);
  EXPECT_EQ(framer.pending_bytes(), 7u);
  framer.reset(0);  // the file was truncated
  EXPECT_EQ(framer.pending_bytes(), 0u);
  EXPECT_EQ(framer.next_offset(), 0u);
  EXPECT_EQ(framer.committed_offset(), 0u);
  framer.feed("new\n", sink);
  const std::vector<Emitted> want = {{"kept", 0, 5}, {"new", 0, 4}};
  EXPECT_EQ(got, want);
  framer.reset(100);
  framer.feed("x\n", sink);
  EXPECT_EQ(got.back(), (Emitted{"x", 100, 102}));
}

TEST(LineFramer, HeldBufferIsReusedAcrossLinesSpanningReads) {
  LineFramer framer(0, 64);
  const char* first = nullptr;
  bool same = true;
  for (int i = 0; i < 100; ++i) {
    framer.feed("spanning-", [](std::string_view, uint64_t, uint64_t) {});
    framer.feed("line\n", [&](std::string_view r, uint64_t, uint64_t) {
      if (first == nullptr) first = r.data();
      same = same && r.data() == first;
    });
  }
  EXPECT_TRUE(same);
}

TEST(LineFramer, FlushEmitsTheHeldPartialLineOnceWithoutANewline) {
  LineFramer framer(100, 64);
  std::vector<Emitted> got;
  auto emit = [&](std::string_view r, uint64_t o, uint64_t e) {
    got.push_back({std::string(r), o, e});
  };
  framer.feed("a\nlast", emit);
  framer.flush(emit);
  framer.flush(emit);  // nothing held any more
  EXPECT_EQ(got, (std::vector<Emitted>{{"a", 100, 102}, {"last", 102, 106}}));
  EXPECT_EQ(framer.committed_offset(), 106u);
  EXPECT_EQ(framer.pending_bytes(), 0u);
}

}  // namespace
}  // namespace ferry
