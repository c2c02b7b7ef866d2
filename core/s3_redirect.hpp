// S3's 307 Temporary Redirect (a new bucket's DNS not yet everywhere: S3 names the regional
// host in Location). Followed once per request, re-signed for the new host, and only where the
// signed request and its body may go: the same scheme, and the endpoint's own host (another
// port) or one under it (a bucket's virtual host) or, from an AWS endpoint, another AWS host.
// Anything else is an error naming the host.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ferry {

// Where a redirected request goes: a Location URL in curl's normalized form, split.
struct RedirectTarget {
  std::string scheme;     // "https"
  std::string authority;  // host[:port], the Host header to sign
  std::string path;       // "/" or the URI-encoded path as S3 sent it
  std::string query;      // without '?', possibly empty
};

// Splits a normalized absolute URL ("scheme://authority/path?query#fragment"); nullopt if it
// is not one (no "://", an empty authority, userinfo in it).
std::optional<RedirectTarget> split_redirect_url(std::string_view url);

// Hosts without port, any case. An empty string if the redirect may be followed, else why not.
std::string s3_redirect_refusal(std::string_view endpoint_scheme, std::string_view endpoint_host,
                                std::string_view to_scheme, std::string_view to_host);

}  // namespace ferry
