// The provider chain (see the header): each source either is not configured (skipped, with the
// reason) or is fetched once; the first that answers becomes the provider.
#include "io/credentials/credentials_chain.hpp"

#include <optional>
#include <vector>

#include "core/observe/log.hpp"
#include "core/text.hpp"
#include "io/credentials/credentials_env.hpp"
#include "io/credentials/credentials_metadata.hpp"
#include "io/credentials/credentials_profile.hpp"
#include "io/credentials/credentials_sts.hpp"
#include "io/small_file.hpp"

namespace ferry {
namespace {

using Fetch = CredentialsProvider::Fetch;

// One link of the chain: a fetch when the source is configured, else why it is skipped.
struct Link {
  std::string name;
  Fetch fetch;
  std::string skipped;
};

Link config_keys(const CredentialsSettings& settings) {
  Link link{"agent.json awsAccessKeyId/awsSecretAccessKey", {}, {}};
  if (settings.access_key_id.empty()) {
    link.skipped = "not set";
    return link;
  }
  ExpiringCredentials keys{{settings.access_key_id, settings.secret_access_key, ""}, {}};
  link.fetch = [keys] { return Result<ExpiringCredentials>(keys); };
  return link;
}

Link environment_keys() {
  Link link{"environment AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY", {}, {}};
  ExpiringCredentials keys{{env_value("AWS_ACCESS_KEY_ID"), env_value("AWS_SECRET_ACCESS_KEY"),
                            env_value("AWS_SESSION_TOKEN")},
                           {}};
  if (keys.credentials.access_key_id.empty() && keys.credentials.secret_access_key.empty()) {
    link.skipped = "not set";
  } else if (keys.credentials.access_key_id.empty() || keys.credentials.secret_access_key.empty()) {
    link.fetch = [] {
      return Result<ExpiringCredentials>(
          make_error("only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set"));
    };
  } else {
    link.fetch = [keys] { return Result<ExpiringCredentials>(keys); };
  }
  return link;
}

Link web_identity(const StsEndpoint& sts) {
  Link link{"web identity AWS_WEB_IDENTITY_TOKEN_FILE/AWS_ROLE_ARN", {}, {}};
  const std::string token_file = env_value("AWS_WEB_IDENTITY_TOKEN_FILE");
  const std::string role_arn = env_value("AWS_ROLE_ARN");
  if (token_file.empty() || role_arn.empty()) {
    link.skipped = "not set";
    return link;
  }
  const AssumeRoleRequest role{role_arn, env_value("AWS_ROLE_SESSION_NAME"), ""};
  link.fetch = [sts, role, token_file]() -> Result<ExpiringCredentials> {
    Result<std::optional<std::string>> token =
        read_small_file(token_file, kMaxTokenFileBytes);  // rotated: re-read
    if (!token.ok()) return token.error();
    if (!token.value()) return make_error(cat(token_file, " does not exist"));
    return sts_assume_role_with_web_identity(sts, role, **token);
  };
  return link;
}

Link shared_files(const StsEndpoint& sts) {
  Link link{"shared files (~/.aws/credentials, ~/.aws/config)", {}, {}};
  Result<std::optional<ProfileSource>> source = profile_source_from_environment(sts);
  if (!source.ok()) {
    link.fetch = [error = source.error()] { return Result<ExpiringCredentials>(error); };
  } else if (!source.value()) {
    link.skipped = "no default profile";
  } else {
    link.name = cat("shared files ", (*source)->description);
    link.fetch = std::move((*source)->fetch);
  }
  return link;
}

Link container() {
  Link link{"container endpoint AWS_CONTAINER_CREDENTIALS_*_URI", {}, {}};
  const std::optional<ContainerEndpoint> endpoint = container_endpoint_from_environment();
  if (!endpoint) {
    link.skipped = "not set";
    return link;
  }
  link.fetch = [endpoint = *endpoint] { return fetch_container_credentials(endpoint); };
  return link;
}

Link instance_metadata() {
  Link link{"EC2 instance metadata (IMDSv2)", {}, {}};
  const std::optional<std::string> endpoint = instance_metadata_endpoint_from_environment();
  if (!endpoint) {
    link.skipped = "AWS_EC2_METADATA_DISABLED";
    return link;
  }
  link.name = cat("EC2 instance metadata (IMDSv2) at ", *endpoint);
  link.fetch = [endpoint = *endpoint] { return fetch_instance_credentials(endpoint); };
  return link;
}

}  // namespace

Result<std::shared_ptr<CredentialsProvider>> resolve_credentials(
    const CredentialsSettings& settings) {
  StsEndpoint sts = sts_endpoint(settings.sts_endpoint, settings.region);
  sts.http = settings.http;
  std::shared_ptr<CredentialsProvider> base;
  std::string tried;
  // Built one at a time: a later source is not even looked at once one answers.
  const std::vector<Link (*)(const CredentialsSettings&, const StsEndpoint&)> chain = {
      [](const CredentialsSettings& s, const StsEndpoint&) { return config_keys(s); },
      [](const CredentialsSettings&, const StsEndpoint&) { return environment_keys(); },
      [](const CredentialsSettings&, const StsEndpoint& e) { return web_identity(e); },
      [](const CredentialsSettings&, const StsEndpoint& e) { return shared_files(e); },
      [](const CredentialsSettings&, const StsEndpoint&) { return container(); },
      [](const CredentialsSettings&, const StsEndpoint&) { return instance_metadata(); },
  };
  for (const auto& make_link : chain) {
    Link link = make_link(settings, sts);
    if (!link.fetch) {
      tried.append(cat(tried.empty() ? " " : "; ", link.name, " (", link.skipped, ")"));
      continue;
    }
    Result<ExpiringCredentials> first = link.fetch();
    if (!first.ok()) {
      tried.append(cat(tried.empty() ? " " : "; ", link.name, ": ", first.error().message));
      continue;
    }
    FERRY_INFO(cat("credentials: from ", link.name,
                   first->expiration ? cat(" (temporary, they expire at ",
                                           format_amz_date(*first->expiration), ")")
                                     : std::string()));
    base =
        CredentialsProvider::refreshing(link.name, std::move(link.fetch), std::move(first.value()));
    break;
  }
  if (!base) return make_error(cat("no AWS credentials found; tried, in order:", tried));
  if (settings.assume_role_arn.empty()) return base;

  const AssumeRoleRequest role{settings.assume_role_arn, "", settings.assume_role_external_id};
  Fetch assume = [sts, role, base] { return sts_assume_role(sts, role, base->current()); };
  Result<ExpiringCredentials> first = assume();
  if (!first.ok()) {
    return make_error(cat("assumeRoleARN ", settings.assume_role_arn, " (with credentials from ",
                          base->source(), "): ", first.error().message));
  }
  const std::string name =
      cat("assumeRoleARN ", settings.assume_role_arn, " over ", base->source());
  FERRY_INFO(cat("credentials: from ", name, " (temporary, they expire at ",
                 first->expiration ? format_amz_date(*first->expiration) : std::string("never"),
                 ")"));
  return CredentialsProvider::refreshing(name, std::move(assume), std::move(first.value()));
}

}  // namespace ferry

namespace ferry {

std::string region_or_instance_region(const std::string& region, bool region_is_default) {
  if (!region_is_default) return region;
  const std::optional<std::string> endpoint = instance_metadata_endpoint_from_environment();
  if (!endpoint) return region;
  Result<std::string> instance_region = fetch_instance_region(*endpoint);
  if (!instance_region.ok() || instance_region->empty()) {
    FERRY_DEBUG(cat(
        "region: ", region, " (no s3.region, AWS_REGION or AWS_DEFAULT_REGION; ",
        instance_region.ok() ? std::string("empty answer") : instance_region.error().message, ")"));
    return region;
  }
  FERRY_INFO(cat("region: ", *instance_region, " (from the EC2 instance metadata)"));
  return std::move(instance_region.value());
}

}  // namespace ferry
