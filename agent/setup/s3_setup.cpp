// AWS access and S3 client options of a configuration (see the header).
#include "agent/setup/s3_setup.hpp"

#include "agent/setup/credentials_settings.hpp"
#include "agent/setup/http_options.hpp"
#include "io/credentials/credentials_chain.hpp"

namespace ferry {

Result<AwsAccess> resolve_aws_access(const config::Config& config) {
  AwsAccess access;
  access.region = region_or_instance_region(config.s3.region, config.s3.region_is_default);
  auto resolved = resolve_credentials(credentials_settings(config, access.region));
  if (!resolved) return resolved.error();
  access.credentials = std::move(resolved.value());
  return access;
}

Result<S3ClientOptions> s3_client_options(const config::Config& config, const AwsAccess& access) {
  S3ClientOptions options;
  options.endpoint = config.s3.endpoint;
  options.region = access.region;
  options.force_path_style = config.s3.force_path_style;
  options.max_attempts = config.s3.max_attempts;
  options.initial_backoff_millis = config.s3.initial_backoff_millis;
  options.max_backoff_millis = config.s3.max_backoff_millis;
  options.http = http_options(config.http);
  options.http.ca_file = config.s3.ca_bundle;
  options.credentials_provider = access.credentials;
  options.clock_offset = std::make_shared<ClockOffset>();
  if (auto status = validate_s3_options(options); !status) return status.error();
  return options;
}

}  // namespace ferry
