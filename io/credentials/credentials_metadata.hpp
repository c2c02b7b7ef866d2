// The two metadata endpoints that hand out credentials over plain HTTP: the ECS/EKS container
// endpoint and the EC2 instance metadata service (IMDSv2). Blocking, short timeouts (they are
// link-local services); each call makes its own connection. Any thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/aws/aws_credentials.hpp"
#include "core/aws/ec2_identity.hpp"
#include "core/result.hpp"

namespace ferry {

// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on http://169.254.170.2) or ..._FULL_URI, with
// AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (re-read at each call) or ..._TOKEN; nullopt when
// neither URI is set. A FULL_URI over plain http must name a loopback or ECS/EKS address.
struct ContainerEndpoint {
  std::string url;
  std::string token_file;
  std::string token;
};
std::optional<ContainerEndpoint> container_endpoint_from_environment();
Result<ExpiringCredentials> fetch_container_credentials(const ContainerEndpoint& endpoint);

// AWS_EC2_METADATA_SERVICE_ENDPOINT or http://169.254.169.254; nullopt when
// AWS_EC2_METADATA_DISABLED is "true".
std::optional<std::string> instance_metadata_endpoint_from_environment();
// IMDSv2: a session token (PUT /latest/api/token), the instance's role, then its credentials.
Result<ExpiringCredentials> fetch_instance_credentials(const std::string& endpoint);
// GETs each of `paths` ("/latest/meta-data/instance-id", "/latest/dynamic/instance-identity/
// document", ...) under one IMDSv2 session token; the bodies as served, in order.
Result<std::vector<std::string>> fetch_instance_metadata(const std::string& endpoint,
                                                         const std::vector<std::string>& paths);
// One IMDSv2 session token, then `use` makes GETs under it: a 200's body, nullopt for a 404,
// an error (naming the path) otherwise. Returns `use`'s result, or the token's error.
Status with_instance_metadata_session(const std::string& endpoint,
                                      const std::function<Status(const InstanceMetadataGet&)>& use);
// The instance's region (placement/region), for when neither agent.json nor the environment
// names one.
Result<std::string> fetch_instance_region(const std::string& endpoint);

}  // namespace ferry
