// The tailer's pure identity decisions: where a newly seen file starts (checkpoint, reused inode,
// truncation, rotated copies) and what a tracked file's size and first bytes say now.
#include "core/tail/file_change.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ferry {
namespace {

FileIdentity identity(uint64_t inode, const std::string& first_bytes) {
  return FileIdentity{1, inode, fingerprint_of(first_bytes),
                      static_cast<uint32_t>(first_bytes.size())};
}

// A file whose content starts with `content` (fingerprints of its prefixes).
PrefixFingerprint file_with(std::string content) {
  return [content](uint32_t bytes) -> std::optional<uint64_t> {
    if (bytes > content.size()) return std::nullopt;
    return fingerprint_of(std::string_view(content).substr(0, bytes));
  };
}

const std::string kKiB(kFingerprintBytes, 'a');
const std::string kOtherKiB(kFingerprintBytes, 'b');

TEST(PlanStart, UnknownFileStartsAtZeroOrAtTheEndOnAFirstStart) {
  const auto id = identity(7, "hello\n");
  EXPECT_EQ(plan_start(id, 6, {}, {}, false, file_with("hello\n")).offset, 0u);
  const StartPlan at_end = plan_start(id, 6, {}, {}, true, file_with("hello\n"));
  EXPECT_EQ(at_end.reason, StartPlan::Reason::new_file);
  EXPECT_EQ(at_end.offset, 6u);
}

TEST(PlanStart, CheckpointedInodeWithTheSameFirstBytesResumes) {
  const FileCheckpoint entry{"/a.log", identity(7, "hel"), 40, 0};
  const StartPlan plan = plan_start(identity(7, "hello"), 100, std::span(&entry, 1), {}, true,
                                    file_with("hello world"));
  EXPECT_EQ(plan.reason, StartPlan::Reason::checkpoint);
  EXPECT_EQ(plan.offset, 40u);
}

TEST(PlanStart, ReusedInodeWithOtherContentIsANewFile) {
  const FileCheckpoint entry{"/a.log", identity(7, "old"), 40, 0};
  const StartPlan plan =
      plan_start(identity(7, "new"), 100, std::span(&entry, 1), {}, false, file_with("new..."));
  EXPECT_EQ(plan.reason, StartPlan::Reason::inode_reused);
  EXPECT_EQ(plan.offset, 0u);
}

TEST(PlanStart, ShorterThanItsCheckpointIsReadFromTheStart) {
  const FileCheckpoint entry{"/a.log", identity(7, "abc"), 400, 0};
  const StartPlan plan =
      plan_start(identity(7, "abc"), 10, std::span(&entry, 1), {}, false, file_with("abcdefghij"));
  EXPECT_EQ(plan.reason, StartPlan::Reason::truncated);
  EXPECT_EQ(plan.offset, 0u);
}

TEST(PlanStart, SameFirstKiBAsALiveFileIsAHeldCopy) {
  const LiveFile live{identity(7, kKiB), 5000, 42};
  const StartPlan plan =
      plan_start(identity(8, kKiB), 9000, {}, std::span(&live, 1), false, file_with(kKiB));
  EXPECT_EQ(plan.reason, StartPlan::Reason::copy_of_live);
  EXPECT_EQ(plan.copy_of, 42u);
}

TEST(PlanStart, ShortCommonPrefixesAreNeverTakenForCopies) {
  // A shared header line is not a copy: only a full KiB of identical bytes is.
  const LiveFile live{identity(7, "ts,level,msg\n"), 5000, 42};
  const StartPlan plan = plan_start(identity(8, "ts,level,msg\n"), 13, {}, std::span(&live, 1),
                                    false, file_with("ts,level,msg\n"));
  EXPECT_EQ(plan.reason, StartPlan::Reason::new_file);
  EXPECT_EQ(plan.offset, 0u);
}

TEST(PlanStart, CopyOfACheckpointedFileResumesAfterWhatWasShipped) {
  // copytruncate while ferry was down: the original (inode 7) was truncated and rewritten; the
  // copy (inode 8) holds its old content, shipped up to 3000.
  const FileCheckpoint entry{"/a.log", identity(7, kKiB), 3000, 0};
  const StartPlan plan =
      plan_start(identity(8, kKiB), 5000, std::span(&entry, 1), {}, false, file_with(kKiB));
  EXPECT_EQ(plan.reason, StartPlan::Reason::copy_of_checkpointed);
  EXPECT_EQ(plan.offset, 3000u);
  // A copy shorter than what was shipped has nothing new.
  EXPECT_EQ(
      plan_start(identity(8, kKiB), 2000, std::span(&entry, 1), {}, false, file_with(kKiB)).offset,
      2000u);
  // Other content is no copy.
  EXPECT_EQ(plan_start(identity(8, kOtherKiB), 5000, std::span(&entry, 1), {}, false,
                       file_with(kOtherKiB))
                .reason,
            StartPlan::Reason::new_file);
}

TEST(ClassifyChange, SizeAndFirstBytesSayWhatHappened) {
  EXPECT_EQ(classify_change(true, 100, 100, true), FileChange::unchanged);
  EXPECT_EQ(classify_change(true, 100, 150, true), FileChange::grown);
  EXPECT_EQ(classify_change(true, 100, 20, true), FileChange::truncated);
  // Truncated and rewritten past the old offset before anyone looked: other first bytes.
  EXPECT_EQ(classify_change(true, 100, 500, false), FileChange::truncated);
  EXPECT_EQ(classify_change(false, 100, 500, true), FileChange::replaced);
}

TEST(SameContent, AFileFirstSeenEmptyMatchesAnything) {
  EXPECT_TRUE(same_content(FileIdentity{1, 2, 0, 0}, file_with("")));
  EXPECT_TRUE(same_content(identity(2, "abc"), file_with("abcdef")));
  EXPECT_FALSE(same_content(identity(2, "abc"), file_with("ab")));
  EXPECT_FALSE(same_content(identity(2, "abc"), file_with("xbcdef")));
}

}  // namespace
}  // namespace ferry
