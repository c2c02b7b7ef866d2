// Container credentials endpoint and IMDSv2 over HttpClient (see the header).
#include "io/credentials/credentials_metadata.hpp"

#include <algorithm>
#include <cctype>

#include "core/assert.hpp"
#include "core/aws/container_uri_policy.hpp"
#include "core/text.hpp"
#include "io/credentials/credentials_env.hpp"
#include "io/aws/http_client.hpp"
#include "io/small_file.hpp"
#include "io/aws/url_parts.hpp"

namespace ferry {
namespace {

constexpr const char* kContainerHost = "http://169.254.170.2";
constexpr const char* kInstanceMetadataHost = "http://169.254.169.254";
constexpr const char* kImdsTokenTtlSeconds = "21600";

HttpClientOptions metadata_http_options() {
  HttpClientOptions options;
  options.connect_timeout_millis = 1'000;  // link-local: absent means not on EC2/ECS
  options.total_timeout_millis = 5'000;
  options.max_response_bytes = 64 << 10;
  return options;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::string without_trailing_slash(std::string url) {
  while (url.ends_with('/')) url.pop_back();
  return url;
}

// The URI for messages: a user or password part (it may be a secret) is not shown.
std::string redacted_uri(std::string_view uri) {
  const size_t scheme_end = uri.find("://");
  if (scheme_end == std::string_view::npos) return std::string(uri);
  const size_t authority = scheme_end + 3;
  const size_t authority_end = std::min(uri.find_first_of("/?#", authority), uri.size());
  const size_t at = uri.substr(0, authority_end).rfind('@');
  if (at == std::string_view::npos || at < authority) return std::string(uri);
  return cat(uri.substr(0, authority), "<user info removed>", uri.substr(at));
}

// GET or PUT `url`; the body of a 200 answer, else an error naming the URL and status.
Result<std::string> call(HttpClient& http, std::string_view method, const std::string& url,
                         std::vector<HttpHeader> headers) {
  HttpRequest request;
  request.method = std::string(method);
  request.url = url;
  request.headers = std::move(headers);
  Result<HttpResponse> response = http.send(request);
  if (!response.ok()) return response.error();
  if (response->status != 200) {
    return make_error(cat("HTTP ", method, " ", url, ": status ", response->status));
  }
  return std::move(response->body);
}

Result<std::string> imds_token(HttpClient& http, const std::string& endpoint) {
  return call(http, "PUT", cat(endpoint, "/latest/api/token"),
              {{"X-aws-ec2-metadata-token-ttl-seconds", kImdsTokenTtlSeconds}});
}

}  // namespace

std::optional<ContainerEndpoint> container_endpoint_from_environment() {
  ContainerEndpoint endpoint;
  const std::string relative = env_value("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  if (!relative.empty()) {
    endpoint.url = cat(kContainerHost, relative.starts_with('/') ? "" : "/", relative);
  } else {
    endpoint.url = env_value("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (endpoint.url.empty()) return std::nullopt;
  }
  endpoint.token_file = env_value("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  endpoint.token = env_value("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  return endpoint;
}

Result<ExpiringCredentials> fetch_container_credentials(const ContainerEndpoint& endpoint) {
  // Parsed by curl's URL parser, checked, and requested in curl's own normalized form: the host
  // checked is the host curl connects to.
  Result<UrlParts> uri = parse_url(endpoint.url);
  if (!uri.ok()) {
    return make_error(
        cat("container credentials URI ", redacted_uri(endpoint.url), ": ", uri.error().message));
  }
  if (const std::string problem = container_uri_problem(uri->parsed); !problem.empty()) {
    return make_error(cat("container credentials URI ", redacted_uri(endpoint.url), ": ", problem));
  }
  std::vector<HttpHeader> headers;
  std::string token = endpoint.token;
  if (!endpoint.token_file.empty()) {
    Result<std::optional<std::string>> read =
        read_small_file(endpoint.token_file, kMaxTokenFileBytes);
    if (!read.ok()) return read.error();
    if (!read.value()) {
      return make_error(
          cat("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ", endpoint.token_file, " does not exist"));
    }
    token = trim(**read);
  }
  if (token.find_first_of("\r\n") != std::string::npos) {
    return make_error("the container authorization token holds a line break");
  }
  if (!token.empty()) headers.push_back({"Authorization", token});
  HttpClient http(metadata_http_options());
  Result<std::string> body = call(http, "GET", uri->url, std::move(headers));
  if (!body.ok()) return make_error(cat("container credentials: ", body.error().message));
  Result<ExpiringCredentials> parsed = parse_credentials_json(*body);
  if (!parsed.ok()) return make_error(cat("container credentials: ", parsed.error().message));
  return parsed;
}

std::optional<std::string> instance_metadata_endpoint_from_environment() {
  std::string disabled = env_value("AWS_EC2_METADATA_DISABLED");
  std::transform(disabled.begin(), disabled.end(), disabled.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (disabled == "true") return std::nullopt;
  std::string endpoint = env_value("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  return without_trailing_slash(endpoint.empty() ? kInstanceMetadataHost : endpoint);
}

Result<ExpiringCredentials> fetch_instance_credentials(const std::string& endpoint) {
  HttpClient http(metadata_http_options());
  Result<std::string> token = imds_token(http, endpoint);
  if (!token.ok()) return make_error(cat("instance metadata: ", token.error().message));
  const std::vector<HttpHeader> auth = {{"X-aws-ec2-metadata-token", trim(*token)}};
  const std::string roles_url = cat(endpoint, "/latest/meta-data/iam/security-credentials/");
  Result<std::string> roles = call(http, "GET", roles_url, auth);
  if (!roles.ok()) return make_error(cat("instance metadata: ", roles.error().message));
  const std::string role = trim(std::string_view(*roles).substr(0, roles->find('\n')));
  if (role.empty() || role.find_first_of("/?#") != std::string::npos) {
    return make_error("instance metadata: the instance has no IAM role");
  }
  Result<std::string> body = call(http, "GET", cat(roles_url, role), auth);
  if (!body.ok()) return make_error(cat("instance metadata: ", body.error().message));
  Result<ExpiringCredentials> parsed = parse_credentials_json(*body);
  if (!parsed.ok()) return make_error(cat("instance metadata: ", parsed.error().message));
  return parsed;
}

Status with_instance_metadata_session(
    const std::string& endpoint, const std::function<Status(const InstanceMetadataGet&)>& use) {
  HttpClient http(metadata_http_options());
  Result<std::string> token = imds_token(http, endpoint);
  if (!token.ok()) return make_error(cat("instance metadata: ", token.error().message));
  const std::string session = trim(*token);
  const InstanceMetadataGet get = [&](std::string_view path) -> Result<std::optional<std::string>> {
    HttpRequest request;
    request.method = "GET";
    request.url = cat(endpoint, path);
    request.headers = {{"X-aws-ec2-metadata-token", session}};
    Result<HttpResponse> response = http.send(request);
    if (!response.ok())
      return make_error(cat("instance metadata: ", path, ": ", response.error().message));
    if (response->status == 404) return std::optional<std::string>();
    if (response->status != 200)
      return make_error(cat("instance metadata: ", path, ": status ", response->status));
    return std::optional<std::string>(std::move(response->body));
  };
  return use(get);
}

Result<std::vector<std::string>> fetch_instance_metadata(const std::string& endpoint,
                                                         const std::vector<std::string>& paths) {
  std::vector<std::string> values;
  values.reserve(paths.size());
  const Status fetched =
      with_instance_metadata_session(endpoint, [&](const InstanceMetadataGet& get) -> Status {
        for (const std::string& path : paths) {
          FERRY_ASSERT(!path.empty() && path.front() == '/');
          Result<std::optional<std::string>> value = get(path);
          if (!value.ok()) return value.error();
          if (!value.value()) return make_error(cat("instance metadata: ", path, ": status 404"));
          values.push_back(std::move(*value.value()));
        }
        return Ok{};
      });
  if (!fetched.ok()) return fetched.error();
  return values;
}

Result<std::string> fetch_instance_region(const std::string& endpoint) {
  auto values = fetch_instance_metadata(endpoint, {"/latest/meta-data/placement/region"});
  if (!values.ok()) return values.error();
  return trim(values->front());
}

}  // namespace ferry
