// core/file_mode: the fileMode key and the modes derived from it.
#include "core/file_mode.hpp"

#include <gtest/gtest.h>

namespace ferry {
namespace {

TEST(FileMode, ParsesOctalReadWriteModes) {
  EXPECT_EQ(parse_file_mode("0600").value(), 0600u);
  EXPECT_EQ(parse_file_mode("640").value(), 0640u);
  EXPECT_EQ(parse_file_mode("0666").value(), 0666u);
}

TEST(FileMode, RefusesWhatIsNotAPrivateEnoughReadableMode) {
  for (const char* bad : {"", "64", "06400", "0644x", "0755", "4600", "0200", "0o600", "-600"}) {
    auto mode = parse_file_mode(bad);
    EXPECT_FALSE(mode.ok()) << bad;
    if (!mode.ok()) {
      EXPECT_NE(mode.error().message.find("must"), std::string::npos);
    }
  }
}

TEST(FileMode, DirectoriesAreSearchableWhereFilesAreReadable) {
  EXPECT_EQ(directory_mode_for(0600), 0700u);
  EXPECT_EQ(directory_mode_for(0640), 0750u);
  EXPECT_EQ(directory_mode_for(0644), 0755u);
  EXPECT_EQ(directory_mode_for(0660), 0770u);
}

TEST(FileMode, FormatsWithTheLeadingZero) {
  EXPECT_EQ(format_mode(0644), "0644");
  EXPECT_EQ(format_mode(0), "0000");
  EXPECT_TRUE(exposes_secret(0640));
  EXPECT_TRUE(exposes_secret(0602));
  EXPECT_FALSE(exposes_secret(0600));
}

}  // namespace
}  // namespace ferry
