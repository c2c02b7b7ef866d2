// core/tail/symlink_policy: which real locations a flow may read through a symbolic link.
#include "core/tail/symlink_policy.hpp"

#include <gtest/gtest.h>

namespace ferry {
namespace {

TEST(SymlinkPolicy, WithinIsOnComponentBoundaries) {
  EXPECT_TRUE(is_within("/var/log", "/var/log/a.log"));
  EXPECT_TRUE(is_within("/var/log", "/var/log"));
  EXPECT_FALSE(is_within("/var/log", "/var/logs/a.log"));
  EXPECT_TRUE(is_within("/", "/etc/shadow"));
}

TEST(SymlinkPolicy, TargetsInsideTheWatchedDirectoriesAreAllowed) {
  const PathGlob glob = parse_path_glob("/var/log/app/*.log");
  EXPECT_TRUE(inside_watched_directories(glob, "/var/log/app", "/var/log/app/app.log.1"));
  EXPECT_TRUE(inside_watched_directories(glob, "/var/log/app", "/var/log/app/old/x.gz"));
  // The root itself reached through a link (/var/log -> /data/log): its real form counts.
  EXPECT_TRUE(inside_watched_directories(glob, "/data/log/app", "/data/log/app/a.log"));
}

TEST(SymlinkPolicy, TargetsElsewhereAreRefused) {
  const PathGlob glob = parse_path_glob("/var/log/app/*.log");
  EXPECT_FALSE(inside_watched_directories(glob, "/var/log/app", "/etc/shadow"));
  EXPECT_FALSE(inside_watched_directories(glob, "/var/log/app", "/var/log/apple/x.log"));
  EXPECT_FALSE(inside_watched_directories(glob, "/var/log/app", "/var/log/app"));
  EXPECT_FALSE(inside_watched_directories(glob, "/var/log/app", "/var/log/secure"));
}

TEST(SymlinkPolicy, WildcardDirectoriesMatchComponentByComponent) {
  const PathGlob glob = parse_path_glob("/srv/*/logs/*.log");
  EXPECT_TRUE(inside_watched_directories(glob, "/srv", "/srv/a/logs/x.log"));
  EXPECT_TRUE(inside_watched_directories(glob, "/srv", "/srv/b/logs/archive/x.log"));
  EXPECT_FALSE(inside_watched_directories(glob, "/srv", "/srv/a/secrets/x.log"));
  EXPECT_FALSE(inside_watched_directories(glob, "/srv", "/srv/a/x.log"));
  EXPECT_FALSE(inside_watched_directories(glob, "/srv", "/srv/.hidden/logs/x.log"));
}

}  // namespace
}  // namespace ferry
