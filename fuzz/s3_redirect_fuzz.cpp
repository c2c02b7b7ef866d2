// libFuzzer target for S3's 307 Location header: outside bytes, split by libcurl's URL parser
// (io/aws/url_parts, the parts the S3 client follows), then judged by core/aws/s3_redirect. Whatever the
// input: no crash; the parts have a host and a path starting with '/'; a redirect the policy
// accepts keeps the endpoint's scheme and stays on its host, under it, or within AWS.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/aws/s3_redirect.hpp"
#include "io/aws/url_parts.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ferry::Result<ferry::UrlParts> to = ferry::parse_url(text);
  if (!to.ok()) return 0;
  if (to->parsed.host.empty() || to->path.empty() || to->path[0] != '/') std::abort();
  if (to->authority().find('@') != std::string::npos && !to->parsed.has_userinfo) std::abort();
  std::string host(to->parsed.host);  // the policy compares hosts in any case
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view endpoint : {"127.0.0.1", "s3.us-east-1.amazonaws.com"}) {
    if (!ferry::s3_redirect_refusal("http", endpoint, to->parsed.scheme, to->parsed.host).empty())
      continue;
    if (to->parsed.scheme != "http") std::abort();
    for (unsigned char c : host)
      if (!std::isalnum(c) && c != '-' && c != '.' && c != '[' && c != ']' && c != ':')
        std::abort();
    const bool aws = host.ends_with(".amazonaws.com") || host.ends_with(".amazonaws.com.cn");
    if (host != endpoint && !host.ends_with(endpoint) && !aws) std::abort();
  }
  return 0;
}
