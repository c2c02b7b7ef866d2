// `ferry athena-ddl`: prints the CREATE EXTERNAL TABLE statement for a flow's objects, with
// columns inferred from a sample of its records (as the flow ships them) and partition projection.
#pragma once

#include <ctime>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "agent/config/config.hpp"
#include "core/result.hpp"

namespace ferry {

struct AthenaDdlOptions {
  std::string config_path = "/etc/aws-kinesis/agent.json";
  std::string flow;                  // --flow NAME|INDEX (required)
  std::vector<std::string> samples;  // --sample FILE (repeatable); default: the flow's files
  // --schema wickr: merge the documented Wickr message shape in; --schema sample: never; by
  // default (detect) when the sampled records are Wickr messages.
  enum class Schema : uint8_t { detect, wickr, sample };
  Schema schema = Schema::detect;
  std::string table;                 // --table NAME; default: the flow's name as an Athena name
  std::string location;              // --location s3://BUCKET/PREFIX/ instead of the bucket
  std::optional<std::time_t> since;  // --since YYYY-MM-DD: start of the date projection range
};

// The arguments after "athena-ddl".
Result<AthenaDdlOptions> parse_athena_ddl_args(const std::vector<std::string>& args);

// The statement for `flow`: columns from the sampled records, as the flow ships them, united with
// the documented Wickr shape (shipped through the same rules) when that is merged in, plus what
// the rules add and the invalid-record marker's members. What was sampled and anything the
// reader should know go to `notes`.
// Errors: a sample that cannot be read, no record to infer columns from, a directory flow
// without --location.
Result<std::string> build_athena_ddl(const config::Flow& flow, const AthenaDdlOptions& options,
                                     std::vector<std::string>& notes);

// The whole command: the DDL on `out`, notes and errors on `err`. Returns the exit code:
// 0 printed, 1 no sample could be read, 2 bad usage or configuration.
int run_athena_ddl_command(const std::vector<std::string>& args, std::ostream& out,
                           std::ostream& err);

}  // namespace ferry
