// The Kinesis Agent's agent-level keys that tune ferry as a process (internal to
// agent/config/config.cpp): "checkpointTimeToLiveDays", "shutdownTimeoutMillis", the HTTP client keys
// ("connectionTimeoutMillis", "socketTimeoutMillis", "connectionTTLMillis", "useTcpKeepAlive",
// "userAgentOverride") and the refused "userDefinedCredentialsProvider.*" keys.
#pragma once

#include <string_view>

#include "agent/config/config.hpp"
#include "agent/config/config_values.hpp"

namespace ferry::config {

bool is_agent_key(std::string_view key);

// One key at `path` into `config`.
Status parse_agent_key(std::string_view key, element value, std::string_view path, Config& config,
                       std::vector<std::string>& warnings);

}  // namespace ferry::config
