// The process's AWS access by user (see aws_access_cache.hpp).
#include "agent/setup/aws_access_cache.hpp"

#include "agent/setup/credentials_settings.hpp"
#include "core/observe/log.hpp"
#include "core/text.hpp"

namespace ferry {

Result<AwsAccess> AwsAccessCache::access(const config::Config& config, const std::string& user) {
  std::shared_ptr<CredentialsProvider> retired;  // released after the lock: joins its refresher
  std::lock_guard lock(mutex_);
  const auto region_key = std::make_pair(config.s3.region, config.s3.region_is_default);
  auto region = regions_.find(region_key);
  if (region == regions_.end()) {
    region = regions_
                 .emplace(region_key,
                          region_or_instance_region(config.s3.region, config.s3.region_is_default))
                 .first;
  }
  AwsAccess access{region->second, nullptr};
  const CredentialsSettings settings = credentials_settings(config, access.region);

  const auto own = held_.find(user);
  if (own != held_.end() && own->second.settings == settings) {
    FERRY_DEBUG(cat("credentials: ", user, " keeps those from ", own->second.provider->source()));
    access.credentials = own->second.provider;
    return access;
  }
  for (const auto& [other, held] : held_) {
    if (other == user || !(held.settings == settings)) continue;
    FERRY_INFO(cat("credentials: ", user, " shares those of ", other, " (from ",
                   held.provider->source(), ")"));
    access.credentials = held.provider;
    break;
  }
  if (!access.credentials) {
    auto resolved = resolve_credentials(settings);
    if (!resolved) return resolved.error();
    access.credentials = std::move(resolved.value());
  }
  if (own != held_.end()) {
    FERRY_INFO(cat("credentials: the credential keys, the region or the HTTP keys changed: ", user,
                   " now uses those from ", access.credentials->source(), " instead of those from ",
                   own->second.provider->source()));
    retired = std::exchange(own->second.provider, access.credentials);
    own->second.settings = settings;
  } else {
    held_.emplace(user, Held{settings, access.credentials});
  }
  return access;
}

}  // namespace ferry
