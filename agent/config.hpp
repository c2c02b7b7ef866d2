// The configuration model: the Kinesis Agent's agent.json with ferry's own keys beside it,
// parsed once into plain structs. Parsing and validation live in agent/config.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/redaction_rule.hpp"
#include "core/result.hpp"

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
  ObjectOptions object;                    // keys inside "s3" / "directory"
  std::variant<S3Destination, DirectoryDestination> destination;
  std::vector<RedactionRule> redact;  // "redact"
};

struct S3Service {
  std::string endpoint;              // "s3.endpoint"; empty: https://s3.<region>.amazonaws.com
  std::string region = "us-east-1";  // "s3.region"; else AWS_REGION / AWS_DEFAULT_REGION
  bool force_path_style = false;     // "s3.forcePathStyle"
};

enum class LogLevel { debug, info, warn, error };

struct Config {
  std::string checkpoint_file = "/var/lib/ferry/checkpoints";  // "checkpointFile"
  S3Service s3;
  LogLevel log_level = LogLevel::info;  // "log.level"
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
