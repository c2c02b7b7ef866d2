// Unit tests for `ferry redact`: its command line, flow lookup, and that it prints what the
// flow ships (redacted, invalid markers, empty lines skipped, long-line pieces invalid).
#include "agent/commands/redact_command.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "agent/commands/cli.hpp"

namespace ferry {
namespace {

config::Config two_flows() {
  Result<config::Parsed> parsed = config::parse(R"({"flows": [
    {"name": "plain", "filePattern": "/var/log/a/*.log", "s3": {"bucket": "my-bucket"}},
    {"name": "wickr", "filePattern": "/var/log/w/*.txt", "s3": {"bucket": "my-bucket"},
     "maxRecordBytes": 64,
     "redact": [{"fields": ["file.localfilename"], "flagField": "data_redacted"},
                {"patterns": ["email"], "fields": "*"}]}]})");
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  return parsed->config;
}

TEST(RedactCommand, CommandLine) {
  const auto options = parse_cli({"redact", "--config", "/etc/a.json", "--flow", "wickr"});
  ASSERT_TRUE(options.ok());
  EXPECT_TRUE(options->redact);
  EXPECT_EQ(options->flow, "wickr");
  EXPECT_EQ(options->config_path, "/etc/a.json");
  EXPECT_EQ(parse_cli({"redact"}).error().message, "ferry redact needs --flow");
  EXPECT_EQ(parse_cli({"--flow", "x"}).error().message, "unknown argument --flow (see --help)");
  EXPECT_EQ(parse_cli({"redact", "--flow", "x", "--once"}).error().message,
            "ferry redact takes only --config, --flow and --log-level");
  EXPECT_FALSE(parse_cli({"--once"})->redact);
}

TEST(RedactCommand, FlowsAreFoundByNameOrIndex) {
  const config::Config config = two_flows();
  EXPECT_EQ(find_flow(config, "wickr"), 1u);
  EXPECT_EQ(find_flow(config, "0"), 0u);
  EXPECT_EQ(find_flow(config, "1"), 1u);
  EXPECT_EQ(find_flow(config, "2"), std::nullopt);
  EXPECT_EQ(find_flow(config, "nope"), std::nullopt);
  EXPECT_EQ(find_flow(config, "1x"), std::nullopt);
}

TEST(RedactCommand, PrintsWhatTheFlowShips) {
  const config::Config config = two_flows();
  std::istringstream in(
      "{\"file\":{\"localfilename\":\"/tmp/a\"},\"to\":\"bob@example.com\"}\n"
      "\n"
      "not json\n" +
      std::string(70, 'x') + "\n" + "{\"partial\":");
  std::ostringstream out;
  const RedactCommandCounts counts = run_redact_command(config.flows[1], in, out);
  EXPECT_EQ(out.str(),
            "{\"file\":{\"localfilename\":\"REDACTED_CONTENT\"},\"to\":\"REDACTED_CONTENT\","
            "\"data_redacted\":true}\n"
            "{\"ferry_invalid_record\":true,\"ferry_file\":\"<stdin>\",\"ferry_offset\":60,\"ferry_"
            "length\":8}\n"
            "{\"ferry_invalid_record\":true,\"ferry_file\":\"<stdin>\",\"ferry_offset\":69,\"ferry_"
            "length\":64}\n"
            "{\"ferry_invalid_record\":true,\"ferry_file\":\"<stdin>\",\"ferry_offset\":133,"
            "\"ferry_length\":6}\n");
  EXPECT_EQ(counts.records, 4u);
  EXPECT_EQ(counts.redacted, 1u);
  EXPECT_EQ(counts.invalid, 3u);
  EXPECT_EQ(counts.unterminated_bytes, 11u);
  // The audit: each rule changed the first record, one value each.
  ASSERT_EQ(counts.rules.size(), 2u);
  EXPECT_EQ(counts.rules[0].records, 1u);
  EXPECT_EQ(counts.rules[0].values, 1u);
  EXPECT_EQ(counts.rules[1].records, 1u);
  EXPECT_EQ(counts.rules[1].values, 1u);
  std::istringstream plain_in("as is \xff\n\nsecond\n");
  std::ostringstream plain_out;
  EXPECT_EQ(run_redact_command(config.flows[0], plain_in, plain_out).records, 2u);
  EXPECT_EQ(plain_out.str(), "as is \xff\nsecond\n");
}

}  // namespace
}  // namespace ferry
