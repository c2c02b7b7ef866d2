// agent.json to Config (see config.hpp): comments stripped, JSON parsed with simdjson's DOM, then
// the top-level keys here and each flow in config_flow.cpp. Runs once at startup, on one thread.
#include "agent/config/config.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>

#include "agent/config/config_agent.hpp"
#include "agent/config/config_agent_d.hpp"
#include "agent/config/config_cloudwatch.hpp"
#include "agent/config/config_credentials.hpp"
#include "agent/config/config_document.hpp"
#include "agent/config/config_flow_identity.hpp"
#include "agent/config/config_keys.hpp"
#include "agent/config/config_operations.hpp"
#include "agent/config/config_rules.hpp"
#include "agent/config/config_sections.hpp"
#include "agent/config/config_streams.hpp"
#include "agent/config/config_values.hpp"
#include "agent/setup/secret_file_check.hpp"
#include "core/text.hpp"

namespace ferry::config {
namespace {

constexpr std::array<std::string_view, 4> kLogLevels = {"debug", "info", "warn", "error"};
constexpr LogLevel kLogLevelValues[] = {LogLevel::debug, LogLevel::info, LogLevel::warn,
                                        LogLevel::error};

// The AWS SDKs' order: AWS_REGION, then AWS_DEFAULT_REGION; empty when neither is set (empty
// variables count as unset).
std::string region_from_environment() {
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && value[0] != '\0') return value;
  }
  return "";
}

// The Kinesis Agent's log.level is Logback's, in any case ("INFO", "TRACE"); ferry has no trace.
Result<LogLevel> read_log_level(element value, std::string_view path) {
  std::string level;
  FERRY_CONFIG_TRY(level, read_string(value, path));
  for (char& c : level) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (level == "trace") level = "debug";
  for (std::size_t i = 0; i < kLogLevels.size(); ++i) {
    if (kLogLevels[i] == level) return kLogLevelValues[i];
  }
  std::size_t choice = 0;
  FERRY_CONFIG_TRY(choice, read_choice(value, path, kLogLevels));  // the error, with a hint
  return kLogLevelValues[choice];
}

Status check_unique_flows(const std::vector<Flow>& flows) {
  const std::optional<FlowClash> clash = find_flow_clash(flows);
  if (!clash) return Ok{};
  const std::string where = index_path("flows", clash->later);
  return config_error(clash->same_name ? key_path(where, "name") : where,
                      describe_clash(flows, *clash, index_path("flows", clash->earlier)));
}

Result<std::vector<Flow>> parse_flows(element value, ParseContext& context) {
  array items;
  FERRY_CONFIG_TRY(items, read_array(value, "flows"));
  if (items.size() == 0) return config_error("flows", "must list at least one flow");
  std::vector<Flow> flows;
  std::size_t index = 0;
  for (element item : items) {
    Flow flow;
    FERRY_CONFIG_TRY(flow, parse_flow(item, index++, context));
    flows.push_back(std::move(flow));
  }
  const Status unique = check_unique_flows(flows);
  if (!unique.ok()) return unique.error();
  return flows;
}

// Adds flows from elsewhere (agent.d) once the document's own keys are read.
using MoreFlows = std::function<Status(std::vector<Flow>& flows, ParseContext& context)>;

// `source` names the text in JSON syntax errors: the file, or `$`. With `more_flows`, the
// document may leave out "flows" when `more_flows` adds some.
Result<Parsed> parse_document(std::string_view text, std::string_view source,
                              std::string base_directory, const MoreFlows& more_flows = {}) {
  ConfigDocument document;
  const Status parsed = parse_config_document(text, source, document);
  if (!parsed.ok()) return parsed.error();
  const object fields = document.root;

  ParseContext context{std::move(base_directory), {}, {}};
  Config config;
  KeyChecker keys(kRootKeys, "", context.warnings, context.notes);
  bool has_region = false;
  bool has_flows = false;
  CloudWatchKeys cloudwatch;
  for (simdjson::dom::key_value_pair field : fields) {
    const std::string_view key = field.key;
    const std::string where = key_path("", key);
    if (key == "checkpointFile") {
      std::string file;
      FERRY_CONFIG_TRY(file, read_string(field.value, where));
      config.checkpoint_file = resolve_path(file, context.base_directory);
      const std::string problem = check_absolute_path(config.checkpoint_file);
      if (!problem.empty()) return config_error(where, problem);
      if (config.checkpoint_file.starts_with("/var/run/") ||
          config.checkpoint_file.starts_with("/run/")) {
        context.warnings.push_back(
            cat("config: ", where, ": ", quote_value(config.checkpoint_file),
                " is cleared at reboot; checkpoints there are lost and files are read again from "
                "initialPosition (use persistent storage such as /var/lib/ferry/checkpoints)"));
      }
    } else if (key == "s3.endpoint") {
      FERRY_CONFIG_TRY(config.s3.endpoint, read_string(field.value, where));
      // Empty means the AWS endpoint, as in the Kinesis Agent.
      const std::string problem =
          config.s3.endpoint.empty() ? std::string() : check_endpoint_url(config.s3.endpoint);
      if (!problem.empty()) return config_error(where, problem);
    } else if (key == "s3.region") {
      FERRY_CONFIG_TRY(config.s3.region, read_string(field.value, where));
      const std::string problem = check_region(config.s3.region);
      if (!problem.empty()) return config_error(where, problem);
      has_region = true;
    } else if (key == "s3.forcePathStyle") {
      FERRY_CONFIG_TRY(config.s3.force_path_style, read_bool(field.value, where));
    } else if (key == "s3.caBundle") {
      std::string file;
      FERRY_CONFIG_TRY(file, read_string(field.value, where));
      config.s3.ca_bundle = resolve_path(file, context.base_directory);
      std::string problem = check_absolute_path(config.s3.ca_bundle);
      if (problem.empty() && ::access(config.s3.ca_bundle.c_str(), R_OK) != 0)
        problem = cat("cannot read ", quote_value(config.s3.ca_bundle), ": ", std::strerror(errno));
      if (!problem.empty()) return config_error(where, problem);
    } else if (key == "s3.maxAttempts") {
      uint64_t attempts = 0;
      FERRY_CONFIG_TRY(attempts, read_uint(field.value, where, 1, 100));
      config.s3.max_attempts = static_cast<int>(attempts);
    } else if (key == "s3.initialBackoffMillis" || key == "s3.maxBackoffMillis") {
      uint64_t millis = 0;
      FERRY_CONFIG_TRY(millis, read_uint(field.value, where, 1, 600000));
      (key == "s3.maxBackoffMillis" ? config.s3.max_backoff_millis
                                    : config.s3.initial_backoff_millis) = static_cast<int>(millis);
    } else if (is_operations_key(key)) {
      const Status read = parse_operations_key(key, field.value, where, context.base_directory,
                                               config.operations, context.warnings);
      if (!read.ok()) return read.error();
    } else if (is_stream_service_key(key)) {
      const Status read = parse_stream_service_key(key, field.value, where, config.streams);
      if (!read.ok()) return read.error();
    } else if (is_cloudwatch_key(key)) {
      const Status read = parse_cloudwatch_key(key, field.value, where, cloudwatch);
      if (!read.ok()) return read.error();
    } else if (is_credential_key(key)) {
      const Status read = parse_credential_key(key, field.value, where, config.credentials);
      if (!read.ok()) return read.error();
    } else if (is_agent_key(key)) {
      const Status read = parse_agent_key(key, field.value, where, config, context.warnings);
      if (!read.ok()) return read.error();
    } else if (key == "log.level") {
      FERRY_CONFIG_TRY(config.log_level, read_log_level(field.value, where));
    } else if (key == "flows") {
      FERRY_CONFIG_TRY(config.flows, parse_flows(field.value, context));
      has_flows = true;
    } else {
      const Status checked = keys.unhandled(key, field.value);
      if (!checked.ok()) return checked.error();
    }
  }
  if (more_flows) {
    const Status added = more_flows(config.flows, context);
    if (!added.ok()) return added.error();
  }
  if (!has_flows && config.flows.empty()) return keys.missing("flows");
  config.cloudwatch = resolve_cloudwatch(cloudwatch, config.flows);
  if (config.s3.initial_backoff_millis > config.s3.max_backoff_millis)
    return config_error("s3.initialBackoffMillis",
                        cat("must not exceed s3.maxBackoffMillis (", config.s3.max_backoff_millis,
                            "), got ", config.s3.initial_backoff_millis));
  if (!has_region) {
    config.s3.region = region_from_environment();
    config.s3.region_is_default = config.s3.region.empty();
    if (config.s3.region_is_default) config.s3.region = "us-east-1";  // as the Kinesis Agent
  }
  const Status credentials = check_credential_keys(config.credentials);
  if (!credentials.ok()) return credentials.error();
  return Parsed{std::move(config), std::move(context.warnings), std::move(context.notes)};
}

}  // namespace

Result<Parsed> parse(std::string_view text) {
  return parse_document(text, "$", "");
}

Result<Parsed> load(const std::string& path) {
  Result<std::string> text = read_config_file(path);
  if (!text.ok()) return text.error();
  std::error_code error;
  const std::filesystem::path absolute = std::filesystem::absolute(path, error);
  if (error) return config_error(path, cat("cannot read: ", error.message()));
  const std::string agent_d = (absolute.parent_path() / "agent.d").string();
  Result<Parsed> parsed = parse_document(text.value(), path, absolute.parent_path().string(),
                                         [&](std::vector<Flow>& flows, ParseContext& context) {
                                           return add_agent_d_flows(agent_d, path, flows, context);
                                         });
  if (parsed.ok() && !parsed->config.credentials.secret_access_key.empty()) {
    if (auto warning = secret_file_warning(path, "", "awsSecretAccessKey"))
      parsed->warnings.push_back(std::move(*warning));
  }
  return parsed;
}

}  // namespace ferry::config
