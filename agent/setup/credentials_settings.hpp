// The credential chain's settings (io/credentials/credentials_chain.hpp) from agent.json: the credential
// keys, the HTTP keys for STS, and the region STS is called in.
#pragma once

#include <string>

#include "agent/config/config.hpp"
#include "io/credentials/credentials_chain.hpp"

namespace ferry {

CredentialsSettings credentials_settings(const config::Config& config, const std::string& region);

}  // namespace ferry
