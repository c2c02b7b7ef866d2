// Agent-level keys of agent.json (see config_agent.hpp).
#include "agent/config/config_agent.hpp"

#include <limits>

#include "core/assert.hpp"
#include "core/text.hpp"

namespace ferry::config {
namespace {

constexpr uint64_t kMaxTimeoutMillis = 3'600'000;
constexpr std::string_view kUserProviderPrefix = "userDefinedCredentialsProvider.";

// "connectionTTLMillis": milliseconds, or -1 (the AWS SDK's "no limit"), which is 0 here.
Result<uint64_t> read_ttl_millis(element value, std::string_view path) {
  int64_t number = 0;
  if (value.get_int64().get(number) == simdjson::SUCCESS && number == -1) return uint64_t{0};
  std::string_view text;
  if (value.get_string().get(text) == simdjson::SUCCESS && text == "-1") return uint64_t{0};
  return read_uint(value, path, 0, 86'400'000);
}

// An SDK timeout: 0 is the Java SDK's "none", which ferry does not run (every request has a
// deadline): it keeps `default_millis`, with a warning; beyond an hour is read as an hour.
Result<uint64_t> read_timeout(element value, std::string_view path, uint64_t default_millis,
                              std::vector<std::string>& warnings) {
  uint64_t millis = 0;
  FERRY_CONFIG_TRY(millis, read_uint(value, path, 0, std::numeric_limits<uint64_t>::max()));
  if (millis == 0) {
    warnings.push_back(cat("config: ", path, ": 0 (no timeout, for the Kinesis Agent's SDK) keeps ",
                           "ferry's ", default_millis, " ms: every request has a deadline"));
    return default_millis;
  }
  return read_uint_clamped(value, path, 1, kMaxTimeoutMillis, "at most an hour", warnings);
}

// User agents go into a header line: printable ASCII only.
std::string check_user_agent(std::string_view agent) {
  if (agent.size() > 256) return cat("must be at most 256 characters, got ", agent.size());
  for (const char c : agent) {
    if (c < 0x20 || c > 0x7e)
      return cat("must be printable ASCII (it is an HTTP header), got ", quote_value(agent));
  }
  return {};
}

}  // namespace

bool is_agent_key(std::string_view key) {
  return key == "checkpointTimeToLiveDays" || key == "shutdownTimeoutMillis" ||
         key == "connectionTimeoutMillis" || key == "socketTimeoutMillis" ||
         key == "connectionTTLMillis" || key == "useTcpKeepAlive" || key == "userAgentOverride" ||
         key == "userAgent" || key.starts_with(kUserProviderPrefix);
}

Status parse_agent_key(std::string_view key, element value, std::string_view path, Config& config,
                       std::vector<std::string>& warnings) {
  HttpTuning& http = config.http;
  if (key.starts_with(kUserProviderPrefix)) {
    return config_error(
        path,
        "ferry cannot load Java classes; for credentials from your own program, name it as "
        "credential_process in a profile of the AWS shared config file (~/.aws/config, "
        "docs/credentials.md) and remove the userDefinedCredentialsProvider keys");
  }
  if (key == "checkpointTimeToLiveDays") {
    FERRY_CONFIG_TRY(config.checkpoint_ttl_days, read_uint(value, path, 1, 36500));
  } else if (key == "shutdownTimeoutMillis") {
    FERRY_CONFIG_TRY(config.shutdown_timeout_millis, read_uint(value, path, 1, kMaxTimeoutMillis));
  } else if (key == "connectionTimeoutMillis") {
    FERRY_CONFIG_TRY(http.connection_timeout_millis,
                     read_timeout(value, path, http.connection_timeout_millis, warnings));
  } else if (key == "socketTimeoutMillis") {
    FERRY_CONFIG_TRY(http.socket_timeout_millis,
                     read_timeout(value, path, http.socket_timeout_millis, warnings));
  } else if (key == "connectionTTLMillis") {
    FERRY_CONFIG_TRY(http.connection_ttl_millis, read_ttl_millis(value, path));
  } else if (key == "useTcpKeepAlive") {
    FERRY_CONFIG_TRY(http.tcp_keepalive, read_bool(value, path));
  } else {
    FERRY_ASSERT(key == "userAgentOverride" || key == "userAgent");
    std::string& agent = key == "userAgent" ? http.user_agent_prefix : http.user_agent;
    FERRY_CONFIG_TRY(agent, read_string(value, path));
    if (key == "userAgent") agent = std::string(trim_whitespace(agent));  // as the Java agent
    const std::string problem = check_user_agent(agent);
    if (!problem.empty()) return config_error(path, problem);
  }
  return Ok{};
}

}  // namespace ferry::config
