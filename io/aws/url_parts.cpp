// curl_url wrapper (see the header): one CURLU handle owned by a unique_ptr, its strings by
// another; nothing leaks on any return.
#include "io/aws/url_parts.hpp"

#include <curl/curl.h>

#include <memory>

#include "core/text.hpp"

namespace ferry {
namespace {

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlStringDeleter {
  void operator()(char* text) const { curl_free(text); }
};
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

// The part, or an empty string with `present` false when the URL has none.
CURLUcode get_part(CURLU* url, CURLUPart part, std::string& out, bool& present) {
  char* raw = nullptr;
  const CURLUcode code = curl_url_get(url, part, &raw, 0);
  const CurlString owned(raw);
  present = code == CURLUE_OK;
  out = present && owned ? std::string(owned.get()) : std::string();
  return code;
}

// One pass of curl's parser over `text`; parts.url is curl's normalized form of it.
Result<UrlParts> parse_once(std::string_view text) {
  const std::unique_ptr<CURLU, UrlDeleter> url(curl_url());
  if (!url) return make_error("out of memory parsing a URL");
  const std::string input(text);  // curl wants a NUL-terminated string
  if (input.find('\0') != std::string::npos) return make_error("the URL holds a NUL byte");
  const CURLUcode set = curl_url_set(url.get(), CURLUPART_URL, input.c_str(), 0);
  if (set != CURLUE_OK) return make_error(cat("not a valid URL: ", curl_url_strerror(set)));

  UrlParts parts;
  bool present = false;
  if (get_part(url.get(), CURLUPART_SCHEME, parts.parsed.scheme, present) != CURLUE_OK)
    return make_error("the URL has no scheme");
  if (get_part(url.get(), CURLUPART_HOST, parts.parsed.host, present) != CURLUE_OK)
    return make_error("the URL has no host");
  for (const CURLUPart part : {CURLUPART_USER, CURLUPART_PASSWORD, CURLUPART_OPTIONS}) {
    std::string ignored;
    get_part(url.get(), part, ignored, present);
    parts.parsed.has_userinfo = parts.parsed.has_userinfo || present;
  }
  get_part(url.get(), CURLUPART_PORT, parts.port, present);
  get_part(url.get(), CURLUPART_PATH, parts.path, present);
  if (parts.path.empty()) parts.path.push_back('/');
  get_part(url.get(), CURLUPART_QUERY, parts.query, present);
  if (get_part(url.get(), CURLUPART_URL, parts.url, present) != CURLUE_OK)
    return make_error("the URL cannot be rebuilt");
  return parts;
}

}  // namespace

Result<UrlParts> parse_url(std::string_view text) {
  // curl's normalized form does not always read back as the same parts: "https:/%35" has the
  // host "5" (decoded), written "https://5/", which curl then reads as the IPv4 address 0.0.0.5.
  // What ferry requests is the normalized URL, so the parts are those of a normalized URL that
  // reads back as itself: the host judged is the host curl connects to.
  Result<UrlParts> parts = parse_once(text);
  for (int round = 0; round < 2 && parts.ok(); ++round) {
    Result<UrlParts> again = parse_once(parts->url);
    if (!again.ok() || again->url == parts->url) return again;
    parts = std::move(again);
  }
  if (!parts.ok()) return parts;
  return make_error("the URL does not settle to one normalized form");
}

std::string UrlParts::authority() const {
  return port.empty() ? parsed.host : cat(parsed.host, ":", port);
}

}  // namespace ferry
