// The credential provider chain, in the AWS SDKs' order, resolved once at start:
//   1. awsAccessKeyId / awsSecretAccessKey in agent.json
//   2. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN)
//   3. web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (+ AWS_ROLE_SESSION_NAME)
//   4. the shared files' profile (AWS_PROFILE or default)
//   5. the ECS/EKS container endpoint
//   6. EC2 instance metadata (IMDSv2)
// then, with assumeRoleARN, STS AssumeRole over whichever answered.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "io/aws/http_client.hpp"
#include "io/credentials/credentials_provider.hpp"

namespace ferry {

struct CredentialsSettings {
  std::string access_key_id;            // "awsAccessKeyId"
  std::string secret_access_key;        // "awsSecretAccessKey"
  std::string assume_role_arn;          // "assumeRoleARN"
  std::string assume_role_external_id;  // "assumeRoleExternalId"
  std::string sts_endpoint;             // "sts.endpoint"; empty: AWS_ENDPOINT_URL_STS or regional
  std::string region;                   // for STS

  // The HTTP keys of STS calls; none: STS defaults.
  std::optional<HttpClientOptions> http;

  // Equal settings resolve to the same source (the environment aside, which a process keeps).
  bool operator==(const CredentialsSettings&) const = default;
};

// The first source in the chain that yields credentials; an error naming every source tried
// (and why each gave nothing) when none does.
Result<std::shared_ptr<CredentialsProvider>> resolve_credentials(
    const CredentialsSettings& settings);

}  // namespace ferry

namespace ferry {

// `region` as configured; when it is only the default (no s3.region, AWS_REGION or
// AWS_DEFAULT_REGION), the EC2 instance's region if instance metadata answers.
std::string region_or_instance_region(const std::string& region, bool region_is_default);

}  // namespace ferry
