// agent.json to the credential chain's settings (see credentials_settings.hpp).
#include "agent/setup/credentials_settings.hpp"

#include "agent/setup/http_options.hpp"

namespace ferry {

CredentialsSettings credentials_settings(const config::Config& config, const std::string& region) {
  const config::AwsCredentialKeys& keys = config.credentials;
  return CredentialsSettings{keys.access_key_id,       keys.secret_access_key,
                             keys.assume_role_arn,     keys.assume_role_external_id,
                             keys.sts_endpoint,        region,
                             http_options(config.http)};
}

}  // namespace ferry
