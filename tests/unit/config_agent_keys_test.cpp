// Unit tests for the Kinesis Agent's agent-level keys (agent/config/config_agent.*): checkpoint TTL,
// shutdown timeout, the HTTP client keys and their HttpClientOptions, the refused
// userDefinedCredentialsProvider keys; agent.d/*.json flows (agent/config/config_agent_d.*); and the
// flow key fileFooterPattern.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "agent/config/config.hpp"
#include "agent/setup/http_options.hpp"
#include "core/text.hpp"
#include "tests/support/config_parse.hpp"

namespace ferry::config {
namespace {

namespace fs = std::filesystem;

std::string with_flow(std::string_view root_keys, std::string_view flow_keys = "") {
  return cat("{", root_keys, R"("flows": [{)", flow_keys,
             R"("filePattern": "/var/log/app/*.log", "s3": {"bucket": "my-bucket"}}]})");
}

// ---- agent-level keys ---------------------------------------------------------------------

TEST(ConfigAgentKeys, DefaultsAreTheJavaAgents) {
  const Config config = parse_ok(with_flow("")).config;
  EXPECT_EQ(config.checkpoint_ttl_days, 7u);
  EXPECT_EQ(config.shutdown_timeout_millis, 10000u);
  EXPECT_EQ(config.http.connection_timeout_millis, 10000u);
  EXPECT_EQ(config.http.socket_timeout_millis, 50000u);
  EXPECT_TRUE(config.http.user_agent.empty());
}

TEST(ConfigAgentKeys, KeysAreParsed) {
  const Parsed parsed = parse_ok(with_flow(
      R"("checkpointTimeToLiveDays": "3", "shutdownTimeoutMillis": 2500,
         "connectionTimeoutMillis": 2000, "socketTimeoutMillis": "1500",
         "connectionTTLMillis": 30000, "useTcpKeepAlive": "no",
         "userAgentOverride": "my-agent/1.0",)"));
  const Config& config = parsed.config;
  EXPECT_TRUE(parsed.warnings.empty());
  EXPECT_TRUE(parsed.notes.empty());
  EXPECT_EQ(config.checkpoint_ttl_days, 3u);
  EXPECT_EQ(config.shutdown_timeout_millis, 2500u);
  EXPECT_EQ(config.http.connection_timeout_millis, 2000u);
  EXPECT_EQ(config.http.socket_timeout_millis, 1500u);
  EXPECT_EQ(config.http.connection_ttl_millis, 30000u);
  EXPECT_FALSE(config.http.tcp_keepalive);
  EXPECT_EQ(config.http.user_agent, "my-agent/1.0");
  // -1 is the AWS SDK's "no limit".
  EXPECT_EQ(parse_ok(with_flow(R"("connectionTTLMillis": -1,)")).config.http.connection_ttl_millis,
            0u);
}

TEST(ConfigAgentKeys, BadValuesNameTheKey) {
  EXPECT_EQ(error_of(with_flow(R"("checkpointTimeToLiveDays": 0,)")),
            "config: checkpointTimeToLiveDays: must be between 1 and 36500, got 0");
  EXPECT_EQ(error_of(with_flow(R"("shutdownTimeoutMillis": "soon",)")),
            "config: shutdownTimeoutMillis: must be an integer, got \"soon\"");
  EXPECT_EQ(error_of(with_flow(R"("socketTimeoutMillis": true,)")),
            "config: socketTimeoutMillis: must be an integer, got boolean");
  EXPECT_EQ(error_of(with_flow(R"("useTcpKeepAlive": "sometimes",)")),
            "config: useTcpKeepAlive: must be a boolean (true/false, yes/no, t/f, y/n, 1/0), got "
            "\"sometimes\"");
  EXPECT_EQ(error_of(with_flow(R"("userAgentOverride": "a\nb",)")),
            "config: userAgentOverride: must be printable ASCII (it is an HTTP header), got "
            "\"a\\nb\"");
}

TEST(ConfigAgentKeys, HttpTuningBecomesClientOptions) {
  HttpTuning tuning;
  HttpClientOptions options = http_options(tuning);
  EXPECT_EQ(options.connect_timeout_millis, 10000);
  EXPECT_EQ(options.low_speed_bytes_per_second, 1);  // "no byte for socketTimeoutMillis"
  EXPECT_EQ(options.low_speed_seconds, 50);
  EXPECT_EQ(options.deadline_base_millis, 60000);  // connect + socket timeouts, then the body
  EXPECT_EQ(options.total_timeout_millis, 0);
  EXPECT_EQ(options.max_connection_age_seconds, 60);
  EXPECT_TRUE(options.tcp_keepalive);
  EXPECT_EQ(options.user_agent, cat("ferry/", FERRY_VERSION));

  tuning.connection_timeout_millis = 1500;
  tuning.socket_timeout_millis = 1200;  // rounded up to whole seconds
  tuning.connection_ttl_millis = 0;     // no limit
  tuning.tcp_keepalive = false;
  tuning.user_agent = "custom";
  options = http_options(tuning);
  EXPECT_EQ(options.connect_timeout_millis, 1500);
  EXPECT_EQ(options.low_speed_seconds, 2);
  EXPECT_EQ(options.deadline_base_millis, 2700);
  EXPECT_EQ(options.max_connection_age_seconds, 0);
  EXPECT_FALSE(options.tcp_keepalive);
  EXPECT_EQ(options.user_agent, "custom");
  tuning.socket_timeout_millis = 1;
  EXPECT_EQ(http_options(tuning).low_speed_seconds, 1);
}

// The Java agent (AgentContext.userAgent): userAgentOverride replaces the header; otherwise
// userAgent, trimmed, goes before the agent's own.
TEST(ConfigAgentKeys, UserAgentGoesBeforeFerrysOwn) {
  const Parsed parsed = parse_ok(with_flow(R"("userAgent": "  acme-retention/2 ",)"));
  EXPECT_TRUE(parsed.warnings.empty());
  EXPECT_EQ(parsed.config.http.user_agent_prefix, "acme-retention/2");
  EXPECT_EQ(http_options(parsed.config.http).user_agent,
            cat("acme-retention/2 ferry/", FERRY_VERSION));
  const Parsed both =
      parse_ok(with_flow(R"("userAgent": "acme-retention/2", "userAgentOverride": "only-this",)"));
  EXPECT_EQ(http_options(both.config.http).user_agent, "only-this");
  EXPECT_EQ(error_of(with_flow(R"("userAgent": "a\nb",)")),
            "config: userAgent: must be printable ASCII (it is an HTTP header), got \"a\\nb\"");
}

// The Java agent's SQLite checkpoint timeouts mean nothing to ferry: noted, not warned.
TEST(ConfigAgentKeys, SqliteCheckpointTimeoutsAreNoOps) {
  const Parsed parsed = parse_ok(with_flow(
      R"("checkpoints.queryTimeoutSeconds": 30, "checkpoints.connectionTimeoutSeconds": 5,)"));
  EXPECT_TRUE(parsed.warnings.empty());
  EXPECT_EQ(parsed.notes.size(), 2u);
}

TEST(ConfigAgentKeys, UserDefinedCredentialsProviderIsRefusedWithTheWayOut) {
  const std::string error =
      error_of(with_flow(R"("userDefinedCredentialsProvider.classname": "com.example.Creds",)"));
  EXPECT_EQ(error.rfind("config: userDefinedCredentialsProvider.classname: ferry cannot load Java "
                        "classes; ",
                        0),
            0u);
  EXPECT_NE(error.find("credential_process"), std::string::npos);
  EXPECT_NE(error.find("docs/credentials.md"), std::string::npos);
  EXPECT_EQ(
      error_of(with_flow(R"("userDefinedCredentialsProvider.location": "/opt/creds.jar",)"))
          .rfind("config: userDefinedCredentialsProvider.location: ferry cannot load Java", 0),
      0u);
}

TEST(ConfigAgentKeys, UnknownKeysStillGetDidYouMean) {
  EXPECT_EQ(parse_ok(with_flow(R"("shutdownTimeoutMilis": 1,)")).warnings,
            std::vector<std::string>{
                "config: shutdownTimeoutMilis: unknown key (did you mean shutdownTimeoutMillis?)"});
}

TEST(ConfigAgentKeys, LogKeysOfTheJavaAgent) {
  // Logback's levels, in any case; ferry has no trace level.
  EXPECT_EQ(parse_ok(with_flow(R"("log.level": "INFO",)")).config.log_level, LogLevel::info);
  EXPECT_EQ(parse_ok(with_flow(R"("log.level": "TRACE",)")).config.log_level, LogLevel::debug);
  EXPECT_EQ(parse_ok(with_flow(R"("log.level": "Warn",)")).config.log_level, LogLevel::warn);
  EXPECT_EQ(error_of(with_flow(R"("log.level": "loud",)")),
            "config: log.level: must be one of debug, info, warn, error, got \"loud\"");
  // The Java agent's log file keys: ferry writes the file too, rolled over as log4j's appender.
  const Parsed parsed = parse_ok(with_flow(
      R"("log.file": "/var/log/aws-kinesis-agent/aws-kinesis-agent.log",
         "log.maxBackupIndex": 3, "log.maxFileSize": "1048576",)"));
  EXPECT_TRUE(parsed.warnings.empty());
  EXPECT_TRUE(parsed.notes.empty());
  const Operations& operations = parsed.config.operations;
  EXPECT_EQ(operations.log_file, "/var/log/aws-kinesis-agent/aws-kinesis-agent.log");
  EXPECT_EQ(operations.log_rotation.max_file_size, 1048576u);
  EXPECT_EQ(operations.log_rotation.max_backup_index, 3u);
  // Without the keys: no file; custom.log4j.xml's 10485760 bytes and 5 backups.
  const Operations defaults = parse_ok(with_flow("")).config.operations;
  EXPECT_EQ(defaults.log_file, "");
  EXPECT_EQ(defaults.log_rotation.max_file_size, 10485760u);
  EXPECT_EQ(defaults.log_rotation.max_backup_index, 5u);
  // Logging.java sets the appender's values only when they are above 0: 0 and the Java
  // default -1 keep custom.log4j.xml's, with a warning (log4j reads MaxBackupIndex 0 as none).
  const Parsed zeros = parse_ok(with_flow(R"("log.maxBackupIndex": 0, "log.maxFileSize": "-1",)"));
  EXPECT_EQ(zeros.config.operations.log_rotation.max_file_size, 10485760u);
  EXPECT_EQ(zeros.config.operations.log_rotation.max_backup_index, 5u);
  EXPECT_EQ(zeros.warnings,
            (std::vector<std::string>{
                "config: log.maxBackupIndex: 0 keeps the default 5, as in the Kinesis Agent "
                "(only a value above 0 sets it)",
                "config: log.maxFileSize: \"-1\" keeps the default 10485760, as in the Kinesis "
                "Agent (only a value above 0 sets it)"}));
  EXPECT_EQ(parse_ok(with_flow(R"("log.maxBackupIndex": -1,)")).config.operations.log_rotation,
            RotationPolicy{});
  EXPECT_EQ(parse_ok(with_flow(R"("log.file": "",)")).config.operations.log_file, "");
  EXPECT_EQ(error_of(with_flow(R"("log.file": 5,)")),
            "config: log.file: must be a string, got number");
  EXPECT_EQ(error_of(with_flow(R"("log.maxBackupIndex": 1001,)")),
            "config: log.maxBackupIndex: must be between 1 and 1000, got 1001");
  EXPECT_EQ(error_of(with_flow(R"("log.maxFileSize": "10MB",)")).substr(0, 25),
            "config: log.maxFileSize: ");
}

// ---- fileFooterPattern --------------------------------------------------------------------

TEST(ConfigAgentKeys, FileFooterPatternIsCompiledOnce) {
  EXPECT_EQ(parse_ok(with_flow("", R"("fileFooterPattern": "^-- end of log --$",)"))
                .config.flows[0]
                .file_footer_pattern,
            "^-- end of log --$");
  EXPECT_TRUE(parse_ok(with_flow("", R"("fileFooterPattern": null,)"))
                  .config.flows[0]
                  .file_footer_pattern.empty());
  EXPECT_EQ(
      error_of(with_flow("", R"("fileFooterPattern": "(unclosed",)"))
          .rfind("config: flows[0].fileFooterPattern: not a regular expression ferry can run: ", 0),
      0u);
  EXPECT_EQ(error_of(with_flow("", R"("fileFooterPattern": 5,)")),
            "config: flows[0].fileFooterPattern: must be a string, got number");
}

// ---- agent.d ------------------------------------------------------------------------------

class AgentD : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / cat("ferry-agent-d-", ::getpid(), "-",
                                            ::testing::UnitTest::GetInstance()->random_seed(), "-",
                                            counter_++);
    fs::create_directories(root_ / "agent.d");
  }
  void TearDown() override { fs::remove_all(root_); }

  void write(const std::string& name, std::string_view text) {
    std::ofstream(root_ / name) << text;
  }
  std::string main_file() const { return (root_ / "agent.json").string(); }
  std::string file(const std::string& name) const { return (root_ / name).string(); }
  std::string flow(std::string_view name_key, std::string_view pattern) const {
    return cat("{", name_key, R"("filePattern": ")", pattern,
               R"(", "directory": {"path": "/tmp/out"}})");
  }

  fs::path root_;
  static inline int counter_ = 0;
};

TEST_F(AgentD, RelativeLogFileIsBesideTheConfiguration) {
  write("agent.json",
        cat(R"({"log.file": "logs/agent.log", "flows": [)", flow("", "/a/*.log"), "]}"));
  const Result<Parsed> parsed = load(main_file());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->config.operations.log_file, file("logs/agent.log"));
}

TEST_F(AgentD, FlowsOfEveryFileJoinInNameOrder) {
  write("agent.json", cat(R"({"flows": [)", flow("", "/a/*.log"), "]}"));
  write("agent.d/20-b.json", cat(R"({"flows": [)", flow(R"("name": "bee",)", "/b/*.log"), ", ",
                                 flow("", "rel/*.log"), "]}"));
  write("agent.d/10-a.json", cat(R"({"flows": [)", flow("", "/c/*.log"), "]}"));
  const Result<Parsed> parsed = load(main_file());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const std::vector<Flow>& flows = parsed->config.flows;
  ASSERT_EQ(flows.size(), 4u);
  EXPECT_EQ(flows[0].name, "flow1");
  EXPECT_EQ(flows[0].file_pattern, "/a/*.log");
  EXPECT_EQ(flows[1].name, "flow2");  // unnamed flows are numbered across all files
  EXPECT_EQ(flows[1].file_pattern, "/c/*.log");
  EXPECT_EQ(flows[2].name, "bee");
  EXPECT_EQ(flows[3].name, "flow4");
  EXPECT_EQ(flows[3].file_pattern, file("agent.d/rel/*.log"));  // relative to agent.d
  EXPECT_TRUE(parsed->warnings.empty());
}

// The Kinesis Agent reads every regular file of agent.d and skips, with a warning, one it
// cannot use; the other files' flows run.
TEST_F(AgentD, ABrokenFileIsSkippedWithAWarningNamingItAndTheOthersRun) {
  write("agent.json", cat(R"({"flows": [)", flow("", "/a/*.log"), "]}"));
  write("agent.d/x.json", R"({"flows": [{"filePattern": "", "directory": {"path": "/o"}}]})");
  write("agent.d/y.json", "{\"flows\": [");
  write("agent.d/z.json", R"({"checkpointFile": "/x"})");
  write("agent.d/zz", cat(R"({"flows": [)", flow("", "/d/*.log"), "]}"));  // any name is read
  const Result<Parsed> parsed = load(main_file());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const std::vector<Flow>& flows = parsed->config.flows;
  ASSERT_EQ(flows.size(), 2u);
  EXPECT_EQ(flows[1].file_pattern, "/d/*.log");
  EXPECT_EQ(flows[1].name, "flow2");  // skipped files' flows are not counted
  const std::string skipped =
      " (the file is skipped: its flows do not run, as the Kinesis Agent skips it too)";
  ASSERT_EQ(parsed->warnings.size(), 3u);
  EXPECT_TRUE(parsed->warnings[0].starts_with(
      cat("config: ", file("agent.d/x.json"), ": flows[0].filePattern: ")))
      << parsed->warnings[0];
  EXPECT_TRUE(parsed->warnings[0].ends_with(skipped));
  EXPECT_TRUE(
      parsed->warnings[1].starts_with(cat("config: ", file("agent.d/y.json"), ": invalid JSON")))
      << parsed->warnings[1];
  EXPECT_EQ(parsed->warnings[2],
            cat("config: ", file("agent.d/z.json"), ": flows: required key missing", skipped));
}

TEST_F(AgentD, FlowNamesAreUniqueAcrossFiles) {
  write("agent.json", cat(R"({"flows": [)", flow(R"("name": "app",)", "/a/*.log"), "]}"));
  write("agent.d/y.json", cat(R"({"flows": [)", flow(R"("name": "app",)", "/b/*.log"), "]}"));
  const Result<Parsed> parsed = load(main_file());
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message,
            cat("config: ", file("agent.d/y.json"),
                ": flows[0].name: flow name \"app\" is "
                "already used by ",
                main_file(),
                ": flows[0]; flow names must be unique across "
                "agent.json and agent.d (unnamed flows are flow1, flow2, ...)"));
}

TEST_F(AgentD, AFlowRepeatedInAnotherFileIsRefusedAndUnnamedKeysIgnoreOrder) {
  write("agent.json", cat(R"({"flows": [)", flow("", "/a/*.log"), "]}"));
  write("agent.d/y.json", cat(R"({"flows": [)", flow("", "/b/*.log"), ",",
                              flow(R"("name": "dup",)", "/a/*.log"), "]}"));
  Result<Parsed> parsed = load(main_file());
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(parsed.error().message.starts_with(
      cat("config: ", file("agent.d/y.json"),
          ": flows[1]: reads the same files into the same destination as ", main_file(),
          ": flows[0] (")))
      << parsed.error().message;
  // Without the duplicate, and with a file sorted before y.json added: the unnamed flows'
  // numbers change, their checkpoint keys do not.
  write("agent.d/y.json", cat(R"({"flows": [)", flow("", "/b/*.log"), "]}"));
  parsed = load(main_file());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const std::string key_b = parsed->config.flows.at(1).checkpoint_key;
  EXPECT_EQ(parsed->config.flows.at(1).name, "flow2");
  write("agent.d/x.json", cat(R"({"flows": [)", flow("", "/c/*.log"), "]}"));
  parsed = load(main_file());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->config.flows.at(2).name, "flow3");
  EXPECT_EQ(parsed->config.flows.at(2).checkpoint_key, key_b);
}

TEST_F(AgentD, OtherKeysAreWarnedAboutAndMainMayHaveNoFlows) {
  write("agent.json", R"({"log.level": "info"})");
  write("agent.d/z.json", cat(R"({"log.level": "debug", "flows": [)", flow("", "/a/*.log"), "]}"));
  const Result<Parsed> parsed = load(main_file());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->config.flows.size(), 1u);
  EXPECT_EQ(parsed->config.log_level, LogLevel::info);
  EXPECT_EQ(parsed->warnings,
            std::vector<std::string>{cat("config: ", file("agent.d/z.json"),
                                         ": log.level: only \"flows\" is read from agent.d files "
                                         "(as the Kinesis Agent); ignored")});
}

TEST_F(AgentD, NoFlowsAnywhereIsAnError) {
  write("agent.json", R"({"log.level": "info"})");
  const Result<Parsed> parsed = load(main_file());
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message, "config: flows: required key missing");
}

}  // namespace
}  // namespace ferry::config
