// libFuzzer target for S3's 307 Location header: outside bytes, split by libcurl's URL parser
// (io/url_parts) and then by core/s3_redirect, then judged. Whatever the input: no crash; a
// split target has an authority without userinfo and a path starting with '/'; a redirect the
// policy accepts keeps the endpoint's scheme and stays on its host, under it, or within AWS.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/s3_redirect.hpp"
#include "io/url_parts.hpp"

namespace {

void check(const std::optional<ferry::RedirectTarget>& to) {
  if (!to) return;
  if (to->authority.empty() || to->authority.find('@') != std::string::npos) std::abort();
  if (to->path.empty() || to->path[0] != '/') std::abort();
  const std::string_view raw_host =
      std::string_view(to->authority).substr(0, to->authority.find(':'));
  std::string host(raw_host);  // the policy compares hosts in any case
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view endpoint : {"127.0.0.1", "s3.us-east-1.amazonaws.com"}) {
    if (!ferry::s3_redirect_refusal("http", endpoint, to->scheme, raw_host).empty()) continue;
    if (to->scheme != "http") std::abort();
    for (unsigned char c : host)
      if (!std::isalnum(c) && c != '-' && c != '.' && c != '[' && c != ']') std::abort();
    const bool aws = host.ends_with(".amazonaws.com") || host.ends_with(".amazonaws.com.cn");
    if (host != endpoint && !host.ends_with(endpoint) && !aws) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check(ferry::split_redirect_url(text));  // the raw bytes too
  const ferry::Result<ferry::UrlParts> parts = ferry::parse_url(text);
  if (parts.ok()) check(ferry::split_redirect_url(parts->url));
  return 0;
}
