// The Kinesis Agent's credential keys of agent.json (awsAccessKeyId, awsSecretAccessKey,
// assumeRoleARN, assumeRoleExternalId, sts.endpoint) into AwsCredentialKeys. Internal to
// agent/config/config.cpp; pure functions. Messages never quote a key's value.
#pragma once

#include <string_view>

#include "agent/config/config.hpp"
#include "agent/config/config_values.hpp"

namespace ferry::config {

bool is_credential_key(std::string_view key);

// One key at `path` into `keys`.
Status parse_credential_key(std::string_view key, element value, std::string_view path,
                            AwsCredentialKeys& keys);

// What the keys need of each other: both halves of a key pair, and an ARN under the external id.
Status check_credential_keys(const AwsCredentialKeys& keys);

}  // namespace ferry::config
