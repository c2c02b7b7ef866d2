// HTTP over one reused libcurl easy handle: keep-alive, bounded timeouts, request bodies sent
// straight from the caller's memory. Owned and used by one thread (the shipper).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/aws/sigv4.hpp"  // HttpHeader
#include "core/http/response_limits.hpp"
#include "core/result.hpp"

namespace ferry {

struct HttpRequest {
  std::string method;  // GET, HEAD, PUT, POST, DELETE
  std::string url;
  std::vector<HttpHeader> headers;
  std::span<const char> body;  // borrowed, never copied; must stay valid during send()
  // At least this deadline (e.g. CompleteMultipartUpload, which S3 may take minutes to answer);
  // 0: the client's (HttpClientOptions).
  long min_deadline_millis = 0;
};

struct HttpResponse {
  long status = 0;
  std::vector<HttpHeader> headers;  // of the final response (not of a 100 Continue)
  std::string body;

  // Value of the first header named `name` (case-insensitive).
  std::optional<std::string_view> header(std::string_view name) const;
};

// "ferry/<version>".
std::string default_user_agent();

struct HttpClientOptions {
  long connect_timeout_millis = 10'000;  // connectionTimeoutMillis
  // A transfer slower than this many bytes per second for low_speed_seconds is aborted: a
  // stalled connection must not hold a part forever. socketTimeoutMillis (a connection that
  // delivers no byte for that long) is 1 byte per second over its length
  // (agent/setup/http_options.hpp).
  long low_speed_bytes_per_second = 1024;
  long low_speed_seconds = 30;
  // Every request's deadline (CURLOPT_TIMEOUT_MS): total_timeout_millis when set, else
  // deadline_base_millis plus the request body at min_average_bytes_per_second
  // (core/http/response_limits.hpp): a peer trickling bytes fast enough for the low-speed limit
  // still cannot hold a request past it. A request may ask for a longer one (HttpRequest).
  long total_timeout_millis = 0;  // 0: sized to the body
  long deadline_base_millis = 60'000;
  uint64_t min_average_bytes_per_second = kMinAverageBytesPerSecond;
  // Bodies kept, at most: a 2xx answer's and any other's (core/http/response_limits.hpp). A longer
  // body ends the transfer with an error naming the cap.
  size_t max_response_bytes = kMaxSuccessBodyBytes;
  size_t max_error_body_bytes = kMaxErrorBodyBytes;
  std::string ca_file;                            // empty: the system's trust store
  std::string user_agent = default_user_agent();  // "User-Agent"; empty: none
  bool tcp_keepalive = true;                      // probes after 30 s idle, then every 15 s
  // A connection older than this is not reused (connectionTTLMillis); 0: no limit.
  long max_connection_age_seconds = 0;

  bool operator==(const HttpClientOptions&) const = default;
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Any HTTP status is a response; only transport failures (no response) are errors, with
  // curl's message. Never logs or reports headers (they carry credentials).
  Result<HttpResponse> send(const HttpRequest& request);

  // Whether the last failed send() may succeed if retried (refused, reset, timed out, ...),
  // as opposed to a request that can never work (bad URL, unsupported scheme, bad CA file).
  bool last_error_is_transient() const { return last_error_transient_; }
  // Whether it failed for time: the deadline passed, or the transfer stalled (low speed).
  bool last_error_timed_out() const { return last_error_timed_out_; }

 private:
  // The request's CURLOPT_TIMEOUT_MS (see HttpClientOptions).
  long deadline_millis(const HttpRequest& request) const;

  struct CurlDeleter {
    void operator()(void* handle) const;
  };
  HttpClientOptions options_;
  std::unique_ptr<void, CurlDeleter> curl_;  // CURL*; void keeps <curl/curl.h> out of headers
  bool last_error_transient_ = false;
  bool last_error_timed_out_ = false;
};

}  // namespace ferry
