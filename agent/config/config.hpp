// The configuration model: the Kinesis Agent's agent.json with ferry's own keys beside it,
// parsed once into plain structs. Parsing and validation live in agent/config/config.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/convert/data_processing.hpp"
#include "core/observe/log_rotation.hpp"
#include "core/redact/redaction_rule.hpp"
#include "core/result.hpp"
#include "core/aws/s3_object_options.hpp"

namespace ferry::config {

enum class InitialPosition { start_of_file, end_of_file };

// Naming, compression and closing of the objects a flow writes (both destinations).
struct ObjectOptions {
  std::string key_prefix;                    // "keyPrefix": strftime (UTC) + {flow} {host}
  int compression_level = 3;                 // "compressionLevel": zstd 1..19
  uint64_t max_object_bytes = 128ull << 20;  // "maxObjectBytes": compressed bytes
  uint64_t max_object_age_millis = 60000;    // "maxObjectAgeMillis"

  bool operator==(const ObjectOptions&) const = default;
};

struct S3Destination {
  std::string bucket;                     // "bucket" (required)
  uint64_t part_size_bytes = 8ull << 20;  // "partSizeBytes": 5 MiB .. 5 GiB
  // "serverSideEncryption", "kmsKeyId", "bucketKeyEnabled", "storageClass", "contentType",
  // "contentEncoding", "checksumAlgorithm" ("CRC32C" or "NONE"), "contentMd5"
  S3ObjectOptions request;

  bool operator==(const S3Destination&) const = default;
};

struct DirectoryDestination {
  std::string path;           // "path" (required)
  unsigned file_mode = 0600;  // "fileMode": of the objects (octal string)

  bool operator==(const DirectoryDestination&) const = default;
};

enum class PartitionKeyOption { random, deterministic };

// A Kinesis Data Firehose delivery stream ("deliveryStream") or a Kinesis data stream
// ("kinesisStream"): records are sent uncompressed, one record per line (docs/streams.md).
struct StreamDestination {
  enum class Kind { firehose, kinesis };
  Kind kind = Kind::firehose;
  std::string name;                                               // the stream's name
  PartitionKeyOption partition_key = PartitionKeyOption::random;  // "partitionKeyOption": Kinesis
  uint64_t aggregated_record_size_bytes = 0;  // "aggregatedRecordSizeBytes": Firehose; 0: off
  uint64_t max_buffer_size_records = 500;     // "maxBufferSizeRecords": records a call, 1..500
  uint64_t max_buffer_size_bytes = 0;         // "maxBufferSizeBytes": 4 MiB Firehose, 5 MiB Kinesis
  uint64_t retry_initial_backoff_millis = 100;  // "retryInitialBackoffMillis"
  uint64_t retry_max_backoff_millis = 10000;    // "retryMaxBackoffMillis"

  bool operator==(const StreamDestination&) const = default;
};

struct Flow {
  std::string name;  // "name"; default "flow<N>", N from 1
  // The flow's entry in the checkpoint: its "name" if given, else its destination and file
  // pattern (agent/config/config_flow_identity.hpp), so reordering flows never mixes their positions.
  std::string checkpoint_key;
  std::string file_pattern;  // "filePattern" (required, absolute)
  // The Kinesis Agent's id of this flow in its checkpoint database ("fh:STREAM:PATTERN" or
  // "kinesis:STREAM:PATTERN"), from its deliveryStream or kinesisStream even when an "s3" or
  // "directory" block ships it instead: `ferry migrate` matches its rows by it. Empty: neither.
  std::string kinesis_agent_id;
  InitialPosition initial_position = InitialPosition::end_of_file;  // "initialPosition"
  uint64_t max_buffer_age_millis = 60000;  // "maxBufferAgeMillis": 1000 .. 900000
  uint64_t max_record_bytes = 1ull << 20;  // "maxRecordBytes"
  // Tailing (docs/tailing.md):
  uint64_t skip_header_lines = 0;  // "skipHeaderLines": of every file read from its start
  std::optional<std::string> truncated_record_terminator;  // "truncatedRecordTerminator"
  std::string multi_line_start_pattern;  // "multiLineStartPattern" (Hyperscan/PCRE); "": off
  std::string
      file_footer_pattern;  // "fileFooterPattern": a whole (trimmed) line ends its file; "": off
  uint64_t file_poll_millis = 0;   // "minTimeBetweenFilePollsMillis": safety-net rescan; 0: 10 s
  uint64_t stat_poll_millis = 0;   // "statPollMillis": stat tracked files (NFS/EFS); 0: off
  bool follow_symlinks = false;    // "followSymlinks": read a link's target wherever it is
  uint64_t max_open_files = 1024;  // "maxOpenFiles": descriptors of this flow's files
  ObjectOptions object;            // keys inside "s3" / "directory"
  std::variant<S3Destination, DirectoryDestination, StreamDestination> destination;
  std::vector<ProcessingOption> data_processing;  // "dataProcessingOptions": before redact
  std::vector<RedactionRule> redact;              // "redact"

  bool operator==(const Flow&) const = default;
};

struct S3Service {
  std::string endpoint;              // "s3.endpoint"; empty: https://s3.<region>.amazonaws.com
  std::string region = "us-east-1";  // "s3.region"; else AWS_REGION / AWS_DEFAULT_REGION
  bool force_path_style = false;     // "s3.forcePathStyle"
  // Neither s3.region nor AWS_REGION / AWS_DEFAULT_REGION: us-east-1, unless the EC2 instance
  // metadata names the instance's region.
  bool region_is_default = false;
  std::string ca_bundle;  // "s3.caBundle": PEM file of trusted CAs; empty: the system's
  // "s3.maxAttempts", "s3.initialBackoffMillis", "s3.maxBackoffMillis": per request
  int max_attempts = 8;
  int initial_backoff_millis = 100;
  int max_backoff_millis = 10000;

  bool operator==(const S3Service&) const = default;
};

// Where the Firehose and Kinesis APIs are ("firehose.endpoint", "kinesis.endpoint" as a URL or a
// bare host, "kinesis.region"); empty endpoints: https://<service>.<region>.amazonaws.com. The
// region of an endpoint named <service>.<region>.amazonaws.com is taken from its name.
struct StreamServices {
  std::string firehose_endpoint;
  std::string kinesis_endpoint;
  std::string kinesis_region;  // empty: from kinesis.endpoint, else the configuration's region
  uint64_t max_sending_threads = 0;  // "maxSendingThreads"; 0: "maxSendingThreadsPerCore" x cores
  uint64_t max_sending_threads_per_core = 2;  // "maxSendingThreadsPerCore"

  bool operator==(const StreamServices&) const = default;
};

// The Java agent's HTTP client keys, applied to the HTTP clients ferry makes for AWS services
// (agent/setup/http_options.hpp turns them into HttpClientOptions).
struct HttpTuning {
  uint64_t connection_timeout_millis = 10000;  // "connectionTimeoutMillis"
  uint64_t socket_timeout_millis = 50000;      // "socketTimeoutMillis": no byte for this long
  uint64_t connection_ttl_millis = 60000;      // "connectionTTLMillis"; 0 (-1 in agent.json): none
  bool tcp_keepalive = true;  // "useTcpKeepAlive"; ferry's default true (the Java agent's false)
  std::string user_agent;     // "userAgentOverride"; empty: "ferry/<version>"
  // "userAgent": put before "ferry/<version>" (as the Java agent puts it before its own), unless
  // userAgentOverride replaces the whole header.
  std::string user_agent_prefix;

  bool operator==(const HttpTuning&) const = default;
};

// The Kinesis Agent's credential keys; the provider chain that uses them is in
// io/credentials/credentials_chain.hpp. Empty strings count as unset.
struct AwsCredentialKeys {
  std::string access_key_id;            // "awsAccessKeyId" (with awsSecretAccessKey)
  std::string secret_access_key;        // "awsSecretAccessKey"
  std::string assume_role_arn;          // "assumeRoleARN": STS AssumeRole over the chain
  std::string assume_role_external_id;  // "assumeRoleExternalId" (needs assumeRoleARN)
  std::string sts_endpoint;             // "sts.endpoint"; empty: https://sts.<region>.amazonaws.com

  bool operator==(const AwsCredentialKeys&) const = default;
};

// The Kinesis Agent's CloudWatch metrics (docs/operations.md, "CloudWatch metrics").
struct CloudWatchOptions {
  // "cloudwatch.emitMetrics". Without the key: true when a flow sends to Firehose or Kinesis (a
  // Java agent configuration, where the default is true), false otherwise, so that S3- and
  // directory-only hosts never call CloudWatch unless asked.
  bool emit_metrics = false;
  std::string endpoint;  // "cloudwatch.endpoint"; empty: https://monitoring.<region>.amazonaws.com
  std::string namespace_name = "AWSKinesisAgent";  // "cloudwatch.namespace"
  bool tag_instance = false;                       // "cloudwatch.tagInstance": Instance dimension
  uint64_t buffer_time_millis = 30000;             // "cloudwatch.metricsBufferTimeMillis": period
  uint64_t queue_size = 10000;  // "cloudwatch.metricsQueueSize": datapoints waiting to be sent

  bool operator==(const CloudWatchOptions&) const = default;
};

enum class LogLevel { debug, info, warn, error };

enum class LogFormat { text, json };

// Running ferry: metrics endpoint, health, log shape and file, status line.
struct Operations {
  std::string metrics_listen;               // "metrics.listen" ("127.0.0.1:9465"); empty: off
  uint64_t unhealthy_after_millis = 60000;  // "metrics.unhealthyAfterSeconds"
  LogFormat log_format = LogFormat::text;   // "log.format": "text" | "json"
  uint64_t status_period_seconds = 30;      // "log.statusReportingPeriodSeconds"; 0: none
  // "log.file" (absolute; relative ones are resolved as checkpointFile); empty: stderr only.
  std::string log_file;
  // "log.maxFileSize", "log.maxBackupIndex": the Kinesis Agent's rollover (0 keeps the default).
  RotationPolicy log_rotation;
};

struct Config {
  std::string checkpoint_file = "/var/lib/ferry/checkpoints";  // "checkpointFile"
  uint64_t checkpoint_ttl_days = 7;  // "checkpointTimeToLiveDays": forget files unseen this long
  uint64_t shutdown_timeout_millis = 10000;  // "shutdownTimeoutMillis": drain at most this long
  S3Service s3;
  StreamServices streams;
  HttpTuning http;
  AwsCredentialKeys credentials;
  LogLevel log_level = LogLevel::info;  // "log.level"
  Operations operations;
  CloudWatchOptions cloudwatch;
  std::vector<Flow> flows;  // "flows" (at least one)
};

struct Parsed {
  Config config;
  std::vector<std::string>
      warnings;  // e.g. "config: flows[0].fooBar: unknown key (did you mean ...)"
  // Logged at info: Kinesis Agent keys with no meaning in ferry (e.g. JVM thread pool sizes).
  std::vector<std::string> notes;
};

// Parses agent.json text. On error the message is "config: <json path>: <what is wrong>",
// e.g. "config: flows[0].s3.partSizeBytes: must be between 5242880 and 5368709120, got 1024".
Result<Parsed> parse(std::string_view text);

// Reads and parses a file; an unreadable file is "config: <path>: cannot read: <strerror>".
// Relative checkpointFile, filePattern and directory.path are resolved against the directory
// holding the file (parse() alone requires absolute paths). As the Kinesis Agent, the "flows" of
// every *.json file in the "agent.d" directory beside the file are added, files in name order;
// their errors are "config: <file>: flows[N]...".
Result<Parsed> load(const std::string& path);

}  // namespace ferry::config
