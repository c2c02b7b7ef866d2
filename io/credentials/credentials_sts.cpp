// STS Query API over AwsServiceClient: a form-encoded POST to "/", SigV4 (service "sts") for
// AssumeRole, unsigned for AssumeRoleWithWebIdentity, and the XML answer parsed by
// core/aws/aws_credentials_sts.cpp. A few bounded retries on transport errors, 5xx and throttling.
#include "io/credentials/credentials_sts.hpp"

#include <chrono>
#include <memory>
#include <thread>

#include "core/aws/aws_endpoint.hpp"
#include "core/aws/sigv4.hpp"
#include "core/text.hpp"
#include "io/aws/aws_service_client.hpp"
#include "io/credentials/credentials_env.hpp"
#include "io/credentials/credentials_provider.hpp"

namespace ferry {
namespace {

constexpr int kMaxAttempts = 3;
constexpr std::string_view kFormContentType = "application/x-www-form-urlencoded";

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
  // The caller's keys as they are: a caller whose keys STS rejects is the caller's to refresh.
  std::shared_ptr<CredentialsProvider> credentials;
  if (signer != nullptr) credentials = CredentialsProvider::fixed(*signer, "the STS caller");
  AwsServiceClient client(AwsEndpoint{url.base, url.host, endpoint.region}, "sts",
                          std::move(credentials), std::move(options));
  std::string last_error;
  for (int attempt = 1; attempt <= kMaxAttempts; ++attempt) {
    if (attempt > 1) std::this_thread::sleep_for(std::chrono::milliseconds(200 << attempt));
    Result<HttpResponse> response = client.post(AwsServiceRequest{kFormContentType, {}, body});
    if (!response.ok()) {
      last_error = response.error().message;
      if (!client.last_error_is_transient()) break;
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
