// log.file: the rollover plan and trigger (core/observe/log_rotation.*, log4j 1.2's
// RollingFileAppender as the Kinesis Agent configures it), the file on disk (io/log_file.*) and the
// writer thread that takes the logger's lines (io/log_file_writer.*).
#include "io/log_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "core/observe/kinesis_agent_log.hpp"
#include "core/observe/log.hpp"
#include "core/observe/log_rotation.hpp"
#include "io/log_file_writer.hpp"
#include "tests/support/test_directory.hpp"

namespace ferry {
namespace {

namespace fs = std::filesystem;

using Kind = RollStep::Kind;

// ---- the plan and the trigger (pure) --------------------------------------------------------

TEST(LogRotation, PlanShiftsBackupsUpAndStartsANewFile) {
  const std::vector<RollStep> steps = plan_roll("/l/a.log", 3);
  ASSERT_EQ(steps.size(), 5u);
  EXPECT_EQ(steps[0].kind, Kind::remove);
  EXPECT_EQ(steps[0].from, "/l/a.log.3");
  EXPECT_EQ(steps[1].kind, Kind::rename);
  EXPECT_EQ(steps[1].from, "/l/a.log.2");
  EXPECT_EQ(steps[1].to, "/l/a.log.3");
  EXPECT_EQ(steps[2].from, "/l/a.log.1");
  EXPECT_EQ(steps[2].to, "/l/a.log.2");
  EXPECT_EQ(steps[3].kind, Kind::rename);
  EXPECT_EQ(steps[3].from, "/l/a.log");
  EXPECT_EQ(steps[3].to, "/l/a.log.1");
  EXPECT_EQ(steps[4].kind, Kind::start_new);
  EXPECT_EQ(steps[4].from, "/l/a.log");

  const std::vector<RollStep> one = plan_roll("a", 1);
  ASSERT_EQ(one.size(), 3u);
  EXPECT_EQ(one[0].from, "a.1");
  EXPECT_EQ(one[1].from, "a");
  EXPECT_EQ(one[1].to, "a.1");
  // No backups: log4j empties the file.
  const std::vector<RollStep> none = plan_roll("a", 0);
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0].kind, Kind::start_new);
}

TEST(LogRotation, RollsOnceALineTakesTheFileToTheLimit) {
  RollTrigger trigger(RotationPolicy{100, 2});
  EXPECT_FALSE(trigger.appended(60));
  EXPECT_FALSE(trigger.appended(39));
  EXPECT_TRUE(trigger.appended(1));  // size >= MaxFileSize, after the line (log4j's subAppend)
  trigger.rolled();
  EXPECT_EQ(trigger.size(), 0u);
  EXPECT_FALSE(trigger.appended(99));
  EXPECT_TRUE(trigger.appended(500));  // one long line: one roll, the file holds all of it
}

TEST(LogRotation, AFailedRollWaitsForAnotherMaxFileSize) {
  RollTrigger trigger(RotationPolicy{100, 2});
  EXPECT_TRUE(trigger.appended(100));
  trigger.roll_failed();  // log4j: nextRollover = size + maxFileSize
  EXPECT_FALSE(trigger.appended(50));
  EXPECT_FALSE(trigger.appended(49));
  EXPECT_TRUE(trigger.appended(1));
}

TEST(LogRotation, CountsWhatTheFileHeldAtOpen) {
  RollTrigger trigger(RotationPolicy{100, 1}, 95);  // Append=true: the count starts at the size
  EXPECT_TRUE(trigger.appended(5));
  trigger.resync(10);  // emptied by someone else (copytruncate)
  EXPECT_FALSE(trigger.appended(80));
}

// ---- the file on disk ------------------------------------------------------------------------

class LogFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_test_directory("ferry-log-file");
    path_ = (dir_ / "aws-kinesis-agent.log").string();
  }
  void TearDown() override {
    log::set_sink(nullptr);
    log::set_format(log::Format::text);
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add);
    fs::remove_all(dir_);
  }

  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::string backup(uint32_t i) const { return log_backup_path(path_, i); }

  fs::path dir_;
  std::string path_;
};

// "line NN\n": 8 bytes.
std::string numbered(int n) {
  char text[16];
  std::snprintf(text, sizeof text, "line %02d\n", n);
  return text;
}

TEST_F(LogFileTest, RollsOverKeepingAtMostMaxBackupIndexBackups) {
  ::umask(022);
  auto file = LogFile::open(path_, RotationPolicy{20, 2});
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_EQ(fs::status(path_).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  std::string all;
  for (int n = 0; n < 20; ++n) {
    ASSERT_TRUE(file->write(numbered(n)).ok());
    all += numbered(n);
    ASSERT_TRUE(file->roll_if_due().ok());
  }
  // 24 bytes (3 lines) reach 20: each full file holds 3 lines; 20 lines = 6 full files + 2 lines.
  EXPECT_EQ(read(path_), numbered(18) + numbered(19));
  EXPECT_EQ(read(backup(1)), numbered(15) + numbered(16) + numbered(17));
  EXPECT_EQ(read(backup(2)), numbered(12) + numbered(13) + numbered(14));
  EXPECT_FALSE(fs::exists(backup(3)));
  EXPECT_EQ(read(backup(2)) + read(backup(1)) + read(path_), all.substr(all.size() - 8 * 8));
  EXPECT_EQ(fs::status(backup(1)).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
}

TEST_F(LogFileTest, AppendsToWhatIsThereAndCountsIt) {
  std::ofstream(path_) << std::string(15, 'x') << "\n";  // 16 bytes from an earlier run
  auto file = LogFile::open(path_, RotationPolicy{20, 1});
  ASSERT_TRUE(file.ok()) << file.error().message;
  ASSERT_TRUE(file->write(numbered(1)).ok());  // 24 bytes: due
  const Result<bool> rolled = file->roll_if_due();
  ASSERT_TRUE(rolled.ok());
  EXPECT_TRUE(*rolled);
  EXPECT_EQ(read(backup(1)), std::string(15, 'x') + "\n" + numbered(1));
  EXPECT_EQ(read(path_), "");
}

TEST_F(LogFileTest, AFileEmptiedBySomeoneElseIsNotRolled) {
  auto file = LogFile::open(path_, RotationPolicy{20, 1});
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE(file->write(numbered(1) + numbered(2)).ok());
  fs::resize_file(path_, 0);                   // logrotate's copytruncate
  ASSERT_TRUE(file->write(numbered(3)).ok());  // 24 by the count, 8 on disk (O_APPEND)
  const Result<bool> rolled = file->roll_if_due();
  ASSERT_TRUE(rolled.ok());
  EXPECT_FALSE(*rolled);
  EXPECT_FALSE(fs::exists(backup(1)));
  EXPECT_EQ(read(path_), numbered(3));
}

TEST_F(LogFileTest, AFailedRollKeepsWritingTheCurrentFile) {
  fs::create_directories(dir_ / "aws-kinesis-agent.log.1" / "in-the-way");
  auto file = LogFile::open(path_, RotationPolicy{16, 1});
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE(file->write(numbered(1) + numbered(2)).ok());
  const Result<bool> failed = file->roll_if_due();
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("to roll log.file over"), std::string::npos)
      << failed.error().message;
  ASSERT_TRUE(file->write(numbered(3)).ok());
  EXPECT_TRUE(file->roll_if_due().value() == false);  // not before another 16 bytes
  EXPECT_EQ(read(path_), numbered(1) + numbered(2) + numbered(3));
  fs::remove_all(dir_ / "aws-kinesis-agent.log.1");
  ASSERT_TRUE(file->write(numbered(4)).ok());  // 32 bytes: tried again, and it works now
  EXPECT_TRUE(file->roll_if_due().value());
  EXPECT_EQ(read(backup(1)), numbered(1) + numbered(2) + numbered(3) + numbered(4));
}

TEST_F(LogFileTest, TheDirectoryMustExistAndALinkIsNotFollowed) {
  const auto missing = LogFile::open((dir_ / "no-such-dir" / "a.log").string(), RotationPolicy{});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message,
            "cannot open log.file " + (dir_ / "no-such-dir" / "a.log").string() +
                ": No such file or directory (ferry creates the file, not its directory)");
  fs::create_symlink(dir_ / "elsewhere.log", path_);
  const auto link = LogFile::open(path_, RotationPolicy{});
  ASSERT_FALSE(link.ok());
  EXPECT_NE(link.error().message.find("(a symbolic link is not followed)"), std::string::npos)
      << link.error().message;
  EXPECT_FALSE(fs::exists(dir_ / "elsewhere.log"));
}

// ---- the writer: the logger's lines into the file --------------------------------------------

TEST_F(LogFileTest, WriterPutsEveryLineInTheKinesisAgentsLayout) {
  {
    LogFileWriter writer(LogFileOptions{path_, RotationPolicy{}, "ip-10-0-0-1"});
    log::set_sink(&writer);
    log::write(log::Level::info, "ship: flow a: completed s3://b/k (3 records)");
    log::write(log::Level::warn, "a name with a\nbreak");
    log::write(log::Level::info, "Agent: Progress: 1 records parsed", kAgentProgressSource);
    log::write(log::Level::debug, "only if enabled");  // write() does not filter: enabled() does
    ASSERT_TRUE(writer.flush(5000));  // written once flush() returns, the writer still running
    EXPECT_EQ(writer.lost(), 0u);
    const std::string flushed = read(path_);
    EXPECT_EQ(std::count(flushed.begin(), flushed.end(), '\n'), 4) << flushed;
  }
  const std::string text = read(path_);
  const std::string stamp = R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}[+-]\d{4})";
  const std::regex expected(
      stamp +
      R"( ip-10-0-0-1 \(ferry\) ferry \[INFO\] ship: flow a: completed s3://b/k \(3 records\)\n)" +
      stamp + R"( ip-10-0-0-1 \(ferry\) ferry \[WARN\] a name with a\\nbreak\n)" + stamp +
      R"( ip-10-0-0-1 \(Agent\.MetricsEmitter RUNNING\) com\.amazon\.kinesis\.streaming\.agent\.Agent \[INFO\] Agent: Progress: 1 records parsed\n)" +
      stamp + R"( ip-10-0-0-1 \(ferry\) ferry \[DEBUG\] only if enabled\n)");
  EXPECT_TRUE(std::regex_match(text, expected)) << text;
}

TEST_F(LogFileTest, WriterFollowsTheJsonFormat) {
  {
    LogFileWriter writer(LogFileOptions{path_, RotationPolicy{}, "h"});
    log::set_sink(&writer);
    log::set_format(log::Format::json);
    log::write(log::Level::error, "boom");
    ASSERT_TRUE(writer.flush(5000));
  }
  const std::regex expected(
      R"(\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","level":"error","message":"boom"\}\n)");
  const std::string text = read(path_);
  EXPECT_TRUE(std::regex_match(text, expected)) << text;
}

TEST_F(LogFileTest, WriterRollsOverAndTheDestructorWritesWhatIsQueued) {
  {
    LogFileWriter writer(LogFileOptions{path_, RotationPolicy{1, 2}, "h"});  // every line rolls
    log::set_sink(&writer);
    for (int n = 0; n < 6; ++n) log::write(log::Level::info, numbered(n).substr(0, 7));
  }  // no flush: the destructor writes the queue
  // Each line takes the file past 1 byte: a roll after every line, the last one included.
  EXPECT_EQ(read(path_), "");
  EXPECT_NE(read(backup(1)).find("[INFO] line 05\n"), std::string::npos) << read(backup(1));
  EXPECT_NE(read(backup(2)).find("[INFO] line 04\n"), std::string::npos) << read(backup(2));
  EXPECT_FALSE(fs::exists(backup(3)));
  log::write(log::Level::info, "after the writer is gone");  // no sink: stderr only
}

TEST_F(LogFileTest, AFileThatCannotBeOpenedIsReportedOnceAndNeverStopsLogging) {
  const std::string path = (dir_ / "missing" / "a.log").string();
  ::testing::internal::CaptureStderr();
  {
    LogFileWriter writer(LogFileOptions{path, RotationPolicy{}, "h"});
    log::set_sink(&writer);
    log::write(log::Level::info, "first");
    log::write(log::Level::info, "second");
    ASSERT_TRUE(writer.flush(5000));
    EXPECT_GE(writer.lost(), 2u);
  }
  const std::string err = ::testing::internal::GetCapturedStderr();
  const std::string report = "log: cannot open log.file " + path;
  const size_t first = err.find(report);
  ASSERT_NE(first, std::string::npos) << err;
  EXPECT_EQ(err.find(report, first + 1), std::string::npos) << "reported twice:\n" << err;
  EXPECT_NE(err.find("(ferry creates the file, not its directory)"), std::string::npos) << err;
  EXPECT_NE(err.find("info  first"), std::string::npos) << err;
  EXPECT_NE(err.find("info  second"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(path));
}

}  // namespace
}  // namespace ferry
