// S3 REST calls over HttpClient: SigV4 per attempt, retry policy, XML answers to Results.
// Used by one thread; blocking (the backoff sleeps that thread).
#include "io/aws/s3_client.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <utility>

#include "core/assert.hpp"
#include "core/aws/aws_endpoint.hpp"
#include "core/aws/s3_payload_signing.hpp"
#include "core/aws/s3_redirect.hpp"
#include "core/backoff.hpp"
#include "core/crc32c.hpp"
#include "core/crypto.hpp"
#include "core/http/http_date.hpp"
#include "core/observe/log.hpp"
#include "core/text.hpp"
#include "io/aws/url_parts.hpp"
#include "io/credentials/credentials_provider.hpp"

namespace ferry {
namespace {

constexpr long kCompleteDeadlineMillis = 15 * 60 * 1000;

// S3 codes that mean "try again later", whatever the HTTP status (RequestTimeout is a 400,
// RequestTimeTooSkewed a 403; a retry is signed afresh with the current time).
bool is_retryable_code(std::string_view code) {
  return code == "SlowDown" || code == "RequestTimeout" || code == "InternalError" ||
         code == "ServiceUnavailable" || code == "RequestTimeTooSkewed";
}

// 5xx but 501 NotImplemented: a feature the server lacks (OpenStack Swift's s3api answers it to
// server-side encryption) is refused the same way at every attempt.
bool is_retryable_status(int status) {
  return (status >= 500 && status != 501) || status == 429;
}

bool is_ip_or_localhost(std::string_view host) {  // host without port
  if (host == "localhost" || host.starts_with('[')) return true;
  return !host.empty() && std::all_of(host.begin(), host.end(),
                                      [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

// Virtual-hosted addressing needs the bucket to be one DNS label (no dots: TLS wildcard
// certificates cover one label only).
bool is_dns_label_bucket(std::string_view bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  return std::all_of(bucket.begin(), bucket.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

struct Endpoint {
  std::string scheme;
  std::string authority;
};

Result<Endpoint> parse_endpoint(const S3ClientOptions& options) {
  if (options.endpoint.empty()) {
    return Endpoint{"https", cat("s3.", options.region, ".amazonaws.com")};
  }
  const std::string_view endpoint = options.endpoint;
  const size_t sep = endpoint.find("://");
  if (sep == std::string_view::npos) {
    return make_error(cat("S3 endpoint '", endpoint, "' must start with http:// or https://"));
  }
  const std::string_view scheme = endpoint.substr(0, sep);
  if (scheme != "http" && scheme != "https") {
    return make_error(
        cat("S3 endpoint '", endpoint, "' must use http or https, found '", scheme, "'"));
  }
  std::string_view rest = endpoint.substr(sep + 3);
  const size_t slash = rest.find('/');
  if (slash != std::string_view::npos) {
    if (rest.substr(slash) != "/") {
      return make_error(
          cat("S3 endpoint '", endpoint, "' must be scheme://host[:port] without a path"));
    }
    rest = rest.substr(0, slash);
  }
  if (rest.empty() || rest.find_first_of("?#@ ") != std::string_view::npos) {
    return make_error(cat("S3 endpoint '", endpoint, "' has no valid host"));
  }
  return Endpoint{std::string(scheme), std::string(rest)};
}

std::string host_of(std::string_view authority) {
  if (authority.starts_with('[')) return std::string(authority.substr(0, authority.find(']') + 1));
  return std::string(authority.substr(0, authority.find(':')));
}

// scheme://host/path?query, as requested (the query left out when empty).
std::string request_url(std::string_view scheme, std::string_view host, std::string_view path,
                        std::string_view query) {
  std::string url = cat(scheme, "://", host, path);
  if (!query.empty()) url.append(cat("?", query));
  return url;
}

std::string describe(const S3Failure& failure) {
  if (failure.http_status == 0) return failure.message;
  std::string out = cat("HTTP ", failure.http_status);
  if (!failure.code.empty()) out.append(cat(" ", failure.code, ":"));
  if (!failure.message.empty()) out.append(cat(" ", failure.message));
  return out;
}

std::string object_name(std::string_view bucket, std::string_view key) {
  return key.empty() ? std::string(bucket) : cat(bucket, "/", key);
}

// Headers that describe a new object: sent with CreateMultipartUpload and PutObject.
std::vector<HttpHeader> object_headers(const S3ObjectOptions& object) {
  std::vector<HttpHeader> headers;
  if (!object.content_encoding.empty())
    headers.push_back({"content-encoding", object.content_encoding});
  if (!object.storage_class.empty())
    headers.push_back({"x-amz-storage-class", object.storage_class});
  if (!object.server_side_encryption.empty())
    headers.push_back({"x-amz-server-side-encryption", object.server_side_encryption});
  if (!object.kms_key_id.empty())
    headers.push_back({"x-amz-server-side-encryption-aws-kms-key-id", object.kms_key_id});
  if (object.bucket_key_enabled)
    headers.push_back({"x-amz-server-side-encryption-bucket-key-enabled",
                       *object.bucket_key_enabled ? "true" : "false"});
  return headers;
}

void add_checksum_headers(std::vector<HttpHeader>& headers, const BodyChecksums& checksums) {
  if (!checksums.crc32c.empty()) headers.push_back({"x-amz-checksum-crc32c", checksums.crc32c});
  if (!checksums.md5.empty()) headers.push_back({"content-md5", checksums.md5});
}

// A region name S3 sends back ("eu-west-1", bounded): anything else from the network is ignored.
bool is_sent_region_name(std::string_view text) {
  return text.size() <= 32 && is_aws_region_name(text);
}

}  // namespace

BodyChecksums body_checksums(std::span<const char> body, const S3ObjectOptions& object) {
  BodyChecksums checksums;
  if (object.checksum_crc32c) checksums.crc32c = crc32c_base64(crc32c(byte_span(body)));
  if (object.content_md5) {
    const Md5Digest digest = md5(byte_span(body));
    checksums.md5 = base64(digest);
  }
  return checksums;
}

Status validate_s3_options(const S3ClientOptions& options) {
  if (options.region.empty()) return make_error("S3 region is empty");
  Result<Endpoint> endpoint = parse_endpoint(options);
  if (!endpoint.ok()) return endpoint.error();
  if (options.max_attempts < 1 || options.max_attempts > 100) {
    return make_error(cat("S3 max_attempts must be 1..100, found ", options.max_attempts));
  }
  if (options.initial_backoff_millis < 1 ||
      options.max_backoff_millis < options.initial_backoff_millis ||
      options.max_backoff_millis > 600'000) {
    return make_error(cat("S3 backoff must satisfy 1 <= initial <= max <= 600000 ms, found ",
                          options.initial_backoff_millis, " and ", options.max_backoff_millis));
  }
  if (!options.credentials_provider && (options.credentials.access_key_id.empty() ||
                                        options.credentials.secret_access_key.empty())) {
    return make_error("S3 credentials lack an access key id or a secret access key");
  }
  return Ok{};
}

struct S3Client::Attempt {
  std::optional<HttpResponse> response;  // set on success
  S3Failure failure;                     // set otherwise
  AwsCredentials signed_with;            // to tell the provider which ones S3 rejected
  int64_t local_time = 0;                // this host's Unix seconds when it was signed
  std::optional<int64_t> server_time;    // a failure's Date header, when it has a valid one
  std::optional<S3Target> redirect;      // a 307's Location, when it may be followed
};

S3Client::S3Client(S3ClientOptions options)
    : options_(std::move(options)), http_(options_.http), jitter_(std::random_device{}()) {
  const Status valid = validate_s3_options(options_);
  if (!valid.ok()) FERRY_ERROR(valid.error().message);
  FERRY_ASSERT(valid.ok());  // configuration is validated before a client is built
  Result<Endpoint> endpoint = parse_endpoint(options_);
  scheme_ = endpoint->scheme;
  authority_ = endpoint->authority;
  endpoint_is_ip_or_localhost_ = is_ip_or_localhost(host_of(authority_));
  if (!options_.credentials_provider) {
    options_.credentials_provider =
        CredentialsProvider::fixed(options_.credentials, "the S3 client's options");
  }
  if (!options_.clock_offset) options_.clock_offset = std::make_shared<ClockOffset>();
}

S3Target S3Client::target(std::string_view bucket, std::string_view key,
                          std::string_view query) const {
  const bool virtual_hosted =
      !options_.force_path_style && !endpoint_is_ip_or_localhost_ && is_dns_label_bucket(bucket);
  S3Target t;
  if (virtual_hosted) {
    t.host = cat(bucket, ".", authority_);
    t.path = cat("/", uri_encode_path(key));
  } else {
    t.host = authority_;
    t.path = cat("/", uri_encode(bucket, false));
    if (!key.empty()) t.path.append(cat("/", uri_encode_path(key)));
  }
  t.query = std::string(query);
  t.url = request_url(scheme_, t.host, t.path, t.query);
  return t;
}

int S3Client::backoff_millis(int attempt) {
  // Full jitter: uniform in [0, min(max, initial * 2^(attempt-1))].
  const uint64_t cap = doubling_backoff(static_cast<uint64_t>(options_.initial_backoff_millis),
                                        static_cast<uint64_t>(options_.max_backoff_millis),
                                        static_cast<uint64_t>(attempt));
  return static_cast<int>(full_jitter(cap, jitter_));
}

S3Client::Attempt S3Client::attempt_once(const Call& call, std::string& payload_sha256, int attempt,
                                         const S3Target* redirected) {
  Attempt result;
  S3Failure& failure = result.failure;
  failure.operation = std::string(call.operation);

  if (fault_hook_) {
    if (std::optional<int> injected = fault_hook_(call.operation, attempt)) {
      failure.http_status = *injected;
      if (*injected == 0) {
        failure.message = "injected transport fault";
        failure.retryable = true;
      } else {
        failure.message = "injected fault";
        failure.retryable = is_retryable_status(*injected);
      }
      return result;
    }
  }

  const S3Target t = redirected ? *redirected : target(call.bucket, call.key, call.query);
  SignableRequest signable;
  signable.method = std::string(call.method);
  signable.path = t.path;
  signable.query = t.query;
  signable.headers.push_back({"host", t.host});
  if (!call.content_type.empty()) signable.headers.push_back({"content-type", call.content_type});
  signable.headers.insert(signable.headers.end(), call.headers.begin(), call.headers.end());
  if (s3_payload_may_be_unsigned(t.url, call.headers, call.body.size())) {
    signable.payload_sha256_hex = kUnsignedPayload;
  } else {
    // Hashed once: a part can be hundreds of MB and every attempt signs the same payload.
    if (payload_sha256.empty()) payload_sha256 = sha256_hex(byte_span(call.body));
    signable.payload_sha256_hex = payload_sha256;
  }
  const auto local = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  result.local_time = local.time_since_epoch().count();
  const auto now = local + std::chrono::seconds(options_.clock_offset->seconds.load());
  result.signed_with = options_.credentials_provider->current();
  const SigningResult signature =
      sign_with_headers(signable, s3_signing_params(result.signed_with, options_.region, now));

  HttpRequest request;
  request.method = signable.method;
  request.url = t.url;
  request.headers = std::move(signable.headers);
  request.headers.insert(request.headers.end(), signature.headers_to_add.begin(),
                         signature.headers_to_add.end());
  request.body = call.body;
  request.min_deadline_millis = call.min_deadline_millis;

  Result<HttpResponse> sent = http_.send(request);
  if (!sent.ok()) {
    failure.message = sent.error().message;
    failure.retryable = http_.last_error_is_transient();
    failure.timed_out = http_.last_error_timed_out();
    return result;
  }
  HttpResponse& response = *sent;
  const int status = static_cast<int>(response.status);
  const bool success = status >= 200 && status < 300;
  std::optional<S3ErrorDetails> s3_error;
  if (!success || call.error_possible_in_200) s3_error = parse_s3_error(response.body);
  if (success && !s3_error) {
    result.response = std::move(response);
    return result;
  }
  failure.http_status = status;
  if (auto date = response.header("date")) result.server_time = parse_http_date(*date);
  if (s3_error) {
    failure.code = s3_error->code;
    failure.message = s3_error->message;
  } else if (!response.body.empty()) {
    failure.message = xml_excerpt(response.body);
  }
  failure.retryable = is_retryable_status(status) || is_retryable_code(failure.code);
  if (status == 307) follow_redirect(response, call, result);
  // A bucket in another region (301 PermanentRedirect, or 400 AuthorizationHeaderMalformed for a
  // request signed for the wrong one): say which region, from x-amz-bucket-region or the body.
  if (status == 301 || failure.code == "PermanentRedirect" ||
      failure.code == "AuthorizationHeaderMalformed") {
    std::string region(response.header("x-amz-bucket-region").value_or(""));
    if (region.empty()) region = xml_element_text(response.body, "Region").value_or("");
    if (is_sent_region_name(region) && region != options_.region)
      failure.message = cat("the bucket is in region ", region, ", not ", options_.region,
                            ": set s3.region to ", region, " (or AWS_REGION) (",
                            failure.message.empty() ? "no message" : failure.message, ")");
  }
  return result;
}

void S3Client::follow_redirect(const HttpResponse& response, const Call& call,
                               Attempt& result) const {
  const std::optional<std::string_view> location = response.header("location");
  std::string refusal = "it has no Location header";
  std::optional<UrlParts> to;
  if (location) {
    // curl's own parser: the parts are what curl would request.
    if (Result<UrlParts> parts = parse_url(*location); parts.ok() && !parts->parsed.has_userinfo)
      to = std::move(*parts);
    refusal =
        !to ? cat("its Location '", location->substr(0, 512), "' is not a URL")
            : s3_redirect_refusal(scheme_, host_of(authority_), to->parsed.scheme, to->parsed.host);
  }
  if (!refusal.empty()) {
    result.failure.message = cat("Temporary Redirect not followed: ", refusal);
    return;
  }
  S3Target& t = result.redirect.emplace();
  t.host = to->authority();
  t.path = to->path;
  t.query = to->query.empty() ? std::string(call.query) : to->query;
  t.url = request_url(to->parsed.scheme, t.host, t.path, t.query);
}

Error S3Client::fail(const Call& call, S3Failure failure, std::string_view suffix) {
  last_failure_ = std::move(failure);
  return make_error(cat("s3 ", call.operation, " ", object_name(call.bucket, call.key), ": ",
                        describe(last_failure_), suffix));
}

void S3Client::adopt_server_clock(int64_t offset_seconds) {
  const int64_t before = options_.clock_offset->seconds.exchange(offset_seconds);
  if (before == offset_seconds) return;
  const int64_t size = offset_seconds < 0 ? -offset_seconds : offset_seconds;
  FERRY_WARN(
      cat("s3: S3 refused a request as signed with a skewed clock (RequestTimeTooSkewed): "
          "its clock is ",
          size, " s ", offset_seconds < 0 ? "behind" : "ahead of",
          " this host's; signing with S3's time from now on. Fix the host's clock (NTP)"));
}

Result<HttpResponse> S3Client::execute(const Call& call) {
  std::string payload_sha256;  // when an attempt needs it (core/aws/s3_payload_signing.hpp)
  bool refreshed_credentials = false;
  bool corrected_clock = false;
  std::optional<S3Target> redirected;  // a 307 is followed once per request
  for (int attempt = 1;; ++attempt) {
    Attempt outcome =
        attempt_once(call, payload_sha256, attempt, redirected ? &*redirected : nullptr);
    if (outcome.response) return std::move(*outcome.response);
    S3Failure& failure = outcome.failure;
    failure.attempts = attempt;
    if (outcome.redirect && !redirected) {
      FERRY_INFO(cat("s3 ", call.operation, " ", object_name(call.bucket, call.key),
                     ": 307 Temporary Redirect to ", outcome.redirect->host,
                     "; following it (signed for that host)"));
      redirected = std::move(outcome.redirect);
      --attempt;  // not a failed attempt
      continue;
    }
    // Temporary credentials S3 calls expired: fetch new ones (once per request) and retry now.
    if (is_expired_credentials_code(failure.code) && !refreshed_credentials &&
        attempt < options_.max_attempts) {
      refreshed_credentials = true;
      if (options_.on_retry) options_.on_retry(failure);
      FERRY_WARN(cat("s3 ", call.operation, " ", object_name(call.bucket, call.key), ": ",
                     failure.code, "; refreshing the credentials and retrying"));
      const Status refreshed =
          options_.credentials_provider->refresh_after_rejection(outcome.signed_with);
      if (refreshed.ok()) continue;
      return fail(call, std::move(failure), cat(" (", refreshed.error().message, ")"));
    }
    // Signed with a clock S3 calls too far off: sign with S3's time (its Date header) from now
    // on, for every client of the run, and retry now (once per request).
    if (failure.code == "RequestTimeTooSkewed" && outcome.server_time && !corrected_clock &&
        attempt < options_.max_attempts) {
      corrected_clock = true;
      if (options_.on_retry) options_.on_retry(failure);
      adopt_server_clock(*outcome.server_time - outcome.local_time);
      continue;
    }
    if (!failure.retryable) return fail(call, std::move(failure));
    if (attempt >= options_.max_attempts) {
      return fail(call, std::move(failure), cat(" (gave up after ", attempt, " attempts)"));
    }
    const int delay = backoff_millis(attempt);
    if (options_.on_retry) options_.on_retry(failure);
    // Only operation, object, status and S3's code/message: never headers or credentials.
    FERRY_WARN(cat("s3 ", call.operation, " ", object_name(call.bucket, call.key), ": attempt ",
                   attempt, "/", options_.max_attempts, " failed: ", describe(failure),
                   "; retrying in ", delay, " ms"));
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  }
}

Result<std::string> S3Client::create_multipart_upload(const std::string& bucket,
                                                      const std::string& key,
                                                      const S3ObjectOptions& object) {
  Call call{.operation = "CreateMultipartUpload",
            .method = "POST",
            .bucket = bucket,
            .key = key,
            .query = "uploads",
            .content_type = object.content_type,
            .headers = object_headers(object)};
  // Parts then carry their CRC32C, and S3 checks Complete's list against them.
  if (object.checksum_crc32c) call.headers.push_back({"x-amz-checksum-algorithm", "CRC32C"});
  Result<HttpResponse> response = execute(call);
  if (!response.ok()) return response.error();
  Result<std::string> upload_id = parse_upload_id(response->body);
  if (!upload_id.ok()) {
    return fail(call, {.operation = std::string(call.operation),
                       .http_status = static_cast<int>(response->status),
                       .message = upload_id.error().message});
  }
  return upload_id;
}

Result<std::string> S3Client::upload_part(const std::string& bucket, const std::string& key,
                                          const std::string& upload_id, int part_number,
                                          std::span<const char> body,
                                          const BodyChecksums& checksums) {
  FERRY_ASSERT(part_number >= 1 && part_number <= 10000);  // S3's range
  Call call{.operation = "UploadPart",
            .method = "PUT",
            .bucket = bucket,
            .key = key,
            .query = cat("partNumber=", part_number, "&uploadId=", uri_encode(upload_id, false)),
            .body = body};
  add_checksum_headers(call.headers, checksums);
  Result<HttpResponse> response = execute(call);
  if (!response.ok()) return response.error();
  const std::optional<std::string_view> etag = response->header("ETag");
  if (!etag || etag->empty()) {
    return fail(call, {.operation = std::string(call.operation),
                       .http_status = static_cast<int>(response->status),
                       .message = "response has no ETag header"});
  }
  return std::string(*etag);
}

Status S3Client::complete_multipart_upload(const std::string& bucket, const std::string& key,
                                           const std::string& upload_id,
                                           const std::vector<CompletedPart>& parts) {
  FERRY_ASSERT(!parts.empty());
  for (size_t i = 1; i < parts.size(); ++i) {
    FERRY_ASSERT(parts[i - 1].part_number < parts[i].part_number);  // S3 requires ascending
  }
  const std::string body = complete_multipart_body(parts);
  Call call{.operation = "CompleteMultipartUpload",
            .method = "POST",
            .bucket = bucket,
            .key = key,
            .query = cat("uploadId=", uri_encode(upload_id, false)),
            .content_type = "application/xml",
            .body = body,
            .error_possible_in_200 = true,
            // S3 may take minutes to answer (it sends spaces meanwhile, so the low-speed limit
            // holds): a longer deadline than the body's size would give, still bounded.
            .min_deadline_millis = kCompleteDeadlineMillis};
  Result<HttpResponse> response = execute(call);
  if (!response.ok()) return response.error();
  Result<std::string> etag = parse_complete_etag(response->body);
  if (!etag.ok()) {
    return fail(call, {.operation = std::string(call.operation),
                       .http_status = static_cast<int>(response->status),
                       .message = etag.error().message});
  }
  return Ok{};
}

Result<std::vector<ListedPart>> S3Client::list_parts(const std::string& bucket,
                                                     const std::string& key,
                                                     const std::string& upload_id) {
  std::vector<ListedPart> parts;
  int marker = 0;
  // S3 lists 1,000 parts a page: 10 pages for the 10,000 parts an upload can have. Servers
  // with pages of 100 still fit; anything slower is refused.
  constexpr int kMaxPages = kMaxPartNumber / 100;
  Call call{.operation = "ListParts", .method = "GET", .bucket = bucket, .key = key};
  for (int page_number = 0; page_number < kMaxPages; ++page_number) {
    // Query parameters in the sorted order SigV4 signs them in.
    call.query = cat(marker > 0 ? cat("part-number-marker=", marker, "&") : std::string(),
                     "uploadId=", uri_encode(upload_id, false));
    Result<HttpResponse> response = execute(call);
    if (!response.ok()) return response.error();
    Result<ListPartsPage> page = parse_list_parts(response->body);
    if (!page.ok()) {
      return fail(call, {.operation = std::string(call.operation),
                         .http_status = static_cast<int>(response->status),
                         .message = page.error().message});
    }
    parts.insert(parts.end(), page->parts.begin(), page->parts.end());
    if (!page->truncated) return parts;
    if (page->next_marker <= marker)
      return fail(call, {.operation = std::string(call.operation),
                         .http_status = static_cast<int>(response->status),
                         .message = "ListParts paging does not advance"});
    marker = page->next_marker;
  }
  return fail(call, {.operation = std::string(call.operation),
                     .message = "more pages than 10,000 parts fill"});
}

Status S3Client::abort_multipart_upload(const std::string& bucket, const std::string& key,
                                        const std::string& upload_id) {
  Call call{.operation = "AbortMultipartUpload",
            .method = "DELETE",
            .bucket = bucket,
            .key = key,
            .query = cat("uploadId=", uri_encode(upload_id, false))};
  Result<HttpResponse> response = execute(call);
  if (!response.ok()) return response.error();
  return Ok{};
}

Status S3Client::put_object(const std::string& bucket, const std::string& key,
                            std::span<const char> body, const S3ObjectOptions& object) {
  Call call{.operation = "PutObject",
            .method = "PUT",
            .bucket = bucket,
            .key = key,
            .content_type = object.content_type,
            .headers = object_headers(object),
            .body = body};
  add_checksum_headers(call.headers, body_checksums(body, object));
  Result<HttpResponse> response = execute(call);
  if (!response.ok()) return response.error();
  return Ok{};
}

Result<std::optional<S3ObjectInfo>> S3Client::head_object(const std::string& bucket,
                                                          const std::string& key) {
  Call call{.operation = "HeadObject", .method = "HEAD", .bucket = bucket, .key = key};
  Result<HttpResponse> response = execute(call);
  if (!response.ok()) {
    if (last_failure_.http_status == 404) return std::optional<S3ObjectInfo>();
    return response.error();
  }
  S3ObjectInfo info;
  info.etag = std::string(response->header("ETag").value_or(""));
  const std::string length(response->header("Content-Length").value_or("0"));
  info.size = std::strtoull(length.c_str(), nullptr, 10);
  return std::optional<S3ObjectInfo>(std::move(info));
}

Result<std::string> S3Client::get_object(const std::string& bucket, const std::string& key) {
  Call call{.operation = "GetObject", .method = "GET", .bucket = bucket, .key = key};
  Result<HttpResponse> response = execute(call);
  if (!response.ok()) return response.error();
  return std::move(response->body);
}

}  // namespace ferry
