// The checkpoint on disk: generations kept, damage falls back to the previous one, and a
// checkpoint that cannot be trusted stops ferry with a message saying what to do.
#include "io/checkpoint_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/support/test_directory.hpp"

namespace ferry {
namespace {

namespace fs = std::filesystem;

class CheckpointStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_test_directory("ferry-store");
    path_ = (dir_ / "state" / "checkpoints").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  static Checkpoint generation(uint64_t n) {
    Checkpoint checkpoint;
    checkpoint.generation = n;
    checkpoint.commit("f", SourcePosition{"/in/a.log", {1, 2, 3, 4}, n * 100}, 1);
    return checkpoint;
  }
  void damage(const std::string& path) {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(10);
    file.put('#');
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(CheckpointStoreTest, FirstStartHasAnEmptyCheckpoint) {
  auto loaded = load_checkpoint(path_);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_TRUE(loaded->flows.empty());
}

TEST_F(CheckpointStoreTest, SaveCreatesDirectoriesAndKeepsThePreviousGeneration) {
  ASSERT_TRUE(save_checkpoint(path_, encode_checkpoint(generation(1))).ok());
  ASSERT_TRUE(save_checkpoint(path_, encode_checkpoint(generation(2))).ok());
  auto loaded = load_checkpoint(path_);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->generation, 2u);
  auto previous = load_checkpoint(path_ + ".prev");  // the .prev file is itself a checkpoint
  ASSERT_TRUE(previous.ok());
  EXPECT_EQ(previous->generation, 1u);
  EXPECT_FALSE(fs::exists(path_ + ".tmp"));
  EXPECT_FALSE(fs::exists(path_ + ".prev.tmp"));
}

TEST_F(CheckpointStoreTest, DamagedCheckpointFallsBackToThePreviousGeneration) {
  ASSERT_TRUE(save_checkpoint(path_, encode_checkpoint(generation(1))).ok());
  ASSERT_TRUE(save_checkpoint(path_, encode_checkpoint(generation(2))).ok());
  damage(path_);
  auto loaded = load_checkpoint(path_);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->generation, 1u);
  EXPECT_EQ(loaded->find_flow("f")->files[0].offset, 100u);
}

TEST_F(CheckpointStoreTest, MissingCheckpointWithAPreviousGenerationUsesIt) {
  ASSERT_TRUE(save_checkpoint(path_, encode_checkpoint(generation(1))).ok());
  ASSERT_TRUE(save_checkpoint(path_, encode_checkpoint(generation(2))).ok());
  fs::remove(path_);
  auto loaded = load_checkpoint(path_);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->generation, 1u);
}

TEST_F(CheckpointStoreTest, NoReadableGenerationRefusesToStartAndSaysWhatToDo) {
  ASSERT_TRUE(save_checkpoint(path_, encode_checkpoint(generation(1))).ok());
  ASSERT_TRUE(save_checkpoint(path_, encode_checkpoint(generation(2))).ok());
  damage(path_);
  damage(path_ + ".prev");
  auto loaded = load_checkpoint(path_);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("checksum mismatch"), std::string::npos);
  EXPECT_NE(loaded.error().message.find("will not guess"), std::string::npos);
  EXPECT_NE(loaded.error().message.find(path_), std::string::npos);
}

TEST_F(CheckpointStoreTest, TheKinesisAgentsSqliteDatabaseIsNamedAsSuch) {
  fs::create_directories(fs::path(path_).parent_path());
  {
    std::ofstream db(path_, std::ios::binary);
    db.write("SQLite format 3\0\x10\x00\x01\x01", 20);
  }
  auto loaded = load_checkpoint(path_);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().message,
            "checkpoint: " + path_ +
                " is an SQLite database (the Kinesis Agent's checkpoint store), not a ferry "
                "checkpoint; point checkpointFile at a file of ferry's own, such as "
                "/var/lib/ferry/checkpoints, and carry the Kinesis Agent's positions over into "
                "it with ferry migrate --from " +
                path_);
}

TEST_F(CheckpointStoreTest, DamagedOnlyGenerationRefusesToStart) {
  ASSERT_TRUE(save_checkpoint(path_, encode_checkpoint(generation(1))).ok());
  damage(path_);
  auto loaded = load_checkpoint(path_);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("no previous generation"), std::string::npos);
}

TEST_F(CheckpointStoreTest, UnwritableLocationIsAnErrorNotACrash) {
  fs::create_directories(path_ + "/occupied");  // a directory where the file should be
  auto status = save_checkpoint(path_, encode_checkpoint(generation(1)));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find(path_), std::string::npos);
}

}  // namespace
}  // namespace ferry
