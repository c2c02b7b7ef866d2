// The configuration model: the Kinesis Agent's agent.json with ferry's own keys beside it,
// parsed once into plain structs. Parsing and validation live in agent/config.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/data_processing.hpp"
#include "core/redaction_rule.hpp"
#include "core/result.hpp"
#include "core/s3_object_options.hpp"

namespace ferry::config {

enum class InitialPosition { start_of_file, end_of_file };

// Naming, compression and closing of the objects a flow writes (both destinations).
struct ObjectOptions {
  std::string key_prefix;                    // "keyPrefix": strftime (UTC) + {flow} {host}
  int compression_level = 3;                 // "compressionLevel": zstd 1..19
  uint64_t max_object_bytes = 128ull << 20;  // "maxObjectBytes": compressed bytes
  uint64_t max_object_age_millis = 60000;    // "maxObjectAgeMillis"
};

struct S3Destination {
  std::string bucket;                     // "bucket" (required)
  uint64_t part_size_bytes = 8ull << 20;  // "partSizeBytes": 5 MiB .. 5 GiB
  // "serverSideEncryption", "kmsKeyId", "bucketKeyEnabled", "storageClass", "contentType",
  // "contentEncoding", "checksumAlgorithm" ("CRC32C" or "NONE"), "contentMd5"
  S3ObjectOptions request;
};

struct DirectoryDestination {
  std::string path;  // "path" (required)
};

struct Flow {
  std::string name;          // "name"; default "flow<N>", N from 1
  std::string file_pattern;  // "filePattern" (required, absolute)
  InitialPosition initial_position = InitialPosition::end_of_file;  // "initialPosition"
  uint64_t max_buffer_age_millis = 60000;  // "maxBufferAgeMillis": 1000 .. 900000
  uint64_t max_record_bytes = 1ull << 20;  // "maxRecordBytes"
  // Tailing (docs/tailing.md):
  uint64_t skip_header_lines = 0;  // "skipHeaderLines": of every file read from its start
  std::optional<std::string> truncated_record_terminator;  // "truncatedRecordTerminator"
  std::string multi_line_start_pattern;  // "multiLineStartPattern" (Hyperscan/PCRE); "": off
  uint64_t file_poll_millis = 0;   // "minTimeBetweenFilePollsMillis": safety-net rescan; 0: 10 s
  uint64_t stat_poll_millis = 0;   // "statPollMillis": stat tracked files (NFS/EFS); 0: off
  uint64_t max_open_files = 1024;  // "maxOpenFiles": descriptors of this flow's files
  ObjectOptions object;            // keys inside "s3" / "directory"
  std::variant<S3Destination, DirectoryDestination> destination;
  std::vector<ProcessingOption> data_processing;  // "dataProcessingOptions": before redact
  std::vector<RedactionRule> redact;  // "redact"
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
};

// The Kinesis Agent's credential keys; the provider chain that uses them is in
// io/credentials_chain.hpp. Empty strings count as unset.
struct AwsCredentialKeys {
  std::string access_key_id;            // "awsAccessKeyId" (with awsSecretAccessKey)
  std::string secret_access_key;        // "awsSecretAccessKey"
  std::string assume_role_arn;          // "assumeRoleARN": STS AssumeRole over the chain
  std::string assume_role_external_id;  // "assumeRoleExternalId" (needs assumeRoleARN)
  std::string sts_endpoint;             // "sts.endpoint"; empty: https://sts.<region>.amazonaws.com
};

enum class LogLevel { debug, info, warn, error };

enum class LogFormat { text, json };

// Running ferry: metrics endpoint, health, log shape, status line.
struct Operations {
  std::string metrics_listen;                // "metrics.listen" ("127.0.0.1:9465"); empty: off
  uint64_t unhealthy_after_millis = 60000;   // "metrics.unhealthyAfterSeconds"
  LogFormat log_format = LogFormat::text;    // "log.format": "text" | "json"
  uint64_t status_period_seconds = 30;       // "log.statusReportingPeriodSeconds"; 0: none
};

struct Config {
  std::string checkpoint_file = "/var/lib/ferry/checkpoints";  // "checkpointFile"
  S3Service s3;
  AwsCredentialKeys credentials;
  LogLevel log_level = LogLevel::info;  // "log.level"
  Operations operations;
  std::vector<Flow> flows;              // "flows" (at least one)
};

struct Parsed {
  Config config;
  std::vector<std::string>
      warnings;  // e.g. "config: flows[0].fooBar: unknown key (did you mean ...)"
};

// Parses agent.json text. On error the message is "config: <json path>: <what is wrong>",
// e.g. "config: flows[0].s3.partSizeBytes: must be between 5242880 and 5368709120, got 1024".
Result<Parsed> parse(std::string_view text);

// Reads and parses a file; an unreadable file is "config: <path>: cannot read: <strerror>".
// Relative checkpointFile, filePattern and directory.path are resolved against the directory
// holding the file (parse() alone requires absolute paths).
Result<Parsed> load(const std::string& path);

}  // namespace ferry::config
