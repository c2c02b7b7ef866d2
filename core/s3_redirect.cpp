// S3's 307 Temporary Redirect: where it may be followed (see the header).
#include "core/s3_redirect.hpp"

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

std::optional<RedirectTarget> split_redirect_url(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return std::nullopt;
  RedirectTarget target;
  target.scheme = lower(url.substr(0, scheme_end));
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find('#'));
  const size_t authority_end = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, authority_end);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
  target.authority = std::string(authority);
  rest = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  const size_t query_start = rest.find('?');
  target.path = std::string(rest.substr(0, query_start));
  if (target.path.empty()) target.path.push_back('/');  // (= "/" trips g++ 12 -Wrestrict)
  if (query_start != std::string_view::npos)
    target.query = std::string(rest.substr(query_start + 1));
  return target;
}

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
