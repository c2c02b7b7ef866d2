// AWS STS calls that turn one identity into temporary credentials for a role: AssumeRole
// (signed with the caller's credentials) and AssumeRoleWithWebIdentity (an OIDC token, unsigned).
// Blocking; each call makes its own connection (they are rare). Any thread.
#pragma once

#include <optional>
#include <string>

#include "core/aws/aws_credentials.hpp"
#include "core/result.hpp"
#include "io/aws/http_client.hpp"

namespace ferry {

struct StsEndpoint {
  std::string url;     // "https://sts.<region>.amazonaws.com" unless overridden
  std::string region;  // signing region
  // The configuration's HTTP keys (connect and socket timeouts, user agent, ...); none: a 5 s
  // connect timeout. Each call still ends within 30 s.
  std::optional<HttpClientOptions> http;
};

// `configured` (sts.endpoint), else $AWS_ENDPOINT_URL_STS, else the regional AWS endpoint.
StsEndpoint sts_endpoint(const std::string& configured, const std::string& region);

struct AssumeRoleRequest {
  std::string role_arn;
  std::string session_name;  // empty: "ferry-<unix time>"
  std::string external_id;   // optional (AssumeRole only)
};

Result<ExpiringCredentials> sts_assume_role(const StsEndpoint& endpoint,
                                            const AssumeRoleRequest& request,
                                            const AwsCredentials& caller);

// `web_identity_token` is read by the caller (from AWS_WEB_IDENTITY_TOKEN_FILE, at each call:
// the file is rotated).
Result<ExpiringCredentials> sts_assume_role_with_web_identity(
    const StsEndpoint& endpoint, const AssumeRoleRequest& request,
    const std::string& web_identity_token);

}  // namespace ferry
