// The real location of an open file: through /proc, and by its name where /proc is missing
// (the name must still hold the very file the descriptor has open).
#include "io/tail/real_path.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "io/unique_fd.hpp"

namespace ferry {
namespace {

namespace fs = std::filesystem;

class RealPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::canonical(fs::temp_directory_path()) / ("ferry-real-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "logs");
    std::ofstream(dir_ / "logs" / "a.log") << "a\n";
    fs::create_symlink(dir_ / "logs" / "a.log", dir_ / "link.log");
  }
  void TearDown() override { fs::remove_all(dir_); }
  UniqueFd open(const fs::path& path) { return UniqueFd(::open(path.c_str(), O_RDONLY)); }
  fs::path dir_;
};

TEST_F(RealPathTest, ADescriptorOpenedThroughALinkIsWhereTheLinkLeads) {
  const std::string real = (dir_ / "logs" / "a.log").string();
  const UniqueFd fd = open(dir_ / "link.log");
  ASSERT_TRUE(fd.valid());
  EXPECT_EQ(real_path_of(fd.get(), (dir_ / "link.log").string()), real);
  EXPECT_EQ(real_path_by_name(fd.get(), (dir_ / "link.log").string()), real);
}

TEST_F(RealPathTest, WithoutProcANameNowHoldingAnotherFileIsNotTrusted) {
  const UniqueFd fd = open(dir_ / "link.log");
  ASSERT_TRUE(fd.valid());
  // The link is pointed elsewhere after the open: the name no longer says what fd holds.
  std::ofstream(dir_ / "other.log") << "b\n";
  fs::remove(dir_ / "link.log");
  fs::create_symlink(dir_ / "other.log", dir_ / "link.log");
  EXPECT_EQ(real_path_by_name(fd.get(), (dir_ / "link.log").string()), std::nullopt);
  fs::remove(dir_ / "link.log");
  EXPECT_EQ(real_path_by_name(fd.get(), (dir_ / "link.log").string()), std::nullopt);
  // /proc still knows.
  EXPECT_EQ(real_path_of(fd.get(), (dir_ / "link.log").string()),
            (dir_ / "logs" / "a.log").string());
}

}  // namespace
}  // namespace ferry
