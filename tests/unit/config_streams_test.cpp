// Unit tests for the stream keys of agent.json: deliveryStream / kinesisStream flows as the Java
// Kinesis Agent writes them, the keys that tune them, the service endpoints, and their errors.
#include <gtest/gtest.h>

#include <string>

#include "agent/config/config.hpp"
#include "core/text.hpp"
#include "tests/support/config_parse.hpp"

namespace ferry::config {
namespace {

std::string document(const std::string& root, const std::string& flow) {
  return cat(R"({"checkpointFile": "/tmp/ferry-cp", )", root, root.empty() ? "" : ", ",
             R"("flows": [{"filePattern": "/tmp/app.log*", )", flow, "}]}");
}

const StreamDestination& stream_of(const Parsed& parsed) {
  return std::get<StreamDestination>(parsed.config.flows.at(0).destination);
}

bool warned(const Parsed& parsed, const std::string& text) {
  for (const std::string& warning : parsed.warnings)
    if (warning.find(text) != std::string::npos) return true;
  return false;
}

TEST(ConfigStreams, AFlowKeepsTheKinesisAgentsIdForMigration) {
  // ferry migrate matches the Kinesis Agent's checkpoint rows by this id: the stream it names,
  // even when a directory block ships the flow instead; the delivery stream wins.
  auto parsed = parse(document("", R"("deliveryStream": "fire", "kinesisStream": "kin")"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->config.flows[0].kinesis_agent_id, "fh:fire:/tmp/app.log*");
  parsed = parse(document("", R"("kinesisStream": "kin", "directory": {"path": "/tmp/out"})"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->config.flows[0].kinesis_agent_id, "kinesis:kin:/tmp/app.log*");
  parsed = parse(document("", R"("directory": {"path": "/tmp/out"})"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->config.flows[0].kinesis_agent_id, "");
}

TEST(ConfigStreams, TheKinesisAgentsFirehoseFlowHasTheJavaDefaults) {
  auto parsed = parse(document("", R"("deliveryStream": "yourdeliverystream")"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  const StreamDestination& stream = stream_of(*parsed);
  EXPECT_EQ(stream.kind, StreamDestination::Kind::firehose);
  EXPECT_EQ(stream.name, "yourdeliverystream");
  EXPECT_EQ(stream.max_buffer_size_records, 500u);
  EXPECT_EQ(stream.max_buffer_size_bytes, 4u << 20);
  EXPECT_EQ(stream.aggregated_record_size_bytes, 0u);
  EXPECT_EQ(stream.retry_initial_backoff_millis, 100u);
  EXPECT_EQ(stream.retry_max_backoff_millis, 10000u);
  EXPECT_EQ(parsed->config.flows[0].max_buffer_age_millis, 60000u);
}

TEST(ConfigStreams, AKinesisFlowTakesItsPartitionKeyOptionAndFiveMebibyteCalls) {
  auto parsed = parse(document(
      "", R"("kinesisStream": "yourkinesisstream", "partitionKeyOption": "DETERMINISTIC")"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  const StreamDestination& stream = stream_of(*parsed);
  EXPECT_EQ(stream.kind, StreamDestination::Kind::kinesis);
  EXPECT_EQ(stream.partition_key, PartitionKeyOption::deterministic);
  EXPECT_EQ(stream.max_buffer_size_bytes, 5u << 20);
  auto random = parse(document("", R"("kinesisStream": "k", "partitionKeyOption": "RANDOM")"));
  ASSERT_TRUE(random);
  EXPECT_EQ(stream_of(*random).partition_key, PartitionKeyOption::random);
}

TEST(ConfigStreams, FirehoseWinsWhenAFlowNamesBothAsInTheJavaAgent) {
  auto parsed = parse(document("", R"("kinesisStream": "k", "deliveryStream": "d")"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(stream_of(*parsed).kind, StreamDestination::Kind::firehose);
  EXPECT_EQ(stream_of(*parsed).name, "d");
  EXPECT_TRUE(warned(*parsed, "flows[0].kinesisStream: the flow also names a deliveryStream"));
}

TEST(ConfigStreams, AnS3BlockBesideAStreamShipsToS3AndSaysTheStreamIsIgnored) {
  auto parsed = parse(document("", R"("deliveryStream": "d", "s3": {"bucket": "retention"})"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(std::holds_alternative<S3Destination>(parsed->config.flows[0].destination));
  EXPECT_TRUE(warned(*parsed, "flows[0].deliveryStream: this flow ships to its \"s3\" block"));
}

TEST(ConfigStreams, TuningKeysAreRead) {
  auto parsed = parse(document("", R"("deliveryStream": "d", "aggregatedRecordSizeBytes": 20000,
      "maxBufferSizeRecords": "50", "maxBufferSizeBytes": 1048576,
      "retryInitialBackoffMillis": 200, "retryMaxBackoffMillis": 5000)"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  const StreamDestination& stream = stream_of(*parsed);
  EXPECT_EQ(stream.aggregated_record_size_bytes, 20000u);
  EXPECT_EQ(stream.max_buffer_size_records, 50u);
  EXPECT_EQ(stream.max_buffer_size_bytes, 1048576u);
  EXPECT_EQ(stream.retry_initial_backoff_millis, 200u);
  EXPECT_EQ(stream.retry_max_backoff_millis, 5000u);
}

TEST(ConfigStreams, OutOfRangeValuesNameTheKeyAndTheLimit) {
  EXPECT_EQ(error_of(document("", R"("deliveryStream": "d", "maxBufferSizeRecords": 501)")),
            "config: flows[0].maxBufferSizeRecords: must be between 1 and 500, got 501");
  EXPECT_EQ(error_of(document("", R"("deliveryStream": "d", "maxBufferSizeBytes": 5242880)")),
            "config: flows[0].maxBufferSizeBytes: must be between 1 and 4194304 for a "
            "deliveryStream flow, got 5242880");
  parse_ok(document("", R"("kinesisStream": "k", "maxBufferSizeBytes": 5242880)"));
  EXPECT_EQ(
      error_of(document("", R"("deliveryStream": "d", "aggregatedRecordSizeBytes": 1024001)")),
      "config: flows[0].aggregatedRecordSizeBytes: must be between 0 and 1024000, got 1024001");
  // The Kinesis Agent reads its backoffs unchecked: accepted, and said how ferry reads them.
  const Parsed initial_over_max =
      parse_ok(document("", R"("deliveryStream": "d", "retryInitialBackoffMillis": 20000)"));
  EXPECT_EQ(stream_of(initial_over_max).retry_initial_backoff_millis, 10000u);
  ASSERT_EQ(initial_over_max.warnings.size(), 1u);
  EXPECT_EQ(initial_over_max.warnings[0],
            "config: flows[0].retryInitialBackoffMillis: 20000 exceeds retryMaxBackoffMillis "
            "(10000): read as 10000");
  const Parsed huge = parse_ok(document(
      "",
      R"("deliveryStream": "d", "retryMaxBackoffMillis": 3600000, "retryInitialBackoffMillis": 0)"));
  EXPECT_EQ(stream_of(huge).retry_max_backoff_millis, 600000u);
  EXPECT_EQ(stream_of(huge).retry_initial_backoff_millis, 1u);
  ASSERT_EQ(huge.warnings.size(), 2u);
  EXPECT_EQ(huge.warnings[0],
            "config: flows[0].retryMaxBackoffMillis: 3600000 is read as 600000 (ferry runs 1 to "
            "600000: a retry waits at most 10 minutes; the Kinesis Agent does not check it)");
  EXPECT_NE(error_of(document("", R"("kinesisStream": "k", "partitionKeyOption": "random")"))
                .find("config: flows[0].partitionKeyOption:"),
            std::string::npos);
}

TEST(ConfigStreams, StreamNamesFollowTheServicesRules) {
  EXPECT_EQ(error_of(document("", R"("deliveryStream": "")")),
            "config: flows[0].deliveryStream: must be 1 to 64 characters, got 0");
  EXPECT_EQ(error_of(document("", R"("kinesisStream": "a/b")")),
            "config: flows[0].kinesisStream: may hold only letters, digits, '_', '.' and '-'");
  parse_ok(document("", cat(R"("kinesisStream": ")", std::string(128, 'k'), "\"")));
}

TEST(ConfigStreams, KeysThatTuneAnotherKindOfFlowAreIgnoredWithAWarning) {
  auto parsed = parse(document("", R"("deliveryStream": "d", "partitionKeyOption": "RANDOM")"));
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(warned(*parsed, "flows[0].partitionKeyOption: only a kinesisStream flow"));
  auto kinesis = parse(document("", R"("kinesisStream": "k", "aggregatedRecordSizeBytes": 100)"));
  ASSERT_TRUE(kinesis);
  EXPECT_TRUE(warned(*kinesis, "flows[0].aggregatedRecordSizeBytes: only a deliveryStream flow"));
  EXPECT_EQ(stream_of(*kinesis).aggregated_record_size_bytes, 0u);
}

TEST(ConfigStreams, AFlowWithoutAnyDestinationSaysWhatToAdd) {
  EXPECT_EQ(error_of(R"({"flows": [{"filePattern": "/tmp/a.log"}]})"),
            "config: flows[0]: no destination; add an \"s3\" or \"directory\" block, or a "
            "\"deliveryStream\" or \"kinesisStream\"");
}

TEST(ConfigStreams, ServiceKeysAcceptEmptyBareHostsAndUrls) {
  auto parsed = parse(document(R"("firehose.endpoint": "", "kinesis.endpoint":
      "kinesis.eu-west-1.amazonaws.com", "kinesis.region": "eu-west-1",
      "maxSendingThreads": 4, "maxSendingThreadsPerCore": 3)",
                               R"("deliveryStream": "d")"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  const StreamServices& services = parsed->config.streams;
  EXPECT_EQ(services.firehose_endpoint, "");
  EXPECT_EQ(services.kinesis_endpoint, "kinesis.eu-west-1.amazonaws.com");
  EXPECT_EQ(services.kinesis_region, "eu-west-1");
  EXPECT_EQ(services.max_sending_threads, 4u);
  EXPECT_EQ(services.max_sending_threads_per_core, 3u);
  EXPECT_EQ(error_of(document(R"("firehose.endpoint": "ftp://x")", R"("deliveryStream": "d")")),
            "config: firehose.endpoint: must start with http:// or https://, got \"ftp://x\"");
  EXPECT_EQ(error_of(document(R"("maxSendingThreads": 0)", R"("deliveryStream": "d")")),
            "config: maxSendingThreads: must be between 1 and 256, got 0");
}

}  // namespace
}  // namespace ferry::config
