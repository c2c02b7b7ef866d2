// Command line parsing for the ferry binary.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace ferry {

struct CliOptions {
  std::string config_path = "/etc/aws-kinesis/agent.json";
  bool once = false;
  bool check_config = false;
  bool probe = false;  // --probe: --check-config, then try the S3 requests ferry needs
  bool version = false;
  bool help = false;
  std::optional<std::string> log_level;  // overrides "log.level"
  // --log-file, the Kinesis Agent's -l (from AGENT_ARGS): overrides "log.file".
  std::optional<std::string> log_file;
  unsigned workers = 0;
  // `ferry redact --flow NAME|INDEX`: print what that flow ships for the lines on stdin.
  bool redact = false;
  std::string flow;
};

Result<CliOptions> parse_cli(const std::vector<std::string>& args);

const char* usage_text();

}  // namespace ferry
