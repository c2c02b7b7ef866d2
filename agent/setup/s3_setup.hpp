// How a configuration reaches AWS: the region in effect and the credential chain, resolved once,
// and the S3 client options (endpoint, retries, HTTP keys, CA bundle). Shared by the pipeline and
// the permission probe. Any thread.
#pragma once

#include <memory>
#include <string>

#include "agent/config/config.hpp"
#include "core/result.hpp"
#include "io/credentials/credentials_provider.hpp"
#include "io/aws/s3_client.hpp"

namespace ferry {

struct AwsAccess {
  std::string region;  // s3.region, AWS_REGION / AWS_DEFAULT_REGION, the instance's, us-east-1
  std::shared_ptr<CredentialsProvider> credentials;
};
Result<AwsAccess> resolve_aws_access(const config::Config& config);

// Validated S3 client options of `config` signed with `access` (no retry hook, a clock offset
// of their own).
Result<S3ClientOptions> s3_client_options(const config::Config& config, const AwsAccess& access);

}  // namespace ferry
