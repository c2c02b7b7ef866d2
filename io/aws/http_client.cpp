// libcurl easy-handle wrapper: options set per request on one handle whose connection cache
// outlives the requests (curl_easy_reset keeps live connections). One owner thread.
#include "io/aws/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <limits>
#include <mutex>
#include <utility>

#include "core/assert.hpp"
#include "core/http/response_limits.hpp"
#include "core/text.hpp"
#include "io/aws/ca_bundle.hpp"

namespace ferry {
namespace {

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { FERRY_ASSERT(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK); });
}

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

void slist_append(Slist& list, const std::string& line) {
  // On success the returned head owns the whole list (it is the old head unless that was null).
  curl_slist* head = curl_slist_append(list.get(), line.c_str());
  FERRY_ASSERT(head != nullptr);
  (void)list.release();
  list.reset(head);
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// The body being uploaded: curl pulls from it and may rewind it (a reused connection that
// turns out dead is retried by curl on a fresh one, which replays the body).
struct UploadCursor {
  std::span<const char> body;
  size_t offset = 0;
};

size_t read_body(char* buffer, size_t size, size_t count, void* user) {
  auto* cursor = static_cast<UploadCursor*>(user);
  const size_t n = std::min(size * count, cursor->body.size() - cursor->offset);
  if (n > 0) std::memcpy(buffer, cursor->body.data() + cursor->offset, n);
  cursor->offset += n;
  return n;
}

int seek_body(void* user, curl_off_t offset, int origin) {
  auto* cursor = static_cast<UploadCursor*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<size_t>(offset) > cursor->body.size()) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  cursor->offset = static_cast<size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

// Where the answer goes. Its body is kept only up to the cap for its status (known from the
// status line, which comes before any body byte); one byte more aborts the transfer.
struct Sink {
  HttpResponse* response;
  size_t success_cap;
  size_t error_cap;
  long status = 0;          // of the status line last seen
  size_t over_cap = 0;      // the cap a body exceeded; 0: none did
  size_t header_bytes = 0;  // of the answer's header lines so far
  bool headers_over_cap = false;
};

// "HTTP/1.1 503 Slow Down" -> 503; 0 when there is no status code.
long status_of(std::string_view line) {
  const size_t space = line.find(' ');
  if (space == std::string_view::npos || line.size() < space + 4) return 0;
  long status = 0;
  for (size_t i = space + 1; i < space + 4; ++i) {
    if (line[i] < '0' || line[i] > '9') return 0;
    status = status * 10 + (line[i] - '0');
  }
  return status;
}

size_t write_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t n = size * count;
  const size_t cap = body_cap_for_status(sink->status, sink->success_cap, sink->error_cap);
  if (!append_within_cap(sink->response->body, std::string_view(data, n), cap)) {
    sink->over_cap = cap;
    return 0;  // makes curl fail with CURLE_WRITE_ERROR, closing the connection
  }
  return n;
}

size_t write_header(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t n = size * count;
  const std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    sink->response->headers.clear();  // a new response (after 100 Continue or a redirect)
    sink->status = status_of(line);
    sink->header_bytes = 0;
  }
  sink->header_bytes += n;
  if (sink->header_bytes > kMaxHeaderBytes) {
    sink->headers_over_cap = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  if (line.starts_with("HTTP/")) return n;
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    sink->response->headers.push_back(
        {std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1)))});
  }
  return n;
}

// A server error or throttling answer may be followed by a normal one; an oversized 2xx or
// client-error body will not change by asking again.
bool retry_may_help(long status) {
  return status >= 500 || status == 408 || status == 429;
}

// Failures a new attempt cannot fix; everything else (refused, reset, timeouts, TLS handshake
// hiccups, empty replies) may be transient.
bool is_transient(CURLcode code) {
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_UNKNOWN_OPTION:
    case CURLE_WRITE_ERROR:
    case CURLE_READ_ERROR:
    case CURLE_ABORTED_BY_CALLBACK:
    case CURLE_OUT_OF_MEMORY:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_FILESIZE_EXCEEDED:
    case CURLE_LOGIN_DENIED:
    case CURLE_TOO_MANY_REDIRECTS: return false;
    default: return true;
  }
}

// What to do about a certificate that is not trusted, or a CA file that cannot be used.
std::string tls_hint(CURLcode code, const std::string& ca_file) {
  if (code == CURLE_PEER_FAILED_VERIFICATION) {
    return ca_file.empty()
               ? " (the endpoint's certificate is not signed by a CA the system trusts: for a "
                 "private CA, set s3.caBundle to its PEM file)"
               : cat(" (the endpoint's certificate is not signed by a CA in ", ca_file, ")");
  }
  if (code == CURLE_SSL_CACERT_BADFILE) return cat(" (cannot use the CA file ", ca_file, ")");
  return {};
}

// URL for messages: the query may hold a presigned signature, so it is left out.
std::string_view url_for_messages(std::string_view url) {
  return url.substr(0, url.find('?'));
}

}  // namespace

#ifndef FERRY_VERSION
#define FERRY_VERSION "unknown"
#endif

std::string default_user_agent() {
  return "ferry/" FERRY_VERSION;
}

std::optional<std::string_view> HttpResponse::header(std::string_view name) const {
  for (const HttpHeader& h : headers) {
    if (iequals(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

void HttpClient::CurlDeleter::operator()(void* handle) const {
  curl_easy_cleanup(static_cast<CURL*>(handle));
}

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) {
  global_init_once();
  curl_.reset(curl_easy_init());
  FERRY_ASSERT(curl_ != nullptr);
}

HttpClient::~HttpClient() = default;

long HttpClient::deadline_millis(const HttpRequest& request) const {
  uint64_t deadline = 0;
  if (options_.total_timeout_millis > 0) {
    deadline = static_cast<uint64_t>(options_.total_timeout_millis);
  } else {
    FERRY_ASSERT(options_.deadline_base_millis > 0);
    deadline = request_deadline_millis(request.body.size(),
                                       static_cast<uint64_t>(options_.deadline_base_millis),
                                       options_.min_average_bytes_per_second);
  }
  if (request.min_deadline_millis > 0)
    deadline = std::max(deadline, static_cast<uint64_t>(request.min_deadline_millis));
  return static_cast<long>(std::min<uint64_t>(deadline, std::numeric_limits<long>::max()));
}

Result<HttpResponse> HttpClient::send(const HttpRequest& request) {
  CURL* curl = static_cast<CURL*>(curl_.get());
  // Reset drops the previous request's options but keeps live connections for keep-alive.
  curl_easy_reset(curl);
  last_error_transient_ = false;

  HttpResponse response;
  Sink sink{&response, options_.max_response_bytes, options_.max_error_body_bytes};
  UploadCursor cursor{request.body, 0};
  char error_buffer[CURL_ERROR_SIZE] = {0};

  Slist headers;
  bool has_content_type = false;
  for (const HttpHeader& h : request.headers) {
    // "Name;" is curl's way to send a header with an empty value ("Name:" would remove it).
    slist_append(headers, h.value.empty() ? cat(h.name, ";") : cat(h.name, ": ", h.value));
    has_content_type = has_content_type || iequals(h.name, "content-type");
  }
  // curl would otherwise invent one for bodies, unsigned and usually wrong.
  if (!has_content_type) slist_append(headers, "Content-Type:");

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM-based DNS timeouts
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  // Signed paths must reach the server exactly as signed: no dot-segment squashing.
  curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  if (options_.tcp_keepalive) {
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPIDLE, 30L);
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPINTVL, 15L);
  }
  if (!options_.user_agent.empty())
    curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  if (options_.max_connection_age_seconds > 0) {
#if LIBCURL_VERSION_NUM >= 0x075000  // 7.80: a limit on age since the connection was made
    curl_easy_setopt(curl, CURLOPT_MAXLIFETIME_CONN, options_.max_connection_age_seconds);
#else  // older: a limit on idle time only, the closest curl has
    curl_easy_setopt(curl, CURLOPT_MAXAGE_CONN, options_.max_connection_age_seconds);
#endif
  }
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_millis);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_bytes_per_second);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, options_.low_speed_seconds);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, deadline_millis(request));
  // TLS: the peer's certificate chain and name are always verified (curl's defaults, stated
  // here so that no later change loosens them), against ca_file or the system's CA bundle.
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(curl, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  const std::string& ca_file = options_.ca_file.empty() ? system_ca_bundle() : options_.ca_file;
  if (!ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, write_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &sink);

  const std::string& method = request.method;
  if (method == "GET" && request.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if ((method == "DELETE" || method == "GET") && request.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  } else {
    // Every other request streams its body from memory with a Content-Length (0 included,
    // which S3 requires on an empty POST); the method name is set over curl's upload PUT.
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
    curl_easy_setopt(curl, CURLOPT_READDATA, &cursor);
    curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, seek_body);
    curl_easy_setopt(curl, CURLOPT_SEEKDATA, &cursor);
    curl_easy_setopt(curl, CURLOPT_UPLOAD_BUFFERSIZE, 1L << 20);  // fewer, larger socket writes
    if (method != "PUT") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  }

  const CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) {
    if (sink.over_cap > 0) {
      last_error_transient_ = retry_may_help(sink.status);
      return make_error(cat("HTTP ", method, " ", url_for_messages(request.url), ": the HTTP ",
                            sink.status, " answer's body is over the ", sink.over_cap,
                            "-byte cap for ", sink.status >= 200 && sink.status < 300 ? "" : "non-",
                            "2xx answers (transfer aborted)"));
    }
    if (sink.headers_over_cap) {
      return make_error(cat("HTTP ", method, " ", url_for_messages(request.url), ": the HTTP ",
                            sink.status, " answer's header lines are over the ", kMaxHeaderBytes,
                            "-byte cap (transfer aborted)"));
    }
    last_error_transient_ = is_transient(code);
    last_error_timed_out_ = code == CURLE_OPERATION_TIMEDOUT;
    if (last_error_timed_out_) {
      return make_error(cat("HTTP ", method, " ", url_for_messages(request.url), ": ",
                            error_buffer[0] != 0 ? error_buffer : curl_easy_strerror(code),
                            " (deadline ", deadline_millis(request), " ms, or under ",
                            options_.low_speed_bytes_per_second, " bytes/s for ",
                            options_.low_speed_seconds, " s)"));
    }
    return make_error(cat("HTTP ", method, " ", url_for_messages(request.url), ": ",
                          error_buffer[0] != 0 ? error_buffer : curl_easy_strerror(code),
                          tls_hint(code, options_.ca_file)));
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace ferry
