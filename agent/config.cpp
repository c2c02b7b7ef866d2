// agent.json to Config (see config.hpp): comments stripped, JSON parsed with simdjson's DOM, then
// the top-level keys here and each flow in config_flow.cpp. Runs once at startup, on one thread.
#include "agent/config.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>

#include "agent/config_credentials.hpp"
#include "agent/config_operations.hpp"
#include "agent/config_keys.hpp"
#include "agent/config_rules.hpp"
#include "agent/config_sections.hpp"
#include "agent/config_values.hpp"
#include "agent/json_comments.hpp"
#include "agent/json_syntax.hpp"
#include "core/text.hpp"
#include "io/unique_fd.hpp"

namespace ferry::config {
namespace {

constexpr std::array<std::string_view, 4> kLogLevels = {"debug", "info", "warn", "error"};
constexpr LogLevel kLogLevelValues[] = {LogLevel::debug, LogLevel::info, LogLevel::warn,
                                        LogLevel::error};

// A configuration is a few kilobytes; anything this large is the wrong file.
constexpr off_t kMaxConfigBytes = 16 << 20;

// The AWS SDKs' order: AWS_REGION, then AWS_DEFAULT_REGION; empty when neither is set (empty
// variables count as unset).
std::string region_from_environment() {
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && value[0] != '\0') return value;
  }
  return "";
}

Result<element> parse_json(simdjson::dom::parser& parser, const simdjson::padded_string& text,
                           std::string_view source) {
  element root;
  const simdjson::error_code error = parser.parse(text).get(root);
  if (error == simdjson::SUCCESS) return root;
  std::string problem = cat("invalid JSON: ", simdjson::error_message(error));
  const std::string_view view(text.data(), text.size());
  const std::size_t offset = first_json_syntax_error(view);
  if (offset != std::string_view::npos) {
    const TextPosition where = position_of(view, offset);
    problem.append(cat(" near line ", where.line, ", column ", where.column));
  }
  return config_error(source, problem);
}

Status check_unique_names(const std::vector<Flow>& flows) {
  std::map<std::string_view, std::size_t> first_use;
  for (std::size_t i = 0; i < flows.size(); ++i) {
    const auto [it, inserted] = first_use.emplace(flows[i].name, i);
    if (!inserted) {
      return config_error(key_path(index_path("flows", i), "name"),
                          cat("flow name ", quote_value(flows[i].name), " is already used by ",
                              index_path("flows", it->second),
                              "; flow names must be unique (unnamed flows are flow1, flow2, ...)"));
    }
  }
  return Ok{};
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
  const Status unique = check_unique_names(flows);
  if (!unique.ok()) return unique.error();
  return flows;
}

// `source` names the text in JSON syntax errors: the file, or `$`.
Result<Parsed> parse_document(std::string_view text, std::string_view source,
                              std::string base_directory) {
  Result<std::string> stripped = strip_json_comments(text);
  if (!stripped.ok()) return config_error(source, stripped.error().message);
  const simdjson::padded_string padded(stripped.value());
  simdjson::dom::parser parser;
  element root;
  FERRY_CONFIG_TRY(root, parse_json(parser, padded, source));
  const Status unique = check_duplicate_keys(root, "");
  if (!unique.ok()) return unique.error();
  object fields;
  FERRY_CONFIG_TRY(fields, read_object(root, ""));

  ParseContext context{std::move(base_directory), {}};
  Config config;
  KeyChecker keys(kRootKeys, "", context.warnings);
  bool has_region = false;
  bool has_flows = false;
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
      const Status read =
          parse_operations_key(key, field.value, where, config.operations, context.warnings);
      if (!read.ok()) return read.error();
    } else if (is_credential_key(key)) {
      const Status read = parse_credential_key(key, field.value, where, config.credentials);
      if (!read.ok()) return read.error();
    } else if (key == "log.level") {
      std::size_t choice = 0;
      FERRY_CONFIG_TRY(choice, read_choice(field.value, where, kLogLevels));
      config.log_level = kLogLevelValues[choice];
    } else if (key == "flows") {
      FERRY_CONFIG_TRY(config.flows, parse_flows(field.value, context));
      has_flows = true;
    } else {
      keys.unhandled(key);
    }
  }
  if (!has_flows) return keys.missing("flows");
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
  return Parsed{std::move(config), std::move(context.warnings)};
}

}  // namespace

Result<Parsed> parse(std::string_view text) {
  return parse_document(text, "$", "");
}

Result<Parsed> load(const std::string& path) {
  const auto cannot_read = [&path](std::string_view why) {
    return config_error(path, cat("cannot read: ", why));
  };
  const auto too_large = [&] {
    return cannot_read(cat("larger than ", kMaxConfigBytes >> 20,
                           " MiB, which no configuration needs; is this the right file?"));
  };
  const UniqueFd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!file.valid()) return cannot_read(std::strerror(errno));
  struct stat info {};
  if (::fstat(file.get(), &info) != 0) return cannot_read(std::strerror(errno));
  if (S_ISREG(info.st_mode) && info.st_size > kMaxConfigBytes) return too_large();
  std::string text;
  char buffer[65536];
  while (true) {
    const ssize_t n = ::read(file.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return cannot_read(std::strerror(errno));
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > static_cast<std::size_t>(kMaxConfigBytes)) return too_large();
  }
  std::error_code error;
  const std::filesystem::path absolute = std::filesystem::absolute(path, error);
  if (error) return cannot_read(error.message());
  return parse_document(text, path, absolute.parent_path().string());
}

}  // namespace ferry::config
