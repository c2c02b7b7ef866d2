// AWS Signature Version 4, ferry's own: canonical request, string to sign, signature, and the
// headers (or presigned query) that carry it. Pure functions, no I/O, safe from any thread.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace ferry {

struct AwsCredentials {
  std::string access_key_id, secret_access_key, session_token;
};

struct HttpHeader {
  std::string name;
  std::string value;
};

// The parts of an HTTP request that SigV4 covers.
struct SignableRequest {
  std::string method;
  // The path as it goes on the wire. S3 callers pass it already URI-encoded (uri_encode_path);
  // with double_encode_path the signer encodes it (again), as the non-S3 services expect.
  std::string path;
  // The raw query string without '?', as on the wire; parameters are decoded and re-encoded.
  std::string query;
  std::vector<HttpHeader> headers;  // must include "host"; every one of them is signed
  std::string payload_sha256_hex;   // hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"
};

struct SigningParams {
  AwsCredentials credentials;
  std::string region;
  std::string service;
  std::chrono::sys_seconds time{};
  // Remove "." and ".." segments and empty segments from the path; S3 keys must not be touched.
  bool normalize_path = true;
  // Encode the wire path once more; every service but S3 signs it this way.
  bool double_encode_path = true;
  // Add and sign x-amz-content-sha256 (S3 requires it on every request).
  bool add_content_sha256_header = false;
  // Add the session token after signing instead of signing it (a few services want that).
  bool omit_session_token = false;
};

// SigV4 for S3: single encoding, no normalization, x-amz-content-sha256.
SigningParams s3_signing_params(AwsCredentials credentials, std::string region,
                                std::chrono::sys_seconds time);

struct SigningResult {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;  // lowercase hex
  // Header signing: x-amz-date, x-amz-content-sha256, x-amz-security-token and authorization,
  // to be sent beside the request's own headers.
  std::vector<HttpHeader> headers_to_add;
  std::string authorization;  // the Authorization header's value
  // Query signing: the complete query string to send (request's parameters + X-Amz-*).
  std::string query;
};

// Signs with the Authorization header.
SigningResult sign_with_headers(const SignableRequest& request, const SigningParams& params);

// Signs a presigned URL valid for expires_seconds (the request's headers are signed too).
SigningResult sign_with_query(const SignableRequest& request, const SigningParams& params,
                              int expires_seconds);

// RFC 3986 percent-encoding as SigV4 defines it: all but A-Z a-z 0-9 - . _ ~ encoded as %XY
// (uppercase); '/' kept when keep_slash (for paths and S3 keys).
std::string uri_encode(std::string_view text, bool keep_slash);
inline std::string uri_encode_path(std::string_view path) {
  return uri_encode(path, true);
}

// "20150830T123600Z"
std::string format_amz_date(std::chrono::sys_seconds time);

}  // namespace ferry
