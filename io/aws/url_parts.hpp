// A URL split by libcurl's own URL parser (curl_url), the one that will make the request: so a
// check on the host is a check on the host curl connects to. Any thread.
#pragma once

#include <string>
#include <string_view>

#include "core/aws/container_uri_policy.hpp"  // ParsedUri
#include "core/result.hpp"

namespace ferry {

struct UrlParts {
  ParsedUri parsed;   // scheme (lower case), host, whether there is a user/password/options part
  std::string port;   // as written; empty when the URL names none
  std::string path;   // as written (still URI-encoded); "/" when the URL has none
  std::string query;  // as written, without '?'; empty when none
  std::string url;    // curl's normalized form of the whole URL: what to request

  // host[:port]: the Host header of a request to this URL.
  std::string authority() const;
};

// The parts of curl's normalized form of `url`, read again until that form reads back as itself
// (a percent-encoded host is written decoded, and may then read differently): `parsed.host` is
// the host of UrlParts::url, the URL to request. An error (curl's reason) for anything curl would
// not request: no scheme, an unsupported scheme, a malformed host or port, control characters,
// a form that does not settle.
Result<UrlParts> parse_url(std::string_view url);

}  // namespace ferry
