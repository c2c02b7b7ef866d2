// STS Query API over HttpClient: a form-encoded POST to "/", SigV4 (service "sts") for
// AssumeRole, and the XML answer parsed by core/aws/aws_credentials_sts.cpp. A few bounded retries
// on transport errors, 5xx and throttling.
#include "io/credentials/credentials_sts.hpp"

#include <chrono>
#include <thread>

#include "core/crypto.hpp"
#include "core/aws/sigv4.hpp"
#include "core/text.hpp"
#include "io/credentials/credentials_env.hpp"
#include "io/aws/http_client.hpp"

namespace ferry {
namespace {

constexpr int kMaxAttempts = 3;

std::string form_field(std::string_view name, std::string_view value) {
  return cat("&", name, "=", uri_encode(value, false));
}

std::string session_name_or_default(const std::string& name) {
  if (!name.empty()) return name;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return cat("ferry-", std::chrono::duration_cast<std::chrono::seconds>(now).count());
}

// "scheme://authority" without a trailing slash, and the authority (the Host header).
struct Url {
  std::string base;
  std::string host;
};

Url split_url(std::string_view url) {
  while (url.ends_with('/')) url.remove_suffix(1);
  const size_t sep = url.find("://");
  const std::string_view rest = sep == std::string_view::npos ? url : url.substr(sep + 3);
  return Url{std::string(url), std::string(rest.substr(0, rest.find('/')))};
}

Result<ExpiringCredentials> post(const StsEndpoint& endpoint, std::string_view action,
                                 const std::string& body, const AwsCredentials* signer) {
  const Url url = split_url(endpoint.url);
  HttpClientOptions options;
  if (endpoint.http) {
    options = *endpoint.http;
  } else {
    options.connect_timeout_millis = 5'000;
  }
  options.total_timeout_millis = 30'000;
  options.max_response_bytes = 1 << 20;
  HttpClient http(options);
  std::string last_error;
  SignableRequest signable;
  signable.method = std::string("POST");
  signable.path = std::string(1, '/');  // (a literal here trips g++ 12's -Wrestrict)
  signable.headers.push_back({"host", url.host});
  signable.headers.push_back({"content-type", "application/x-www-form-urlencoded"});
  signable.payload_sha256_hex = sha256_hex(body);
  for (int attempt = 1; attempt <= kMaxAttempts; ++attempt) {
    if (attempt > 1) std::this_thread::sleep_for(std::chrono::milliseconds(200 << attempt));
    HttpRequest request;
    request.method = "POST";
    request.url = cat(url.base, "/");
    if (signer != nullptr) {
      SigningParams params;
      params.credentials = *signer;
      params.region = endpoint.region;
      params.service = "sts";
      params.time = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
      const SigningResult signature = sign_with_headers(signable, params);
      request.headers = signable.headers;
      request.headers.insert(request.headers.end(), signature.headers_to_add.begin(),
                             signature.headers_to_add.end());
    } else {
      request.headers = signable.headers;
    }
    request.body = std::span<const char>(body.data(), body.size());
    Result<HttpResponse> response = http.send(request);
    if (!response.ok()) {
      last_error = response.error().message;
      if (!http.last_error_is_transient()) break;
      continue;
    }
    Result<ExpiringCredentials> parsed = parse_sts_credentials(response->body);
    if (parsed.ok() && response->status == 200) return parsed;
    last_error = parsed.ok() ? cat("HTTP ", response->status)
                             : cat("HTTP ", response->status, ": ", parsed.error().message);
    const bool throttled = last_error.find("Throttling") != std::string::npos;
    if (response->status < 500 && !throttled) break;
  }
  return make_error(cat("STS ", action, " at ", url.base, ": ", last_error));
}

}  // namespace

StsEndpoint sts_endpoint(const std::string& configured, const std::string& region) {
  std::string url = configured;
  if (url.empty()) url = env_value("AWS_ENDPOINT_URL_STS");
  if (url.empty()) url = cat("https://sts.", region, ".amazonaws.com");
  return StsEndpoint{std::move(url), region};
}

Result<ExpiringCredentials> sts_assume_role(const StsEndpoint& endpoint,
                                            const AssumeRoleRequest& request,
                                            const AwsCredentials& caller) {
  std::string body = "Action=AssumeRole&Version=2011-06-15";
  body.append(form_field("RoleArn", request.role_arn));
  body.append(form_field("RoleSessionName", session_name_or_default(request.session_name)));
  if (!request.external_id.empty()) body.append(form_field("ExternalId", request.external_id));
  return post(endpoint, "AssumeRole", body, &caller);
}

Result<ExpiringCredentials> sts_assume_role_with_web_identity(
    const StsEndpoint& endpoint, const AssumeRoleRequest& request,
    const std::string& web_identity_token) {
  std::string body = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15";
  body.append(form_field("RoleArn", request.role_arn));
  body.append(form_field("RoleSessionName", session_name_or_default(request.session_name)));
  body.append(form_field("WebIdentityToken", web_identity_token));
  return post(endpoint, "AssumeRoleWithWebIdentity", body, nullptr);
}

}  // namespace ferry
