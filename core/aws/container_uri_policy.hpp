// Where ferry may send the container authorization token: the decision over a URI already
// split by a URL parser (libcurl's, io/aws/url_parts.hpp, the same one that then makes the
// request). Pure function over outside bytes, any thread.
//
// Refused: any user or password in the URI (http://127.0.0.1@192.0.2.2/ names host 192.0.2.2,
// not 127.0.0.1), a scheme other than http or https, and plain http to anything but a loopback
// address (127.0.0.0/8, ::1, localhost) or the ECS/EKS agents the AWS SDKs allow
// (169.254.170.2, 169.254.170.23, fd00:ec2::23): plain http carries the token in clear.
#pragma once

#include <string>
#include <string_view>

namespace ferry {

struct ParsedUri {
  std::string scheme;         // lower case, as the parser gives it ("http")
  std::string host;           // as the parser gives it: "127.0.0.1", "localhost", "[::1]"
  bool has_userinfo = false;  // a user, password or login options part
};

// Empty when the token may be sent to this URI; else why not (a sentence without the URI).
std::string container_uri_problem(const ParsedUri& uri);

// Whether `host` is a loopback or ECS/EKS agent address as above ("[::1]" or "::1" alike).
bool is_plain_http_credentials_host(std::string_view host);

}  // namespace ferry
