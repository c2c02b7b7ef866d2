// The command line, including the Kinesis Agent's arguments a unit passes from AGENT_ARGS
// (its JCommander options: -c/--configuration, -L/--log-level, -l/--log-file, "=" separators).
#include "agent/commands/cli.hpp"

#include <gtest/gtest.h>

#include "agent/run_command.hpp"

namespace ferry {
namespace {

CliOptions parsed(std::vector<std::string> args) {
  auto options = parse_cli(args);
  EXPECT_TRUE(options.ok()) << options.error().message;
  return options.ok() ? options.value() : CliOptions{};
}

TEST(Cli, KinesisAgentArgumentsAreUnderstood) {
  EXPECT_EQ(parsed({"-c", "/etc/a.json"}).config_path, "/etc/a.json");
  EXPECT_EQ(parsed({"--configuration=/etc/b.json"}).config_path, "/etc/b.json");
  EXPECT_EQ(parsed({"-c=/etc/c.json"}).config_path, "/etc/c.json");
  // The unit's --config first, then AGENT_ARGS: the later one wins.
  EXPECT_EQ(parsed({"--config", "/etc/aws-kinesis/agent.json", "-c", "/opt/x.json"}).config_path,
            "/opt/x.json");
  const CliOptions levels = parsed({"-L", "DEBUG", "-l", "/var/log/aws-kinesis-agent/a.log"});
  EXPECT_EQ(levels.log_level, "DEBUG");
  EXPECT_EQ(levels.log_file, "/var/log/aws-kinesis-agent/a.log");
  EXPECT_EQ(parsed({"--log-level=WARN"}).log_level, "WARN");
}

TEST(Cli, JavaLogLevelsMapToFerrys) {
  EXPECT_EQ(parse_log_level("TRACE"), log::Level::debug);
  EXPECT_EQ(parse_log_level("DEBUG"), log::Level::debug);
  EXPECT_EQ(parse_log_level("INFO"), log::Level::info);
  EXPECT_EQ(parse_log_level("warn"), log::Level::warn);
  EXPECT_EQ(parse_log_level("ERROR"), log::Level::error);
  EXPECT_FALSE(parse_log_level("Info").has_value());
  EXPECT_FALSE(parse_log_level("verbose").has_value());
}

TEST(Cli, MistakesAreNamed) {
  EXPECT_EQ(parse_cli({"-c"}).error().message, "-c needs a value");
  EXPECT_EQ(parse_cli({"--once=yes"}).error().message, "--once takes no value, got --once=yes");
  EXPECT_EQ(parse_cli({"--frobnicate"}).error().message,
            "unknown argument --frobnicate (see --help)");
}

}  // namespace
}  // namespace ferry
