// The shared files' source: a profile of ~/.aws/credentials and ~/.aws/config
// (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE, AWS_PROFILE) with static keys, role_arn +
// source_profile (STS AssumeRole over the source profile), web_identity_token_file + role_arn,
// or credential_process. Read once at start; the fetch it returns may be called from any thread.
#pragma once

#include <optional>
#include <string>

#include "core/result.hpp"
#include "io/credentials/credentials_provider.hpp"
#include "io/credentials/credentials_sts.hpp"

namespace ferry {

struct ProfileSource {
  std::string description;  // "profile prod (role_arn over profile base)", no secret
  CredentialsProvider::Fetch fetch;
};

// nullopt when neither file holds the profile (AWS_PROFILE unset: "default"); an error when
// AWS_PROFILE names a profile they do not hold, a file cannot be parsed, or the profile holds
// no usable credentials.
Result<std::optional<ProfileSource>> profile_source_from_environment(const StsEndpoint& sts);

}  // namespace ferry
