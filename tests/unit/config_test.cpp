// Unit tests for agent/config/config: agent.json (Kinesis Agent keys plus ferry's) into Config, and every
// validation rule with its exact message ("config: <json path>: <problem>").
#include "agent/config/config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "core/did_you_mean.hpp"
#include "core/json/json_comments.hpp"
#include "core/json/json_syntax.hpp"
#include "core/text.hpp"
#include "tests/support/config_parse.hpp"

namespace ferry::config {
namespace {

constexpr const char* kExample = R"({
  "checkpointFile": "/var/lib/ferry/checkpoints",
  "s3.endpoint": "http://127.0.0.1:4568", "s3.region": "us-east-1", "s3.forcePathStyle": true,
  "log.level": "info",
  "flows": [{
    "name": "wickr",
    "filePattern": "/opt/bot/compliance/messages/*.txt",
    "initialPosition": "START_OF_FILE",
    "maxBufferAgeMillis": 60000,
    "maxRecordBytes": 1048576,
    "s3": {"bucket": "retention", "keyPrefix": "wickr/dt=%Y-%m-%d/hour=%H/",
           "compressionLevel": 3, "partSizeBytes": 8388608,
           "maxObjectBytes": 134217728, "maxObjectAgeMillis": 60000},
    "redact": [{"consentField": "data_share_consent", "fields": ["dob", "ssn_no"],
                "replacement": "REDACTED_CONTENT", "flagField": "data_redacted"}]
  }]
})";

// Sets (or unsets, with nullopt) an environment variable for one test and restores it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// A configuration with one flow; `flow_keys` and `s3_keys` are extra `"key": value,` entries.
std::string one_flow(std::string_view flow_keys = "", std::string_view s3_keys = "") {
  return cat(R"({"flows": [{)", flow_keys, R"("filePattern": "/var/log/app/*.log", "s3": {)",
             s3_keys, R"("bucket": "my-bucket"}}]})");
}

// A configuration with one flow whose "s3" block is exactly `s3_block`.
std::string with_s3(std::string_view s3_block) {
  return cat(R"({"flows": [{"filePattern": "/var/log/app/*.log", "s3": )", s3_block, "}]}");
}

const S3Destination& s3_of(const Flow& flow) {
  EXPECT_TRUE(std::holds_alternative<S3Destination>(flow.destination));
  return std::get<S3Destination>(flow.destination);
}

// ---- the whole format ---------------------------------------------------------------------

TEST(Config, ExampleRoundTripsIntoTheStruct) {
  const Parsed parsed = parse_ok(kExample);
  EXPECT_TRUE(parsed.warnings.empty());
  const Config& config = parsed.config;
  EXPECT_EQ(config.checkpoint_file, "/var/lib/ferry/checkpoints");
  EXPECT_EQ(config.s3.endpoint, "http://127.0.0.1:4568");
  EXPECT_EQ(config.s3.region, "us-east-1");
  EXPECT_TRUE(config.s3.force_path_style);
  EXPECT_EQ(config.log_level, LogLevel::info);
  ASSERT_EQ(config.flows.size(), 1u);
  const Flow& flow = config.flows[0];
  EXPECT_EQ(flow.name, "wickr");
  EXPECT_EQ(flow.file_pattern, "/opt/bot/compliance/messages/*.txt");
  EXPECT_EQ(flow.initial_position, InitialPosition::start_of_file);
  EXPECT_EQ(flow.max_buffer_age_millis, 60000u);
  EXPECT_EQ(flow.max_record_bytes, 1048576u);
  EXPECT_EQ(flow.object.key_prefix, "wickr/dt=%Y-%m-%d/hour=%H/");
  EXPECT_EQ(flow.object.compression_level, 3);
  EXPECT_EQ(flow.object.max_object_bytes, 134217728u);
  EXPECT_EQ(flow.object.max_object_age_millis, 60000u);
  EXPECT_EQ(s3_of(flow).bucket, "retention");
  EXPECT_EQ(s3_of(flow).part_size_bytes, 8388608u);
  ASSERT_EQ(flow.redact.size(), 1u);
  EXPECT_EQ(flow.redact[0].consent_field, "data_share_consent");
  EXPECT_EQ(flow.redact[0].fields, (std::vector<std::string>{"dob", "ssn_no"}));
  EXPECT_EQ(flow.redact[0].replacement, "REDACTED_CONTENT");
  EXPECT_EQ(flow.redact[0].flag_field, "data_redacted");
}

TEST(Config, NonDefaultValuesReachTheStruct) {
  const Parsed parsed = parse_ok(R"({
    "log.level": "debug", "s3.region": "eu-west-3", "s3.forcePathStyle": false,
    "flows": [{"filePattern": "/a/b.log", "initialPosition": "END_OF_FILE",
               "maxBufferAgeMillis": 1000, "maxRecordBytes": 67108864,
               "s3": {"bucket": "b.b-1", "compressionLevel": 19, "partSizeBytes": 5242880,
                      "maxObjectBytes": 5242880, "maxObjectAgeMillis": 86400000}},
              {"name": "two", "filePattern": "/c/*", "s3": {"bucket": "xyz"}}]})");
  const Config& config = parsed.config;
  EXPECT_EQ(config.log_level, LogLevel::debug);
  EXPECT_EQ(config.s3.region, "eu-west-3");
  EXPECT_FALSE(config.s3.force_path_style);
  ASSERT_EQ(config.flows.size(), 2u);
  EXPECT_EQ(config.flows[0].name, "flow1");
  EXPECT_EQ(config.flows[0].initial_position, InitialPosition::end_of_file);
  EXPECT_EQ(config.flows[0].max_buffer_age_millis, 1000u);
  EXPECT_EQ(config.flows[0].max_record_bytes, 64u << 20);
  EXPECT_EQ(config.flows[0].object.compression_level, 19);
  EXPECT_EQ(config.flows[0].object.max_object_bytes, 5242880u);
  EXPECT_EQ(config.flows[0].object.max_object_age_millis, 86400000u);
  EXPECT_EQ(s3_of(config.flows[0]).part_size_bytes, 5242880u);
  EXPECT_EQ(config.flows[1].name, "two");
}

TEST(Config, DefaultsApplyWhenKeysAreAbsent) {
  const ScopedEnv region("AWS_REGION", std::nullopt);
  const ScopedEnv default_region("AWS_DEFAULT_REGION", std::nullopt);
  const Parsed parsed = parse_ok(R"({"flows": [{"filePattern": "/var/log/a.log",
                                               "s3": {"bucket": "abc"}},
                                              {"filePattern": "/var/log/b.log",
                                               "s3": {"bucket": "abc"}}]})");
  EXPECT_TRUE(parsed.warnings.empty());
  const Config& config = parsed.config;
  EXPECT_EQ(config.checkpoint_file, "/var/lib/ferry/checkpoints");
  EXPECT_EQ(config.s3.endpoint, "");
  EXPECT_EQ(config.s3.region, "us-east-1");
  EXPECT_FALSE(config.s3.force_path_style);
  EXPECT_EQ(config.log_level, LogLevel::info);
  ASSERT_EQ(config.flows.size(), 2u);
  const Flow& flow = config.flows[0];
  EXPECT_EQ(flow.name, "flow1");
  EXPECT_EQ(config.flows[1].name, "flow2");
  EXPECT_EQ(flow.initial_position, InitialPosition::end_of_file);
  EXPECT_EQ(flow.max_buffer_age_millis, 60000u);
  EXPECT_EQ(flow.max_record_bytes, 1u << 20);
  EXPECT_EQ(flow.object.key_prefix, "");
  EXPECT_EQ(flow.object.compression_level, 3);
  EXPECT_EQ(flow.object.max_object_bytes, 128u << 20);
  EXPECT_EQ(flow.object.max_object_age_millis, 60000u);
  EXPECT_EQ(s3_of(flow).part_size_bytes, 8u << 20);
  EXPECT_TRUE(flow.redact.empty());
}

TEST(Config, RegionComesFromTheEnvironmentWhenAbsent) {
  {
    const ScopedEnv region("AWS_REGION", "eu-central-1");
    const ScopedEnv default_region("AWS_DEFAULT_REGION", "ap-south-1");
    EXPECT_EQ(parse_ok(one_flow()).config.s3.region, "eu-central-1");
    EXPECT_EQ(parse_ok(R"({"s3.region": "us-west-2",)" + one_flow().substr(1)).config.s3.region,
              "us-west-2");
  }
  {
    const ScopedEnv region("AWS_REGION", "");
    const ScopedEnv default_region("AWS_DEFAULT_REGION", "ap-south-1");
    EXPECT_EQ(parse_ok(one_flow()).config.s3.region, "ap-south-1");
  }
}

TEST(Config, DirectoryDestination) {
  const Parsed parsed = parse_ok(R"({"flows": [{"filePattern": "/var/log/*.log",
      "directory": {"path": "/var/spool/ferry", "keyPrefix": "{flow}/%Y/", "compressionLevel": 7,
                    "maxObjectBytes": 1048576, "maxObjectAgeMillis": 1000}}]})");
  const Flow& flow = parsed.config.flows[0];
  ASSERT_TRUE(std::holds_alternative<DirectoryDestination>(flow.destination));
  EXPECT_EQ(std::get<DirectoryDestination>(flow.destination).path, "/var/spool/ferry");
  EXPECT_EQ(flow.object.key_prefix, "{flow}/%Y/");
  EXPECT_EQ(flow.object.compression_level, 7);
  EXPECT_EQ(flow.object.max_object_bytes, 1048576u);
  EXPECT_EQ(flow.object.max_object_age_millis, 1000u);
  EXPECT_TRUE(parsed.warnings.empty());
}

TEST(Config, DirectoryDestinationErrors) {
  EXPECT_EQ(error_of(R"({"flows": [{"filePattern": "/a/*", "directory": {}}]})"),
            "config: flows[0].directory.path: required key missing");
  EXPECT_EQ(error_of(R"({"flows": [{"filePattern": "/a/*", "directory": {"path": "spool"}}]})"),
            "config: flows[0].directory.path: must be an absolute path, got \"spool\"");
  // A directory has no object size limit from S3, but the minimum holds.
  EXPECT_EQ(error_of(R"({"flows": [{"filePattern": "/a/*", "directory": {"path": "/s",
                         "maxObjectBytes": 1000}}]})"),
            "config: flows[0].directory.maxObjectBytes: must be at least 1048576, got 1000");
  const Parsed parsed = parse_ok(R"({"flows": [{"filePattern": "/a/*", "directory": {"path": "/s",
      "partSizeBytes": 8388608, "maxObjectBytes": 10995116277760}}]})");
  EXPECT_EQ(parsed.warnings, std::vector<std::string>{
                                 "config: flows[0].directory.partSizeBytes: unknown key; ignored"});
}

TEST(Config, AFlowHasExactlyOneDestination) {
  EXPECT_EQ(error_of(R"({"flows": [{"filePattern": "/a/*", "s3": {"bucket": "abc"},
                                    "directory": {"path": "/s"}}]})"),
            "config: flows[0]: a flow has exactly one destination, found both \"s3\" and "
            "\"directory\"; remove one");
  EXPECT_EQ(error_of(R"({"flows": [{"filePattern": "/a/*"}]})"),
            "config: flows[0]: no destination; add an \"s3\" or \"directory\" block, or a "
            "\"deliveryStream\" or \"kinesisStream\"");
}

TEST(Config, AStreamBesideAFerryDestinationIsIgnoredLoudly) {
  // Stream flows themselves: tests/unit/config_streams_test.cpp.
  const Parsed parsed = parse_ok(one_flow(R"("deliveryStream": "d",)"));
  ASSERT_EQ(parsed.warnings.size(), 1u);
  EXPECT_NE(
      parsed.warnings[0].find("config: flows[0].deliveryStream: this flow ships to its \"s3\" "
                              "block instead"),
      std::string::npos);
  EXPECT_TRUE(std::holds_alternative<S3Destination>(parsed.config.flows[0].destination));
}

// ---- Kinesis Agent spellings ----------------------------------------------------------------

TEST(Config, CommentsAreStrippedOutsideStrings) {
  const Parsed parsed = parse_ok(R"(// leading comment
{
  /* block
     comment */ "s3.endpoint": "http://example.com//not-a-comment/*nor-this*/", // trailing
  "flows": [{"filePattern": "/a/*.log", /* inline */ "s3": {"bucket": "abc"}}]
}
// end)");
  EXPECT_EQ(parsed.config.s3.endpoint, "http://example.com//not-a-comment/*nor-this*/");
  EXPECT_EQ(parsed.config.flows[0].file_pattern, "/a/*.log");
}

TEST(Config, UnterminatedBlockCommentNamesItsLine) {
  EXPECT_EQ(error_of("{\n\n /* never closed\n"),
            "config: $: unterminated /* comment starting at line 3");
}

TEST(Config, CommentStrippingKeepsOffsetsAndLines) {
  const std::string text = "{\"a\": \"x//y\", /* b\nc */ \"d\": 1} // e\n";
  const Result<std::string> stripped = strip_json_comments(text);
  ASSERT_TRUE(stripped.ok());
  EXPECT_EQ(stripped.value(), "{\"a\": \"x//y\",     \n     \"d\": 1}     \n");
  // An escaped quote does not end the string.
  EXPECT_EQ(strip_json_comments(R"("a\"//b")").value(), R"("a\"//b")");
}

TEST(Config, InvalidJsonNamesTheLine) {
  const std::string message = error_of("{\n  \"flows\": [\n    {\"filePattern\" \"/a\"}\n]}");
  EXPECT_TRUE(message.starts_with("config: $: invalid JSON: ")) << message;
  EXPECT_NE(message.find(" near line 3, column 20"), std::string::npos) << message;
  // Line numbers count lines removed with comments.
  const std::string after_comment = error_of("/* one\ntwo */\n{\"flows\": [,]}");
  EXPECT_NE(after_comment.find(" near line 3, column 12"), std::string::npos) << after_comment;
  EXPECT_TRUE(error_of("").starts_with("config: $: invalid JSON: "));
}

TEST(Config, SyntaxLocatorFindsTheFirstBadByte) {
  EXPECT_EQ(first_json_syntax_error(R"({"a": [1, 2.5e3, true, null, "\u00e9"]})"),
            std::string::npos);
  EXPECT_EQ(first_json_syntax_error(R"({"a": tru})"), 9u);
  EXPECT_EQ(first_json_syntax_error(R"({"a": 1,})"), 8u);
  EXPECT_EQ(first_json_syntax_error(R"({"a": 01})"), 7u);
  EXPECT_EQ(first_json_syntax_error("[\"\xff\"]"), 2u);
  EXPECT_EQ(first_json_syntax_error("{"), 1u);
  // Numbers simdjson cannot represent.
  EXPECT_EQ(first_json_syntax_error(R"({"a": 18446744073709551616})"), 6u);
  EXPECT_EQ(first_json_syntax_error(R"({"a": -9223372036854775809})"), 6u);
  EXPECT_EQ(first_json_syntax_error(R"({"a": 1e999})"), 6u);
  EXPECT_EQ(first_json_syntax_error(R"([18446744073709551615, -9223372036854775808, 1e-999])"),
            std::string::npos);
  EXPECT_EQ(first_json_syntax_error(std::string(2000, '[')), 1024u);
  EXPECT_EQ(position_of("ab\ncd", 4).line, 2u);
  EXPECT_EQ(position_of("ab\ncd", 4).column, 2u);
}

TEST(Config, NumbersMayBeStrings) {
  const Parsed parsed =
      parse_ok(one_flow(R"("maxBufferAgeMillis": "5000", "maxRecordBytes": "+42",)",
                        R"("compressionLevel": "9", "partSizeBytes": 6e6,)"));
  EXPECT_EQ(parsed.config.flows[0].max_buffer_age_millis, 5000u);
  EXPECT_EQ(parsed.config.flows[0].max_record_bytes, 42u);
  EXPECT_EQ(parsed.config.flows[0].object.compression_level, 9);
  EXPECT_EQ(s3_of(parsed.config.flows[0]).part_size_bytes, 6000000u);
}

TEST(Config, BadNumbersSayWhatWasFound) {
  EXPECT_EQ(error_of(one_flow(R"("maxBufferAgeMillis": "5s",)")),
            "config: flows[0].maxBufferAgeMillis: must be an integer, got \"5s\"");
  EXPECT_EQ(error_of(one_flow(R"("maxBufferAgeMillis": " 5000",)")),
            "config: flows[0].maxBufferAgeMillis: must be an integer, got \" 5000\"");
  EXPECT_EQ(error_of(one_flow(R"("maxBufferAgeMillis": 1500.5,)")),
            "config: flows[0].maxBufferAgeMillis: must be an integer, got 1500.5");
  EXPECT_EQ(error_of(one_flow(R"("maxBufferAgeMillis": true,)")),
            "config: flows[0].maxBufferAgeMillis: must be an integer, got boolean");
  EXPECT_EQ(error_of(one_flow(R"("maxBufferAgeMillis": -5,)")),
            "config: flows[0].maxBufferAgeMillis: must be between 1000 and 900000, got -5");
  EXPECT_EQ(error_of(one_flow(R"("maxBufferAgeMillis": "-5",)")),
            "config: flows[0].maxBufferAgeMillis: must be between 1000 and 900000, got -5");
  EXPECT_EQ(error_of(one_flow(R"("maxBufferAgeMillis": "99999999999999999999",)")),
            "config: flows[0].maxBufferAgeMillis: must be between 1000 and 900000, got "
            "99999999999999999999");
  EXPECT_EQ(error_of(one_flow(R"("maxBufferAgeMillis": 18446744073709551615,)")),
            "config: flows[0].maxBufferAgeMillis: must be between 1000 and 900000, got "
            "18446744073709551615");
}

TEST(Config, BooleanSpellings) {
  for (const char* yes :
       {"true", R"("true")", R"("TRUE")", R"("yes")", R"("Y")", R"("t")", R"("1")", "1"}) {
    const Parsed parsed =
        parse_ok(cat(R"({"s3.forcePathStyle": )", yes, ",", one_flow().substr(1)));
    EXPECT_TRUE(parsed.config.s3.force_path_style) << yes;
  }
  for (const char* no : {"false", R"("False")", R"("no")", R"("N")", R"("f")", R"("0")", "0"}) {
    const Parsed parsed = parse_ok(cat(R"({"s3.forcePathStyle": )", no, ",", one_flow().substr(1)));
    EXPECT_FALSE(parsed.config.s3.force_path_style) << no;
  }
  EXPECT_EQ(error_of(cat(R"({"s3.forcePathStyle": "maybe",)", one_flow().substr(1))),
            "config: s3.forcePathStyle: must be a boolean (true/false, yes/no, t/f, y/n, 1/0), "
            "got \"maybe\"");
  EXPECT_EQ(error_of(cat(R"({"s3.forcePathStyle": 2,)", one_flow().substr(1))),
            "config: s3.forcePathStyle: must be a boolean (true/false, yes/no, t/f, y/n, 1/0), "
            "got a number");
  EXPECT_EQ(error_of(cat(R"({"s3.forcePathStyle": null,)", one_flow().substr(1))),
            "config: s3.forcePathStyle: must be a boolean (true/false, yes/no, t/f, y/n, 1/0), "
            "got null");
}

TEST(Config, EnumsAreCaseSensitiveWithDidYouMean) {
  EXPECT_EQ(error_of(one_flow(R"("initialPosition": "START_OF_FLE",)")),
            "config: flows[0].initialPosition: must be one of START_OF_FILE, END_OF_FILE, got "
            "\"START_OF_FLE\" (did you mean START_OF_FILE?)");
  EXPECT_EQ(error_of(one_flow(R"("initialPosition": "start_of_file",)")),
            "config: flows[0].initialPosition: must be one of START_OF_FILE, END_OF_FILE, got "
            "\"start_of_file\" (did you mean START_OF_FILE?)");
  EXPECT_EQ(error_of(one_flow(R"("initialPosition": "BEGINNING",)")),
            "config: flows[0].initialPosition: must be one of START_OF_FILE, END_OF_FILE, got "
            "\"BEGINNING\"");
  EXPECT_EQ(error_of(one_flow(R"("initialPosition": 0,)")),
            "config: flows[0].initialPosition: must be a string, got number");
  // log.level is Logback's in the Kinesis Agent: any case (config_agent_keys_test.cpp).
  EXPECT_EQ(error_of(cat(R"({"log.level": "warning",)", one_flow().substr(1))),
            "config: log.level: must be one of debug, info, warn, error, got \"warning\" (did you "
            "mean warn?)");
}

TEST(Config, DidYouMeanPicksTheClosestKnownWord) {
  const std::vector<std::string_view> words = {"filePattern", "name", "maxRecordBytes"};
  EXPECT_EQ(closest_match("filePatern", words), "filePattern");
  EXPECT_EQ(closest_match("FILEPATTERN", words), "filePattern");
  EXPECT_EQ(closest_match("nmae", words), "name");
  EXPECT_EQ(closest_match("xyz", words), "");
  EXPECT_EQ(closest_match("", words), "");
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("ab", "ba"), 1u);
}

// ---- keys ------------------------------------------------------------------------------------

TEST(Config, UnknownKeysWarnButParse) {
  const Parsed parsed = parse_ok(R"({"fooBar": 1, "flows": [{"filePattern": "/a/*",
      "publishQueueCapacity": 100, "zzz": {}, "s3": {"bucket": "abc", "bukcet": "x"},
      "redact": [{"fields": ["a"], "replacment": "X"}]}], "useHttpGzip": false})");
  EXPECT_EQ(parsed.warnings,
            (std::vector<std::string>{
                "config: fooBar: unknown key; ignored",
                "config: flows[0].zzz: unknown key; ignored",
                "config: flows[0].s3.bukcet: unknown key (did you mean bucket?)",
                "config: flows[0].redact[0].replacment: unknown key (did you mean replacement?)",
            }));
  // The Kinesis Agent's keys for JVM internals are info notes, not warnings.
  EXPECT_EQ(parsed.notes, (std::vector<std::string>{
                              "config: flows[0].publishQueueCapacity: has no effect in ferry: a "
                              "Java agent queue size; ferry's queues are fixed",
                              "config: useHttpGzip: has no effect in ferry: AWS answers are "
                              "small; ferry sends records uncompressed",
                          }));
  EXPECT_EQ(parsed.config.flows[0].redact[0].replacement, "REDACTED_CONTENT");
}

TEST(Config, KeyTypoIsAWarningWithDidYouMean) {
  const Parsed parsed = parse_ok(one_flow(R"("nmae": "x",)"));
  EXPECT_EQ(parsed.warnings,
            std::vector<std::string>{"config: flows[0].nmae: unknown key (did you mean name?)"});
}

TEST(Config, MissingRequiredKeyPointsAtItsMisspelling) {
  EXPECT_EQ(error_of(R"({"flows": [{"filePatern": "/a/*", "s3": {"bucket": "abc"}}]})"),
            "config: flows[0].filePattern: required key missing (found flows[0].filePatern; did "
            "you mean filePattern?)");
  EXPECT_EQ(error_of(R"({"flow": []})"),
            "config: flows: required key missing (found flow; did you mean flows?)");
}

TEST(Config, KinesisAgentNoOpKeysAreTypeCheckedAndNoted) {
  const std::vector<std::string> agent_keys = {"log.emitMetrics",
                                               "log.emitInternalMetrics",
                                               "sendingThreadsKeepAliveMillis",
                                               "sendingThreadsMaxQueueSize",
                                               "maxConnections",
                                               "useHttpGzip"};
  const std::vector<std::string> flow_keys = {
      "maxTimeBetweenFileTrackerRefreshMillis", "publishQueueCapacity",
      "waitOnFullPublishQueueMillis", "waitOnEmptyPublishQueueMillis",
      "waitOnFullRetryQueueMillis"};
  std::string text = "{";
  for (const std::string& key : agent_keys) text += cat("\"", key, "\": \"1\", ");
  std::string flow;
  for (const std::string& key : flow_keys) flow += cat("\"", key, "\": \"1\", ");
  text += one_flow(flow).substr(1);
  const Parsed parsed = parse_ok(text);
  EXPECT_TRUE(parsed.warnings.empty());
  ASSERT_EQ(parsed.notes.size(), agent_keys.size() + flow_keys.size());
  for (std::size_t i = 0; i < agent_keys.size(); ++i)
    EXPECT_EQ(
        parsed.notes[i].rfind(cat("config: ", agent_keys[i], ": has no effect in ferry: "), 0), 0u);
  for (std::size_t i = 0; i < flow_keys.size(); ++i)
    EXPECT_EQ(parsed.notes[agent_keys.size() + i].rfind(
                  cat("config: flows[0].", flow_keys[i], ": has no effect in ferry: "), 0),
              0u);
  // A value of the wrong type is still an error naming the key.
  EXPECT_EQ(error_of(cat(R"({"maxConnections": "many",)", one_flow().substr(1))),
            "config: maxConnections: must be an integer, got \"many\"");
  EXPECT_EQ(
      error_of(cat(R"({"useHttpGzip": "maybe",)", one_flow().substr(1))),
      "config: useHttpGzip: must be a boolean (true/false, yes/no, t/f, y/n, 1/0), got \"maybe\"");
  EXPECT_EQ(error_of(one_flow(R"("publishQueueCapacity": [],)")),
            "config: flows[0].publishQueueCapacity: must be an integer, got array");
}

TEST(Config, KeysThatChangeDataAreParsedAndChecked) {
  EXPECT_EQ(parse_ok(one_flow(R"("skipHeaderLines": 2,)")).config.flows[0].skip_header_lines, 2u);
  EXPECT_EQ(error_of(one_flow(R"("skipHeaderLines": "x",)")),
            "config: flows[0].skipHeaderLines: must be an integer, got \"x\"");
  EXPECT_EQ(parse_ok(one_flow(R"("multiLineStartPattern": "^\\d{4}",)"))
                .config.flows[0]
                .multi_line_start_pattern,
            "^\\d{4}");
  EXPECT_EQ(
      error_of(one_flow(R"("multiLineStartPattern": "^(\\d",)"))
          .rfind("config: flows[0].multiLineStartPattern: not a regular expression ferry can run: ",
                 0),
      0u);
  EXPECT_EQ(parse_ok(one_flow(R"("dataProcessingOptions": [{"optionName": "LOGTOJSON",
                 "logFormat": "COMMONAPACHELOG"}],)"))
                .config.flows[0]
                .data_processing.size(),
            1u);
  EXPECT_EQ(error_of(one_flow(R"("dataProcessingOptions": {},)")),
            "config: flows[0].dataProcessingOptions: must be an array, got object");
  EXPECT_EQ(parse_ok(one_flow(R"("dataProcessingOptions": [{"optionName": "ADDEC2METADATA",
                 "logFormat": "COMMONAPACHELOG", "metadataTTL": 60}],)"))
                .config.flows[0]
                .data_processing[0]
                .metadata_ttl_seconds,
            60u);
  // Values that change nothing are accepted without a word.
  const Parsed parsed = parse_ok(one_flow(
      R"("skipHeaderLines": "0", "multiLineStartPattern": "", "dataProcessingOptions": [],)"));
  EXPECT_TRUE(parsed.warnings.empty());
}

// The Kinesis Agent (AbstractRecord.truncate, FileTailer): a record over the service's limit
// (Firehose 1,024,000 bytes; Kinesis 1 MiB with its partition key) keeps its first bytes and
// ends with truncatedRecordTerminator, default "\n"; the rest of the line is dropped.
TEST(Config, StreamFlowsTruncateAtTheServiceRecordLimit) {
  const Flow firehose =
      parse_ok(R"({"flows": [{"filePattern": "/a/*.log", "deliveryStream": "d"}]})")
          .config.flows[0];
  EXPECT_EQ(firehose.truncated_record_terminator, std::optional<std::string>(""));
  EXPECT_EQ(firehose.max_record_bytes, 1'024'000u - 1);  // the line, then its '\n'
  const Flow kinesis = parse_ok(R"({"flows": [{"filePattern": "/a/*.log", "kinesisStream": "k",
                              "truncatedRecordTerminator": "...\n"}]})")
                           .config.flows[0];
  EXPECT_EQ(kinesis.truncated_record_terminator, std::optional<std::string>("..."));
  EXPECT_EQ(kinesis.max_record_bytes, (1u << 20) - 32 - 1);  // less ferry's partition key
  const Parsed large = parse_ok(
      R"({"flows": [{"filePattern": "/a/*.log", "deliveryStream": "d", "maxRecordBytes": 2000000}]})");
  EXPECT_EQ(large.config.flows[0].max_record_bytes, 1'024'000u - 1);
  ASSERT_EQ(large.warnings.size(), 1u);
  EXPECT_EQ(large.warnings[0],
            "config: flows[0].maxRecordBytes: 2000000 is above the stream's record limit; a "
            "longer line is truncated at 1023999 bytes, as the Kinesis Agent does");
  const Flow small =
      parse_ok(
          R"({"flows": [{"filePattern": "/a/*.log", "deliveryStream": "d", "maxRecordBytes": 100}]})")
          .config.flows[0];
  EXPECT_EQ(small.max_record_bytes, 100u);
  EXPECT_EQ(small.truncated_record_terminator, std::optional<std::string>(""));
  // Object flows: no terminator, no truncation (long lines ship in pieces).
  EXPECT_EQ(parse_ok(one_flow()).config.flows[0].truncated_record_terminator, std::nullopt);
}

TEST(Config, TailingKeysAreParsedAndChecked) {
  const Flow flow =
      parse_ok(one_flow(
                   R"("truncatedRecordTerminator": "<cut>", "minTimeBetweenFilePollsMillis": 500,
         "statPollMillis": 2000, "maxOpenFiles": 64,)"))
          .config.flows[0];
  EXPECT_EQ(flow.truncated_record_terminator, std::optional<std::string>("<cut>"));
  EXPECT_EQ(flow.file_poll_millis, 500u);
  EXPECT_EQ(flow.stat_poll_millis, 2000u);
  EXPECT_EQ(flow.max_open_files, 64u);
  // The Kinesis Agent's default terminator is the newline every record ends with anyway.
  EXPECT_EQ(parse_ok(one_flow(R"("truncatedRecordTerminator": "\n",)"))
                .config.flows[0]
                .truncated_record_terminator,
            std::optional<std::string>(""));
  // Line breaks: kept for a stream record (as the Kinesis Agent), left out in objects.
  const Parsed broken = parse_ok(one_flow(R"("truncatedRecordTerminator": "a\nb",)"));
  EXPECT_EQ(broken.config.flows[0].truncated_record_terminator, std::optional<std::string>("ab"));
  ASSERT_EQ(broken.warnings.size(), 1u);
  EXPECT_EQ(broken.warnings[0],
            "config: flows[0].truncatedRecordTerminator: its line breaks are left out in this "
            "flow's objects (one record per line); read as \"ab\"");
  EXPECT_EQ(parse_ok(R"({"flows": [{"filePattern": "/a/*.log", "deliveryStream": "d",
                         "truncatedRecordTerminator": "a\nb"}]})")
                .config.flows[0]
                .truncated_record_terminator,
            std::optional<std::string>("a\nb"));
  EXPECT_EQ(parse_ok(R"({"flows": [{"filePattern": "/a/*.log", "deliveryStream": "d",
                         "truncatedRecordTerminator": "a\nb\n"}]})")
                .config.flows[0]
                .truncated_record_terminator,
            std::optional<std::string>("a\nb"));  // the final '\n' is the record's own
  // Polls under 100 ms (the Java agent takes any): read as 100, with a warning.
  const Parsed fast = parse_ok(one_flow(R"("minTimeBetweenFilePollsMillis": 10,)"));
  EXPECT_EQ(fast.config.flows[0].file_poll_millis, 100u);
  ASSERT_EQ(fast.warnings.size(), 1u);
  EXPECT_EQ(fast.warnings[0].rfind("config: flows[0].minTimeBetweenFilePollsMillis: 10 is read "
                                   "as 100 (ferry runs 100 to 3600000",
                                   0),
            0u);
  // The Java SDK's timeout 0 ("none"): ferry keeps its default, with a warning.
  const Parsed no_timeout = parse_ok(
      cat(R"({"connectionTimeoutMillis": 0, "socketTimeoutMillis": "0", )", one_flow().substr(1)));
  EXPECT_EQ(no_timeout.config.http.connection_timeout_millis, 10000u);
  EXPECT_EQ(no_timeout.config.http.socket_timeout_millis, 50000u);
  ASSERT_EQ(no_timeout.warnings.size(), 2u);
  EXPECT_EQ(no_timeout.warnings[0],
            "config: connectionTimeoutMillis: 0 (no timeout, for the Kinesis Agent's SDK) keeps "
            "ferry's 10000 ms: every request has a deadline");
  EXPECT_EQ(error_of(one_flow(R"("maxRecordBytes": 4, "truncatedRecordTerminator": "<cut>",)")),
            "config: flows[0].truncatedRecordTerminator: must be shorter than maxRecordBytes (4 "
            "bytes)");
  EXPECT_EQ(error_of(one_flow(R"("statPollMillis": 5,)")),
            "config: flows[0].statPollMillis: must be 0 (off) or between 100 and 3600000, got 5");
  EXPECT_EQ(error_of(one_flow(R"("maxOpenFiles": 1,)")),
            "config: flows[0].maxOpenFiles: must be between 16 and 1000000, got 1");
}

TEST(Config, DuplicateKeysAreErrors) {
  EXPECT_EQ(error_of(R"({"log.level": "info", "log.level": "debug", "flows": []})"),
            "config: log.level: duplicate key; give each key once (the Kinesis Agent would "
            "silently use the last one, ferry refuses the ambiguity)");
  EXPECT_EQ(error_of(with_s3(R"({"bucket": "abc", "bucket": "def"})")),
            "config: flows[0].s3.bucket: duplicate key; give each key once (the Kinesis Agent "
            "would silently use the last one, ferry refuses the ambiguity)");
  EXPECT_EQ(
      error_of(one_flow(R"("redact": [{"fields": ["a"]}, {"fields": ["b"], "fields": []}],)")),
      "config: flows[0].redact[1].fields: duplicate key; give each key once (the Kinesis "
      "Agent would silently use the last one, ferry refuses the ambiguity)");
}

TEST(Config, OddKeysAreQuotedInPaths) {
  const Parsed parsed = parse_ok(one_flow(R"("bad key\n": 1,)"));
  EXPECT_EQ(parsed.warnings,
            std::vector<std::string>{R"(config: flows[0]["bad key\n"]: unknown key; ignored)"});
  EXPECT_EQ(parse_ok(cat(R"({"": 1,)", one_flow().substr(1))).warnings,
            std::vector<std::string>{R"(config: $[""]: unknown key; ignored)"});
}

// ---- secrets ---------------------------------------------------------------------------------

TEST(Config, SecretIsNeverEchoed) {
  const std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  const std::vector<std::string> texts = {
      cat(R"({"awsSecretAccessKey": ")", secret, R"(",)", one_flow().substr(1)),
      cat(R"({"awsSecretAccessKey": ")", secret, R"(", "flows": []})"),
      cat(R"({"awsSecretAccessKey": ")", secret, R"(", "awsSecretAccessKey": "x", "flows": []})"),
      cat(R"({"awsSecretAcessKey": ")", secret, R"(",)", one_flow().substr(1)),
      cat(R"({"awsSecretAccessKey": [")", secret, R"("],)", one_flow().substr(1)),
      cat(R"({"awsSecretAccessKey": ")", secret, R"(" "flows": []})"),
      cat(R"({"s3.endpoint": "https://AKID:wJalrXUtnFEMI@s3.example.com",)", one_flow().substr(1)),
      cat(R"({"s3.endpoint": "https://AKID:)", secret, R"(@s3.example.com",)",
          one_flow().substr(1)),
  };
  for (const std::string& text : texts) {
    const Result<Parsed> result = parse(text);
    if (result.ok()) {
      for (const std::string& warning : result->warnings) {
        EXPECT_EQ(warning.find(secret), std::string::npos) << warning;
        EXPECT_EQ(warning.find("wJalr"), std::string::npos) << warning;
      }
    } else {
      EXPECT_EQ(result.error().message.find("wJalr"), std::string::npos) << result.error().message;
    }
  }
  EXPECT_EQ(error_of(texts.back()),
            "config: s3.endpoint: must not contain credentials (user:password@); credentials do "
            "not belong in the endpoint");
  EXPECT_EQ(error_of(texts[0]), "config: awsAccessKeyId: required with awsSecretAccessKey");
}

TEST(Config, CredentialKeysAreParsedAndChecked) {
  const Parsed parsed = parse_ok(cat(
      R"({"awsAccessKeyId": "AKIAEXAMPLE", "awsSecretAccessKey": "wJalrXUtnFEMI/K7MDENG",
          "assumeRoleARN": "arn:aws:iam::123456789012:role/ferry", "assumeRoleExternalId": "ext",
          "sts.endpoint": "http://127.0.0.1:4569",)",
      one_flow().substr(1)));
  EXPECT_TRUE(parsed.warnings.empty());
  const AwsCredentialKeys& keys = parsed.config.credentials;
  EXPECT_EQ(keys.access_key_id, "AKIAEXAMPLE");
  EXPECT_EQ(keys.secret_access_key, "wJalrXUtnFEMI/K7MDENG");
  EXPECT_EQ(keys.assume_role_arn, "arn:aws:iam::123456789012:role/ferry");
  EXPECT_EQ(keys.assume_role_external_id, "ext");
  EXPECT_EQ(keys.sts_endpoint, "http://127.0.0.1:4569");
  // Empty strings are unset, as the Kinesis Agent's template leaves them.
  EXPECT_TRUE(
      parse_ok(cat(R"({"awsAccessKeyId": "", "awsSecretAccessKey": "",)", one_flow().substr(1)))
          .warnings.empty());
  const auto root_error = [](const std::string& members) {
    return error_of(cat("{", members, ",", one_flow().substr(1)));
  };
  EXPECT_EQ(root_error(R"("awsAccessKeyId": "AKIAEXAMPLE")"),
            "config: awsSecretAccessKey: required with awsAccessKeyId");
  EXPECT_EQ(root_error(R"("awsSecretAccessKey": "wJalr XUtn", "awsAccessKeyId": "A")"),
            "config: awsSecretAccessKey: must not contain whitespace");
  EXPECT_EQ(root_error(R"("assumeRoleARN": "ferry-role")"),
            "config: assumeRoleARN: must be an IAM role ARN such as "
            "arn:aws:iam::123456789012:role/ferry, got \"ferry-role\"");
  EXPECT_EQ(root_error(R"("assumeRoleExternalId": "ext")"),
            "config: assumeRoleExternalId: needs assumeRoleARN");
  EXPECT_EQ(root_error(R"("sts.endpoint": "sts.amazonaws.com")"),
            "config: sts.endpoint: must be an http:// or https:// URL, got \"sts.amazonaws.com\"");
}

// ---- validation rules ------------------------------------------------------------------------

TEST(Config, RootAndFlowsShape) {
  EXPECT_EQ(error_of("[]"), "config: $: must be an object, got array");
  EXPECT_EQ(error_of("{}"), "config: flows: required key missing");
  EXPECT_EQ(error_of(R"({"flows": []})"), "config: flows: must list at least one flow");
  EXPECT_EQ(error_of(R"({"flows": {}})"), "config: flows: must be an array, got object");
  EXPECT_EQ(error_of(R"({"flows": ["x"]})"), "config: flows[0]: must be an object, got string");
  EXPECT_EQ(error_of(R"({"flows": [{"s3": {"bucket": "abc"}}]})"),
            "config: flows[0].filePattern: required key missing");
  EXPECT_EQ(error_of(with_s3("[]")), "config: flows[0].s3: must be an object, got array");
}

TEST(Config, FilePatternRules) {
  const auto pattern_error = [](std::string_view pattern) {
    return error_of(
        cat(R"({"flows": [{"filePattern": )", pattern, R"(, "s3": {"bucket": "abc"}}]})"));
  };
  EXPECT_EQ(pattern_error("5"), "config: flows[0].filePattern: must be a string, got number");
  EXPECT_EQ(pattern_error(R"("var/log/*.log")"),
            "config: flows[0].filePattern: must be an absolute path, got \"var/log/*.log\"");
  EXPECT_EQ(pattern_error(R"("")"),
            "config: flows[0].filePattern: must be an absolute path, got \"\"");
  // Wildcards in directory components are fine (docs/tailing.md).
  EXPECT_EQ(
      parse_ok(R"({"flows": [{"filePattern": "/var/lo?/*/app.log", "s3": {"bucket": "abc"}}]})")
          .config.flows[0]
          .file_pattern,
      "/var/lo?/*/app.log");
  EXPECT_EQ(pattern_error(R"("/var/log/")"),
            "config: flows[0].filePattern: must name files, not a directory (add a last component "
            "such as *.log), got \"/var/log/\"");
  // The Kinesis Agent's Java NIO globs: classes and {a,b} groups (within one component).
  EXPECT_EQ(
      parse_ok(
          R"({"flows": [{"filePattern": "/var/log/{a,b}[0-9].log", "s3": {"bucket": "abc"}}]})")
          .config.flows[0]
          .file_pattern,
      "/var/log/{a,b}[0-9].log");
  EXPECT_EQ(pattern_error(R"("/var/{log,lib/x}/a.log")"),
            "config: flows[0].filePattern: a {...} group must stay within one path component (no / "
            "inside), got \"/var/{log,lib/x}/a.log\"");
  EXPECT_EQ(
      parse_ok(R"({"flows": [{"filePattern": "/var/log/app-?.log*", "s3": {"bucket": "abc"}}]})")
          .config.flows[0]
          .file_pattern,
      "/var/log/app-?.log*");
}

TEST(Config, BucketRules) {
  EXPECT_EQ(error_of(with_s3("{}")), "config: flows[0].s3.bucket: required key missing");
  EXPECT_EQ(error_of(with_s3(R"({"bucket": ""})")),
            "config: flows[0].s3.bucket: must not be empty");
  EXPECT_EQ(error_of(with_s3(R"({"bucket": 7})")),
            "config: flows[0].s3.bucket: must be a string, got number");
  const std::string rule =
      "must be an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens, starting and "
      "ending with a letter or digit), got ";
  EXPECT_EQ(error_of(with_s3(R"({"bucket": "My_Bucket"})")),
            "config: flows[0].s3.bucket: " + rule + "\"My_Bucket\"");
  EXPECT_EQ(error_of(with_s3(R"({"bucket": "ab"})")),
            "config: flows[0].s3.bucket: " + rule + "\"ab\"");
  EXPECT_EQ(error_of(with_s3(cat(R"({"bucket": ")", std::string(64, 'a'), R"("})"))),
            "config: flows[0].s3.bucket: " + rule + "\"" + std::string(64, 'a') + "\"");
  EXPECT_EQ(error_of(with_s3(R"({"bucket": "-abc"})")),
            "config: flows[0].s3.bucket: " + rule + "\"-abc\"");
  EXPECT_EQ(
      s3_of(
          parse_ok(with_s3(cat(R"({"bucket": ")", std::string(63, 'a'), R"("})"))).config.flows[0])
          .bucket,
      std::string(63, 'a'));
}

TEST(Config, SizeAndAgeRanges) {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {with_s3(R"({"bucket": "abc", "partSizeBytes": 1024})"),
       "config: flows[0].s3.partSizeBytes: must be between 5242880 and 5368709120, got 1024"},
      {with_s3(R"({"bucket": "abc", "partSizeBytes": 5368709121, "maxObjectBytes": 5368709121})"),
       "config: flows[0].s3.partSizeBytes: must be between 5242880 and 5368709120, got "
       "5368709121"},
      {with_s3(R"({"bucket": "abc", "compressionLevel": 0})"),
       "config: flows[0].s3.compressionLevel: must be between 1 and 19, got 0"},
      {with_s3(R"({"bucket": "abc", "compressionLevel": 20})"),
       "config: flows[0].s3.compressionLevel: must be between 1 and 19, got 20"},
      {with_s3(R"({"bucket": "abc", "maxObjectBytes": 1048575})"),
       "config: flows[0].s3.maxObjectBytes: must be between 1048576 and 5497558138880, got "
       "1048575"},
      {with_s3(R"({"bucket": "abc", "maxObjectBytes": 5497558138881})"),
       "config: flows[0].s3.maxObjectBytes: must be between 1048576 and 5497558138880, got "
       "5497558138881"},
      {with_s3(R"({"bucket": "abc", "maxObjectBytes": 2097152})"),
       "config: flows[0].s3.maxObjectBytes: must be at least partSizeBytes (8388608), got "
       "2097152"},
      {with_s3(R"({"bucket": "abc", "partSizeBytes": 268435456})"),
       "config: flows[0].s3.partSizeBytes: must not exceed maxObjectBytes (134217728, the "
       "default), got 268435456"},
      {with_s3(R"({"bucket": "abc", "maxObjectAgeMillis": 999})"),
       "config: flows[0].s3.maxObjectAgeMillis: must be between 1000 and 86400000, got 999"},
      {with_s3(R"({"bucket": "abc", "maxObjectAgeMillis": 86400001})"),
       "config: flows[0].s3.maxObjectAgeMillis: must be between 1000 and 86400000, got 86400001"},
      {one_flow(R"("maxBufferAgeMillis": 999,)"),
       "config: flows[0].maxBufferAgeMillis: must be between 1000 and 900000, got 999"},
      {one_flow(R"("maxBufferAgeMillis": 900001,)"),
       "config: flows[0].maxBufferAgeMillis: must be between 1000 and 900000, got 900001"},
      {one_flow(R"("maxRecordBytes": 0,)"),
       "config: flows[0].maxRecordBytes: must be between 1 and 67108864, got 0"},
      {one_flow(R"("maxRecordBytes": 67108865,)"),
       "config: flows[0].maxRecordBytes: must be between 1 and 67108864, got 67108865"},
  };
  for (const Case& c : cases) EXPECT_EQ(error_of(c.text), c.message) << c.text;
  // The bounds themselves are valid.
  const Parsed parsed = parse_ok(with_s3(
      R"({"bucket": "abc", "partSizeBytes": 5368709120, "maxObjectBytes": 5497558138880})"));
  EXPECT_EQ(s3_of(parsed.config.flows[0]).part_size_bytes, 5368709120u);
  EXPECT_EQ(parsed.config.flows[0].object.max_object_bytes, 5497558138880u);
}

TEST(Config, FlowNameRules) {
  const std::string rule =
      "must be made of letters, digits, '_', '.' and '-' (and not be \".\" or \"..\"), got ";
  EXPECT_EQ(error_of(one_flow(R"("name": "my flow",)")),
            "config: flows[0].name: " + rule + "\"my flow\"");
  EXPECT_EQ(error_of(one_flow(R"("name": "",)")), "config: flows[0].name: " + rule + "\"\"");
  EXPECT_EQ(error_of(one_flow(R"("name": "..",)")), "config: flows[0].name: " + rule + "\"..\"");
  EXPECT_EQ(error_of(one_flow(R"("name": ["a"],)")),
            "config: flows[0].name: must be a string, got array");
  const std::string two = R"({"flows": [
      {"name": "a", "filePattern": "/a/*", "s3": {"bucket": "abc"}},
      {"name": "a", "filePattern": "/b/*", "s3": {"bucket": "abc"}}]})";
  EXPECT_EQ(error_of(two),
            "config: flows[1].name: flow name \"a\" is already used by flows[0]; flow names must "
            "be unique across agent.json and agent.d (unnamed flows are flow1, flow2, ...)");
  // An explicit name can collide with a default one.
  const std::string defaults = R"({"flows": [
      {"name": "flow2", "filePattern": "/a/*", "s3": {"bucket": "abc"}},
      {"filePattern": "/b/*", "s3": {"bucket": "abc"}}]})";
  EXPECT_EQ(error_of(defaults),
            "config: flows[1].name: flow name \"flow2\" is already used by flows[0]; flow names "
            "must be unique across agent.json and agent.d (unnamed flows are flow1, flow2, ...)");
}

// The Kinesis Agent refuses a second flow with the same files and destination; ferry too, with
// or without names: every record would be shipped twice.
TEST(Config, SameFilesIntoTheSameDestinationTwiceIsRefused) {
  const std::string twice = R"({"flows": [
      {"filePattern": "/a/*", "s3": {"bucket": "abc", "keyPrefix": "p/"}},
      {"name": "again", "filePattern": "/a/*", "s3": {"bucket": "abc", "keyPrefix": "p/"}}]})";
  EXPECT_EQ(error_of(twice),
            "config: flows[1]: reads the same files into the same destination as flows[0] "
            "(s3://abc/p/ <- /a/*): every record would be shipped twice, and the Kinesis Agent "
            "refuses such a duplicate too; remove one of them");
  // Another prefix, another stream, another pattern: other flows.
  const std::string distinct = R"({"flows": [
      {"filePattern": "/a/*", "s3": {"bucket": "abc", "keyPrefix": "p/"}},
      {"filePattern": "/a/*", "s3": {"bucket": "abc", "keyPrefix": "q/"}},
      {"filePattern": "/a/*", "deliveryStream": "s"},
      {"filePattern": "/a/*", "kinesisStream": "s"},
      {"filePattern": "/b/*", "deliveryStream": "s"}]})";
  EXPECT_TRUE(parse(distinct).ok()) << error_of(distinct);
}

// Checkpoint entries are kept by name, or by destination and pattern: never by position.
TEST(Config, CheckpointKeysAreTheNameOrTheDestinationAndPattern) {
  const auto parsed = parse(R"({"flows": [
      {"filePattern": "/a/*", "s3": {"bucket": "abc", "keyPrefix": "p/{flow}/"}},
      {"name": "app", "filePattern": "/b/*", "s3": {"bucket": "abc"}},
      {"filePattern": "/c/*.log", "directory": {"path": "/out"}},
      {"filePattern": "/d/*", "deliveryStream": "fh"},
      {"filePattern": "/e/*", "kinesisStream": "ks"}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const auto& flows = parsed->config.flows;
  EXPECT_EQ(flows[0].name, "flow1");
  EXPECT_EQ(flows[0].checkpoint_key, "s3://abc/p/{flow}/ <- /a/*");
  EXPECT_EQ(flows[1].checkpoint_key, "app");
  EXPECT_EQ(flows[2].checkpoint_key, "directory:/out <- /c/*.log");
  EXPECT_EQ(flows[3].checkpoint_key, "firehose:fh <- /d/*");
  EXPECT_EQ(flows[4].checkpoint_key, "kinesis:ks <- /e/*");
}

TEST(Config, ObjectMustFitInTenThousandParts) {
  EXPECT_EQ(error_of(one_flow("", R"("partSizeBytes": 5242880, "maxObjectBytes": 52428800001,)")),
            "config: flows[0].s3.maxObjectBytes: must be at most 10000 parts of partSizeBytes "
            "(52428800000), got 52428800001");
  parse_ok(one_flow("", R"("partSizeBytes": 5242880, "maxObjectBytes": 52428800000,)"));
}

TEST(Config, RedactRules) {
  const auto redact_error = [](std::string_view redact) {
    return error_of(one_flow(cat(R"("redact": )", redact, ",")));
  };
  EXPECT_EQ(redact_error("{}"), "config: flows[0].redact: must be an array, got object");
  EXPECT_EQ(redact_error("[1]"), "config: flows[0].redact[0]: must be an object, got number");
  EXPECT_EQ(redact_error(R"([{"fields": ["a"]}, {"consentField": "c"}])"),
            "config: flows[0].redact[1].fields: required key missing");
  EXPECT_EQ(redact_error(R"([{"fields": []}])"),
            "config: flows[0].redact[0].fields: must list at least one field");
  EXPECT_EQ(redact_error(R"([{"fields": "ssn"}])"),
            "config: flows[0].redact[0].fields: must be an array, got string");
  EXPECT_EQ(redact_error(R"([{"fields": ["a", 1]}])"),
            "config: flows[0].redact[0].fields[1]: must be a string, got number");
  EXPECT_EQ(redact_error(R"([{"fields": ["a", ""]}])"),
            "config: flows[0].redact[0].fields[1]: must not be empty");
  EXPECT_EQ(redact_error(R"([{"fields": ["a"], "consentField": true}])"),
            "config: flows[0].redact[0].consentField: must be a string, got boolean");
  EXPECT_EQ(redact_error(R"([{"fields": ["a"], "replacement": null}])"),
            "config: flows[0].redact[0].replacement: must be a string, got null");
  EXPECT_EQ(redact_error(R"([{"fields": ["a"], "flagField": 1}])"),
            "config: flows[0].redact[0].flagField: must be a string, got number");
  EXPECT_EQ(redact_error(R"([{"fields": ["a", "b"], "flagField": "b"}])"),
            "config: flows[0].redact[0].flagField: must not be one of the redacted fields, got "
            "\"b\"");
  EXPECT_EQ(redact_error(R"([{"fields": ["a"], "flagField": "ok"},
                             {"fields": ["b"], "consentField": "ok"}])"),
            "config: flows[0].redact[0].flagField: must not be a consentField of this flow, got "
            "\"ok\"");
  const Parsed parsed = parse_ok(one_flow(R"("redact": [{"fields": ["ssn"]},
      {"fields": ["x", "y"], "consentField": "ok", "replacement": "***"}],)"));
  const std::vector<RedactionRule>& rules = parsed.config.flows[0].redact;
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].consent_field, "");
  EXPECT_EQ(rules[0].fields, std::vector<std::string>{"ssn"});
  EXPECT_EQ(rules[0].replacement, "REDACTED_CONTENT");
  EXPECT_EQ(rules[0].flag_field, "");
  EXPECT_EQ(rules[1].consent_field, "ok");
  EXPECT_EQ(rules[1].replacement, "***");
}

TEST(Config, KeyPrefixRules) {
  const auto prefix_error = [](std::string_view prefix) {
    return error_of(with_s3(cat(R"({"bucket": "abc", "keyPrefix": )", prefix, "}")));
  };
  EXPECT_EQ(prefix_error(R"("logs/%Y/%q/")"),
            "config: flows[0].s3.keyPrefix: unsupported strftime field \"%q\" (allowed: %Y %m %d "
            "%H %M %S %j %%)");
  EXPECT_EQ(prefix_error(R"("logs/%")"),
            "config: flows[0].s3.keyPrefix: ends in a lone '%' (write %% for a literal percent "
            "sign), got \"logs/%\"");
  EXPECT_EQ(prefix_error(R"("{flow}/{region}/")"),
            "config: flows[0].s3.keyPrefix: unsupported placeholder \"{region}\" (allowed: {flow} "
            "{host})");
  EXPECT_EQ(prefix_error(R"("{flow")"),
            "config: flows[0].s3.keyPrefix: unterminated placeholder at byte 0 (allowed: {flow} "
            "{host}), got \"{flow\"");
  EXPECT_EQ(prefix_error(R"("/logs/")"),
            "config: flows[0].s3.keyPrefix: must not start with '/', got \"/logs/\"");
  EXPECT_EQ(
      prefix_error(R"("logs/../etc/")"),
      "config: flows[0].s3.keyPrefix: must not contain a \"..\" segment, got \"logs/../etc/\"");
  EXPECT_EQ(prefix_error(R"("..")"),
            "config: flows[0].s3.keyPrefix: must not contain a \"..\" segment, got \"..\"");
  EXPECT_EQ(
      prefix_error(R"("a\u0000b")"),
      "config: flows[0].s3.keyPrefix: must not contain control characters, got \"a\\u0000b\"");
  const std::string all = "{host}/{flow}/%Y-%m-%dT%H:%M:%S/%j/100%%/..x/";
  EXPECT_EQ(parse_ok(with_s3(cat(R"({"bucket": "abc", "keyPrefix": ")", all, R"("})")))
                .config.flows[0]
                .object.key_prefix,
            all);
}

TEST(Config, AgentLevelRules) {
  const auto root_error = [](std::string_view keys) {
    return error_of(cat("{", keys, one_flow().substr(1)));
  };
  EXPECT_EQ(root_error(R"("s3.endpoint": "ftp://example.com",)"),
            "config: s3.endpoint: must be an http:// or https:// URL, got \"ftp://example.com\"");
  EXPECT_EQ(root_error(R"("s3.endpoint": "http://",)"),
            "config: s3.endpoint: must be an http:// or https:// URL, got \"http://\"");
  EXPECT_EQ(root_error(R"("s3.endpoint": "localhost:4568",)"),
            "config: s3.endpoint: must be an http:// or https:// URL, got \"localhost:4568\"");
  EXPECT_EQ(
      root_error(R"("s3.endpoint": "http://localhost:port/",)"),
      "config: s3.endpoint: must be an http:// or https:// URL, got \"http://localhost:port/\"");
  EXPECT_EQ(parse_ok(cat(R"({"s3.endpoint": "http://[::1]:4568",)", one_flow().substr(1)))
                .config.s3.endpoint,
            "http://[::1]:4568");
  EXPECT_EQ(root_error(R"("s3.region": "US East",)"),
            "config: s3.region: must be an AWS region such as us-east-1, got \"US East\"");
  EXPECT_EQ(root_error(R"("checkpointFile": "checkpoints",)"),
            "config: checkpointFile: must be an absolute path, got \"checkpoints\"");
  EXPECT_EQ(root_error(R"("checkpointFile": 1,)"),
            "config: checkpointFile: must be a string, got number");
  EXPECT_EQ(root_error(R"("log.level": "verbose",)"),
            "config: log.level: must be one of debug, info, warn, error, got \"verbose\"");
  // An empty endpoint means the AWS one, as in the Kinesis Agent.
  EXPECT_EQ(parse_ok(cat(R"({"s3.endpoint": "",)", one_flow().substr(1))).config.s3.endpoint, "");
  EXPECT_EQ(
      parse_ok(cat(R"({"s3.endpoint": "https://s3.example.com:9000/base",)", one_flow().substr(1)))
          .config.s3.endpoint,
      "https://s3.example.com:9000/base");
  // The Kinesis Agent's default checkpoint location does not survive a reboot.
  EXPECT_EQ(parse_ok(cat(R"({"checkpointFile": "/var/run/aws-kinesis-agent/checkpoints",)",
                         one_flow().substr(1)))
                .warnings,
            std::vector<std::string>{
                "config: checkpointFile: \"/var/run/aws-kinesis-agent/checkpoints\" is cleared at "
                "reboot; checkpoints there are lost and files are read again from initialPosition "
                "(use persistent storage such as /var/lib/ferry/checkpoints)"});
}

TEST(Config, LongValuesAreCutInMessages) {
  const std::string long_name(200, '!');
  const std::string message = error_of(one_flow(cat(R"("name": ")", long_name, R"(",)")));
  EXPECT_NE(message.find(cat("\"", std::string(64, '!'), "...\"")), std::string::npos) << message;
  EXPECT_LT(message.size(), 250u);
}

// ---- load ------------------------------------------------------------------------------------

class ConfigFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/ferry_config_test_XXXXXX";
    const int fd = ::mkstemp(pattern);
    ASSERT_GE(fd, 0);
    ::close(fd);
    path_ = pattern;
  }
  void TearDown() override { ::unlink(path_.c_str()); }
  void write(std::string_view text) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << text;
  }
  std::string path_;
};

TEST_F(ConfigFile, LoadsAFile) {
  write(kExample);
  const Result<Parsed> parsed = load(path_);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->config.flows[0].name, "wickr");
}

TEST_F(ConfigFile, RelativePathsStartAtTheFilesDirectory) {
  write(R"({"checkpointFile": "state/../cp", "flows": [
      {"filePattern": "logs/*.log", "directory": {"path": "../spool"}},
      {"filePattern": "/abs/./x.log", "s3": {"bucket": "abc"}}]})");
  const Result<Parsed> parsed = load(path_);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->config.checkpoint_file, "/tmp/cp");
  EXPECT_EQ(parsed->config.flows[0].file_pattern, "/tmp/logs/*.log");
  EXPECT_EQ(std::get<DirectoryDestination>(parsed->config.flows[0].destination).path, "/spool");
  // Absolute paths are kept as written.
  EXPECT_EQ(parsed->config.flows[1].file_pattern, "/abs/./x.log");
}

TEST(ConfigLoad, BundledQuickstartExampleLoads) {
  const std::string examples = cat(FERRY_SOURCE_DIR, "/examples");
  const Result<Parsed> parsed = load(examples + "/quickstart.json");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_FALSE(parsed->config.flows.empty());
  EXPECT_TRUE(parsed->config.flows[0].file_pattern.starts_with(examples + "/"));
  EXPECT_EQ(parsed->config.checkpoint_file.front(), '/');
}

TEST_F(ConfigFile, InvalidJsonNamesTheFile) {
  write("{\n\"flows\": [}\n");
  const Result<Parsed> parsed = load(path_);
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(parsed.error().message.starts_with(cat("config: ", path_, ": invalid JSON: ")))
      << parsed.error().message;
  EXPECT_NE(parsed.error().message.find("near line 2"), std::string::npos);
}

TEST(ConfigLoad, UnreadableFileSaysWhy) {
  const Result<Parsed> missing = load("/nonexistent/ferry/agent.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message,
            "config: /nonexistent/ferry/agent.json: cannot read: No such file or directory");
  const Result<Parsed> directory = load("/tmp");
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.error().message, "config: /tmp: cannot read: Is a directory");
}

TEST(ConfigLoad, SeedCorpusParsesWithoutCrashing) {
  // The fuzz seeds double as examples: the valid ones must parse.
  for (const char* name : {"example.json", "directory.json", "kinesis_agent.json"}) {
    const Result<Parsed> parsed = load(cat(FERRY_SOURCE_DIR, "/fuzz/corpus/config/", name));
    EXPECT_TRUE(parsed.ok()) << name << ": " << parsed.error().message;
  }
}

}  // namespace
}  // namespace ferry::config

namespace ferry::config {
namespace {

TEST(ConfigOperations, MetricsLogFormatAndStatusPeriod) {
  const auto parsed = parse(R"({"metrics.listen": ":9465", "metrics.unhealthyAfterSeconds": 5,
      "log.format": "json", "log.statusReportingPeriodSeconds": "0",
      "flows": [{"filePattern": "/a/*", "directory": {"path": "/s"}}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const Operations& ops = parsed->config.operations;
  EXPECT_EQ(ops.metrics_listen, ":9465");
  EXPECT_EQ(ops.unhealthy_after_millis, 5000u);
  EXPECT_EQ(ops.log_format, LogFormat::json);
  EXPECT_EQ(ops.status_period_seconds, 0u);
  EXPECT_TRUE(parsed->warnings.empty());
  const Operations defaults = parse(R"({"flows": [{"filePattern": "/a/*",
      "directory": {"path": "/s"}}]})")
                                  ->config.operations;
  EXPECT_EQ(defaults.metrics_listen, "");
  EXPECT_EQ(defaults.status_period_seconds, 30u);
  EXPECT_EQ(defaults.log_format, LogFormat::text);
}

TEST(ConfigOperations, ErrorsNameTheKey) {
  const auto error = [](std::string_view key_and_value) {
    const auto parsed =
        parse(cat("{", key_and_value,
                  R"(, "flows": [{"filePattern": "/a/*", "directory": {"path": "/s"}}]})"));
    return parsed.ok() ? std::string("ok") : parsed.error().message;
  };
  EXPECT_EQ(error(R"("metrics.listen": "127.0.0.1:70000")"),
            "config: metrics.listen: the port must be a number from 0 to 65535, got \"70000\"");
  EXPECT_EQ(error(R"("metrics.listen": "localhost:9465")"),
            "config: metrics.listen: the host must be an IPv4 address such as 127.0.0.1, got "
            "\"localhost\"");
  EXPECT_EQ(error(R"("log.format": "yaml")").rfind("config: log.format: ", 0), 0u);
  EXPECT_EQ(error(R"("metrics.unhealthyAfterSeconds": 0)")
                .rfind("config: metrics.unhealthyAfterSeconds: ", 0),
            0u);
  const auto open = parse(R"({"metrics.listen": "0.0.0.0:9465",
      "flows": [{"filePattern": "/a/*", "directory": {"path": "/s"}}]})");
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->warnings.size(), 1u);
  EXPECT_NE(open->warnings[0].find("is not a loopback address"), std::string::npos);
}

}  // namespace
}  // namespace ferry::config
