// S3's 307 Temporary Redirect: where it may be followed (see the header).
#include "core/aws/s3_redirect.hpp"

#include <algorithm>
#include <cctype>

#include "core/text.hpp"

namespace ferry {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_aws_host(const std::string& host) {
  for (std::string_view domain : {".amazonaws.com", ".amazonaws.com.cn"})
    if (host.size() > domain.size() && host.ends_with(domain)) return true;
  return false;
}

}  // namespace

std::string s3_redirect_refusal(std::string_view endpoint_scheme, std::string_view endpoint_host,
                                std::string_view to_scheme, std::string_view to_host) {
  const std::string from = lower(endpoint_host), to = lower(to_host);
  if (lower(endpoint_scheme) != lower(to_scheme))
    return cat("it changes the scheme from ", endpoint_scheme, " to ", to_scheme);
  if (to.empty()) return "it names no host";
  const bool plain = std::all_of(to.begin(), to.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '[' || c == ']' || c == ':';
  });
  if (!plain) return "it names no valid host";
  const bool under =
      to.size() > from.size() + 1 && to.ends_with(from) && to[to.size() - from.size() - 1] == '.';
  if (to == from || under) return {};
  if (is_aws_host(from) && is_aws_host(to)) return {};
  return cat("it leads from ", endpoint_host, " to another host, ", to_host);
}

}  // namespace ferry
