// libFuzzer target for the container credentials URI check: AWS_CONTAINER_CREDENTIALS_FULL_URI
// is outside bytes, split by libcurl's URL parser (io/aws/url_parts) then judged by
// core/aws/container_uri_policy. Whatever the input: no crash, nothing with a user or password part
// is ever allowed, and plain http is allowed only to a loopback or ECS/EKS agent host, which
// the normalized URL (what is requested) parses back to.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/aws/container_uri_policy.hpp"
#include "io/aws/url_parts.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // The pure decision alone, on the raw bytes as a host.
  (void)ferry::is_plain_http_credentials_host(text);
  const ferry::Result<ferry::UrlParts> parts = ferry::parse_url(text);
  if (!parts.ok()) return 0;
  const std::string problem = ferry::container_uri_problem(parts->parsed);
  if (!problem.empty()) return 0;
  if (parts->parsed.has_userinfo) std::abort();
  if (parts->parsed.scheme != "http" && parts->parsed.scheme != "https") std::abort();
  if (parts->parsed.scheme == "http" && !ferry::is_plain_http_credentials_host(parts->parsed.host))
    std::abort();
  // What is requested is curl's normalized URL: it must be judged the same.
  const ferry::Result<ferry::UrlParts> again = ferry::parse_url(parts->url);
  if (!again.ok() || again->parsed.host != parts->parsed.host ||
      again->parsed.scheme != parts->parsed.scheme || again->parsed.has_userinfo)
    std::abort();
  return 0;
}
