// AWS Signature Version 4 (header and query signing), checked against the AWS SigV4 test suite
// and botocore. Pure functions; no I/O.
#include "core/aws/sigv4.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <utility>

#include "core/assert.hpp"
#include "core/crypto.hpp"
#include "core/text.hpp"

namespace ferry {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Undoes %XY escapes; a '%' not followed by two hex digits stays literal (it is then encoded as
// %25, which is what a server that received it would see). '+' is not a space in SigV4.
std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
  return out;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Trims and collapses runs of whitespace to one space ("Trimall" in the SigV4 spec); folded
// (multi-line) values come out on one line.
std::string trim_all(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

// Removes empty, "." and ".." segments (RFC 3986 dot-segment removal plus slash collapsing, as
// the SigV4 suite's *-normalized cases expect); a trailing slash survives.
std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out = "/";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    out.append(segments[i]);
  }
  if (!segments.empty() && path.size() > 1 && path.back() == '/') out.push_back('/');
  return out;
}

std::string canonical_path(std::string_view path, const SigningParams& params) {
  std::string out(path.empty() ? std::string_view("/") : path);
  if (params.normalize_path) out = normalize_path(out);
  if (params.double_encode_path) out = uri_encode(out, /*keep_slash=*/true);
  return out;
}

using QueryParams = std::vector<std::pair<std::string, std::string>>;  // decoded

QueryParams parse_query(std::string_view query) {
  QueryParams params;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view item = query.substr(start, end - start);
    if (!item.empty()) {
      const size_t eq = item.find('=');
      if (eq == std::string_view::npos) {
        params.emplace_back(percent_decode(item), std::string());
      } else {
        params.emplace_back(percent_decode(item.substr(0, eq)),
                            percent_decode(item.substr(eq + 1)));
      }
    }
    start = end + 1;
  }
  return params;
}

// Encoded, sorted by key then value (byte order of the encoded forms), joined with '&'.
std::string canonical_query(const QueryParams& params) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const auto& [key, value] : params) {
    encoded.emplace_back(uri_encode(key, false), uri_encode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [key, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out.append(key).append("=").append(value);
  }
  return out;
}

struct CanonicalHeaders {
  std::string block;           // "name:value\n" per header
  std::string signed_headers;  // "name;name"
};

// Duplicate names are joined with ',' in request order; names sorted, lowercase.
CanonicalHeaders canonical_headers(const std::vector<HttpHeader>& headers) {
  std::map<std::string, std::string> merged;
  for (const HttpHeader& header : headers) {
    std::string name = lowercase(header.name);
    const std::string value = trim_all(header.value);
    auto [it, inserted] = merged.try_emplace(std::move(name), value);
    if (!inserted) it->second.append(",").append(value);
  }
  CanonicalHeaders out;
  for (const auto& [name, value] : merged) {
    out.block.append(name).append(":").append(value).append("\n");
    if (!out.signed_headers.empty()) out.signed_headers.push_back(';');
    out.signed_headers.append(name);
  }
  return out;
}

std::string date_stamp(std::string_view amz_date) {
  return std::string(amz_date.substr(0, 8));
}

std::string credential_scope(std::string_view amz_date, const SigningParams& params) {
  return cat(date_stamp(amz_date), "/", params.region, "/", params.service, "/aws4_request");
}

std::string string_to_sign(std::string_view amz_date, const SigningParams& params,
                           std::string_view canonical_request) {
  return cat(kAlgorithm, "\n", amz_date, "\n", credential_scope(amz_date, params), "\n",
             sha256_hex(canonical_request));
}

std::string signature_of(std::string_view amz_date, const SigningParams& params,
                         std::string_view to_sign) {
  const Sha256Digest date_key =
      hmac_sha256(cat("AWS4", params.credentials.secret_access_key), date_stamp(amz_date));
  const Sha256Digest region_key = hmac_sha256(date_key, params.region);
  const Sha256Digest service_key = hmac_sha256(region_key, params.service);
  const Sha256Digest signing_key = hmac_sha256(service_key, "aws4_request");
  return to_hex(hmac_sha256(signing_key, to_sign));
}

std::string canonical_request_text(const SignableRequest& request, const SigningParams& params,
                                   std::string_view query, const CanonicalHeaders& headers) {
  return cat(request.method, "\n", canonical_path(request.path, params), "\n", query, "\n",
             headers.block, "\n", headers.signed_headers, "\n", request.payload_sha256_hex);
}

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 0xf]);
    }
  }
  return out;
}

std::string format_amz_date(std::chrono::sys_seconds time) {
  using namespace std::chrono;
  const sys_days day = floor<days>(time);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> hms{time - day};
  char out[32];
  const int size =
      std::snprintf(out, sizeof out, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                    static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                    static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                    static_cast<int>(hms.seconds().count()));
  FERRY_ASSERT(size == 16);  // years 0000..9999 only
  return std::string(out, 16);
}

SigningParams s3_signing_params(AwsCredentials credentials, std::string region,
                                std::chrono::sys_seconds time) {
  SigningParams params;
  params.credentials = std::move(credentials);
  params.region = std::move(region);
  params.service = "s3";
  params.time = time;
  params.normalize_path = false;
  params.double_encode_path = false;
  params.add_content_sha256_header = true;
  return params;
}

SigningResult sign_with_headers(const SignableRequest& request, const SigningParams& params) {
  const std::string amz_date = format_amz_date(params.time);
  const bool has_token = !params.credentials.session_token.empty();

  SigningResult result;
  result.headers_to_add.push_back({"x-amz-date", amz_date});
  if (params.add_content_sha256_header) {
    result.headers_to_add.push_back({"x-amz-content-sha256", request.payload_sha256_hex});
  }
  if (has_token && !params.omit_session_token) {
    result.headers_to_add.push_back({"x-amz-security-token", params.credentials.session_token});
  }

  // The signer owns these headers: a stale copy in the request (a retry) must not be signed.
  std::vector<HttpHeader> to_sign;
  to_sign.reserve(request.headers.size() + result.headers_to_add.size());
  for (const HttpHeader& header : request.headers) {
    const bool owned =
        same_name(header.name, "authorization") || same_name(header.name, "x-amz-date") ||
        same_name(header.name, "x-amz-security-token") ||
        (params.add_content_sha256_header && same_name(header.name, "x-amz-content-sha256"));
    if (!owned) to_sign.push_back(header);
  }
  to_sign.insert(to_sign.end(), result.headers_to_add.begin(), result.headers_to_add.end());
  const CanonicalHeaders headers = canonical_headers(to_sign);

  result.canonical_request =
      canonical_request_text(request, params, canonical_query(parse_query(request.query)), headers);
  result.string_to_sign = string_to_sign(amz_date, params, result.canonical_request);
  result.signature = signature_of(amz_date, params, result.string_to_sign);
  result.authorization =
      cat(kAlgorithm, " Credential=", params.credentials.access_key_id, "/",
          credential_scope(amz_date, params), ", SignedHeaders=", headers.signed_headers,
          ", Signature=", result.signature);
  if (has_token && params.omit_session_token) {
    result.headers_to_add.push_back({"x-amz-security-token", params.credentials.session_token});
  }
  result.headers_to_add.push_back({"authorization", result.authorization});
  return result;
}

SigningResult sign_with_query(const SignableRequest& request, const SigningParams& params,
                              int expires_seconds) {
  const std::string amz_date = format_amz_date(params.time);
  const bool has_token = !params.credentials.session_token.empty();
  const CanonicalHeaders headers = canonical_headers(request.headers);

  QueryParams query = parse_query(request.query);
  query.emplace_back("X-Amz-Algorithm", std::string(kAlgorithm));
  query.emplace_back("X-Amz-Credential", cat(params.credentials.access_key_id, "/",
                                             credential_scope(amz_date, params)));
  query.emplace_back("X-Amz-Date", amz_date);
  query.emplace_back("X-Amz-Expires", std::to_string(expires_seconds));
  if (has_token && !params.omit_session_token) {
    query.emplace_back("X-Amz-Security-Token", params.credentials.session_token);
  }
  query.emplace_back("X-Amz-SignedHeaders", headers.signed_headers);
  const std::string signed_query = canonical_query(query);

  SigningResult result;
  result.canonical_request = canonical_request_text(request, params, signed_query, headers);
  result.string_to_sign = string_to_sign(amz_date, params, result.canonical_request);
  result.signature = signature_of(amz_date, params, result.string_to_sign);
  result.query = cat(signed_query, "&X-Amz-Signature=", result.signature);
  if (has_token && params.omit_session_token) {
    result.query.append("&X-Amz-Security-Token=")
        .append(uri_encode(params.credentials.session_token, false));
  }
  return result;
}

}  // namespace ferry
