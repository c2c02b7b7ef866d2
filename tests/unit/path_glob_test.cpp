// filePattern globs: the wildcard-free root, components with wildcards at any depth, and the
// compressed rotations that are never tailed.
#include "core/tail/path_glob.hpp"

#include <gtest/gtest.h>

namespace ferry {
namespace {

TEST(PathGlob, RootTakesTheLeadingComponentsWithoutWildcards) {
  const PathGlob glob = parse_path_glob("/var/log/*/app*.log");
  EXPECT_EQ(glob.root, "/var/log");
  EXPECT_EQ(glob.components, (std::vector<std::string>{"*", "app*.log"}));
  EXPECT_EQ(glob.file_depth(), 1u);
  EXPECT_TRUE(glob.matches(0, "web1"));
  EXPECT_TRUE(glob.matches(1, "app-2026.log"));
  EXPECT_FALSE(glob.matches(1, "other.log"));
}

TEST(PathGlob, FileOnlyPatternsAndTheRootDirectory) {
  const PathGlob glob = parse_path_glob("/opt/bot/compliance/messages/*.txt");
  EXPECT_EQ(glob.root, "/opt/bot/compliance/messages");
  EXPECT_EQ(glob.components, (std::vector<std::string>{"*.txt"}));
  const PathGlob top = parse_path_glob("/app.log");
  EXPECT_EQ(top.root, "/");
  EXPECT_EQ(top.components, (std::vector<std::string>{"app.log"}));
  const PathGlob literal = parse_path_glob("/var//log/app.log");
  EXPECT_EQ(literal.root, "/var/log");
  EXPECT_TRUE(literal.matches(0, "app.log"));
  EXPECT_FALSE(literal.matches(0, "app.lo"));
}

TEST(PathGlob, WildcardsInTheMiddleKeepLiteralComponentsAfterThem) {
  const PathGlob glob = parse_path_glob("/srv/?eb/logs/*.log");
  EXPECT_EQ(glob.root, "/srv");
  EXPECT_EQ(glob.components, (std::vector<std::string>{"?eb", "logs", "*.log"}));
  EXPECT_TRUE(glob.matches(0, "web"));
  EXPECT_TRUE(glob.matches(1, "logs"));
  EXPECT_FALSE(glob.matches(1, "log"));
}

TEST(PathGlob, HiddenNamesNeedALeadingDotInThePattern) {
  const PathGlob glob = parse_path_glob("/d/*.log");
  EXPECT_FALSE(glob.matches(0, ".hidden.log"));
  EXPECT_TRUE(parse_path_glob("/d/.*.log").matches(0, ".hidden.log"));
}

TEST(PathGlob, CompressedRotationsAreRecognised) {
  for (const char* name : {"app.log.1.gz", "app.log.2.bz2", "a.zip", "a.ZST", "a.log.xz", "a.lz4",
                           "a.tgz", "a.Z", "a.7z"})
    EXPECT_TRUE(is_compressed_name(name)) << name;
  for (const char* name : {"app.log", "app.log.1", "gz", "a.gzip.log", "a.z", "a.zstd.log"})
    EXPECT_FALSE(is_compressed_name(name)) << name;
}

TEST(PathGlob, WholePathsMatchComponentByComponent) {
  EXPECT_TRUE(matches_file_pattern("/var/log/*/app*.log", "/var/log/web/app-1.log"));
  EXPECT_FALSE(matches_file_pattern("/var/log/*/app*.log", "/var/log/web/deep/app-1.log"));
  EXPECT_FALSE(matches_file_pattern("/var/log/*.log", "/var/log/web/app.log"));
  EXPECT_FALSE(matches_file_pattern("/var/log/*.log", "/var/log/.hidden.log"));
  EXPECT_TRUE(matches_file_pattern("/tmp/app.log*", "/tmp/app.log.1"));
  EXPECT_FALSE(matches_file_pattern("/tmp/app.log", "/tmp/app.log.1"));
}

// The Kinesis Agent's filePattern is a Java NIO glob: classes and {a,b} groups too.
TEST(PathGlob, JavaNioClassesAndGroups) {
  const PathGlob glob = parse_path_glob("/var/log/{web,api}[0-9]/app.{log,txt}");
  EXPECT_EQ(glob.root, "/var/log");
  ASSERT_EQ(glob.alternatives.size(), 2u);
  EXPECT_EQ(glob.alternatives[1], (std::vector<std::string>{"app.log", "app.txt"}));
  EXPECT_TRUE(glob.matches(0, "web1"));
  EXPECT_TRUE(glob.matches(0, "api9"));
  EXPECT_FALSE(glob.matches(0, "web"));
  EXPECT_FALSE(glob.matches(0, "db1"));
  EXPECT_TRUE(glob.matches(1, "app.txt"));
  EXPECT_FALSE(glob.matches(1, "app.csv"));
  EXPECT_TRUE(
      matches_file_pattern("/var/log/{web,api}[0-9]/app.{log,txt}", "/var/log/api3/app.log"));
  EXPECT_FALSE(
      matches_file_pattern("/var/log/{web,api}[0-9]/app.{log,txt}", "/var/log/api3/x/app.log"));
  EXPECT_TRUE(matches_file_pattern("/tmp/app[!0-9].log", "/tmp/appx.log"));
  EXPECT_FALSE(matches_file_pattern("/tmp/app[!0-9].log", "/tmp/app1.log"));
}

TEST(PathGlob, BraceGroupsAreExpandedAndChecked) {
  EXPECT_EQ(expand_braces("{a,b}.{x,y}"), (std::vector<std::string>{"a.x", "a.y", "b.x", "b.y"}));
  EXPECT_EQ(expand_braces("plain*"), (std::vector<std::string>{"plain*"}));
  EXPECT_EQ(expand_braces("a{,b}"), (std::vector<std::string>{"a", "ab"}));
  EXPECT_EQ(check_glob_braces("/var/log/{a,b}/*.{log,txt}"), "");
  EXPECT_EQ(check_glob_braces("/var/log/{a,b/c}.log"),
            "a {...} group must stay within one path component (no / inside)");
  EXPECT_EQ(check_glob_braces("/var/log/{a,{b,c}}.log"),
            "a {...} group inside another is not supported");
  EXPECT_EQ(check_glob_braces("/var/log/{a,b.log"), "a {...} group is not closed");
  EXPECT_EQ(check_glob_braces("/var/log/a}.log"), "a } closes no {...} group");
  EXPECT_EQ(check_glob_braces("/l/{0,1,2,3}{0,1,2,3}{0,1,2,3}{0,1,2,3}{0,1}"),
            "more than 256 alternatives");
}

TEST(PathGlob, JoinPath) {
  EXPECT_EQ(join_path("/", "a"), "/a");
  EXPECT_EQ(join_path("/var/log", "a"), "/var/log/a");
}

}  // namespace
}  // namespace ferry
