// The Kinesis Agent's dataProcessingOptions as plain values: what each option of a flow's chain
// does, as parsed from agent.json (agent/config/config_processing.*). Pure data, any thread.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ferry {

enum class ProcessingKind {
  single_line,       // SINGLELINE
  csv_to_json,       // CSVTOJSON
  log_to_json,       // LOGTOJSON
  add_metadata,      // ADDMETADATA
  add_ec2_metadata,  // ADDEC2METADATA
  add_brackets,      // ADDBRACKETS
};

// How the JSON-writing options print: Jackson's compact writer or its default pretty printer.
enum class JsonFormat { compact, pretty_print };

enum class LogFormat {
  common_apache,    // COMMONAPACHELOG
  combined_apache,  // COMBINEDAPACHELOG
  apache_error,     // APACHEERRORLOG
  syslog,           // SYSLOG (RFC 3164 timestamp)
  rfc3339_syslog,   // RFC3339SYSLOG
};

struct ProcessingOption {
  ProcessingKind kind = ProcessingKind::single_line;
  JsonFormat json_format = JsonFormat::compact;

  // SINGLELINE: parseOptions NO_TRIM / ESCAPE_NEW_LINE.
  bool trim_lines = true;
  bool escape_new_line = false;

  // CSVTOJSON and LOGTOJSON: customFieldNames (LOGTOJSON: empty = the format's own names).
  std::vector<std::string> field_names;
  // CSVTOJSON: a Java regular expression, as in String.split (default ",").
  std::string delimiter = ",";

  // LOGTOJSON (and ADDEC2METADATA, which only validates it as the Java agent does).
  LogFormat log_format = LogFormat::common_apache;
  bool has_log_format = false;
  std::string match_pattern;  // empty: the log format's own parser

  // ADDMETADATA: `metadata` as compact JSON ("null" when absent), `timestamp` adds "ts".
  std::string metadata_json = "null";
  bool timestamp = false;

  // ADDEC2METADATA: seconds between refreshes of the instance metadata.
  uint64_t metadata_ttl_seconds = 3600;

  bool operator==(const ProcessingOption&) const = default;
};

// Facts about the EC2 instance that ADDEC2METADATA adds to each record; filled by whoever talks
// to the instance metadata service (not core/). Empty `instance_id` means "none known".
struct Ec2Metadata {
  std::string private_ip;
  std::string availability_zone;
  std::string instance_id;
  std::string instance_type;
  std::string account_id;
  std::string ami_id;
  std::string region;
  std::string metadata_timestamp;  // when fetched: yyyy-MM-dd'T'HH:mm:ss+0000
  bool has_tags = false;           // the Java agent omits "tags" when DescribeTags failed
  std::vector<std::pair<std::string, std::string>> tags;  // keys lowercased, in order
};

}  // namespace ferry
