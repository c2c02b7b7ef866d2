// Endpoint keys to URL, Host and signing region (see aws_endpoint.hpp).
#include "core/aws/aws_endpoint.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace ferry {
namespace {

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == ':' || c == '[' || c == ']';
}

// "<service>[-fips].<region>.amazonaws.com[.cn]" → region; "" for other hosts.
std::string region_of_aws_host(std::string_view host, std::string_view service) {
  const size_t colon = host.find(':');
  if (colon != std::string_view::npos) host = host.substr(0, colon);
  for (std::string_view suffix : {".amazonaws.com.cn", ".amazonaws.com"}) {
    if (!host.ends_with(suffix)) continue;
    std::string_view rest = host.substr(0, host.size() - suffix.size());
    const size_t dot = rest.find('.');
    if (dot == std::string_view::npos) return {};
    std::string_view first = rest.substr(0, dot);
    if (first.ends_with("-fips")) first.remove_suffix(5);
    if (first != service) return {};
    return std::string(rest.substr(dot + 1));
  }
  return {};
}

}  // namespace

Result<AwsEndpoint> resolve_aws_endpoint(std::string_view configured, std::string_view service,
                                         std::string_view region_override,
                                         std::string_view default_region) {
  std::string_view scheme = "https";
  std::string_view rest = configured;
  if (const size_t sep = rest.find("://"); sep != std::string_view::npos) {
    scheme = rest.substr(0, sep);
    if (scheme != "http" && scheme != "https")
      return make_error(cat("must start with http:// or https://, got \"", configured, "\""));
    rest = rest.substr(sep + 3);
  }
  if (rest.ends_with('/')) rest.remove_suffix(1);
  std::string host;
  if (configured.empty()) {
    const std::string_view region = region_override.empty() ? default_region : region_override;
    host = cat(service, ".", region, ".amazonaws.com");
  } else {
    if (rest.empty()) return make_error(cat("has no host name, got \"", configured, "\""));
    if (!std::all_of(rest.begin(), rest.end(), is_host_char))
      return make_error(
          cat("must be a host name or a URL without a path, got \"", configured, "\""));
    host = std::string(rest);
  }
  std::string region(region_override);
  if (region.empty()) region = region_of_aws_host(host, service);
  if (region.empty()) region = std::string(default_region);
  if (region.empty()) return make_error("no region to sign with");
  return AwsEndpoint{cat(scheme, "://", host), host, std::move(region)};
}

bool is_aws_region_name(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::string implied_region_warning(std::string_view endpoint_key, std::string_view configured,
                                   std::string_view region_override, std::string_view region) {
  if (!configured.empty() || !region_override.empty() || region.empty() ||
      region == kKinesisAgentServiceRegion)
    return {};
  return cat("config: ", endpoint_key, " is not set: calls go to ", kKinesisAgentServiceRegion,
             ", as the Kinesis Agent's do, not to ", region, " (the region in effect for S3); set ",
             endpoint_key, " to reach another region");
}

}  // namespace ferry
