// The S3 calls the shipper makes (multipart upload, put, head, get), each signed with SigV4 and
// retried with bounded, jittered backoff. One S3Client per thread; it owns one HTTP connection.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/aws/s3_object_options.hpp"
#include "core/aws/s3_xml.hpp"  // CompletedPart, ListedPart
#include "core/aws/sigv4.hpp"   // AwsCredentials
#include "core/result.hpp"
#include "io/aws/http_client.hpp"

namespace ferry {

class CredentialsProvider;  // io/credentials/credentials_provider.hpp

// S3's clock minus this host's, in seconds: learnt from the Date header of a RequestTimeTooSkewed
// answer and added to the signing time of every later request (as the Java, Go and JS SDKs do).
// Shared by the S3 clients of a run; any thread.
struct ClockOffset {
  std::atomic<int64_t> seconds{0};
};

struct S3Failure {
  std::string operation;  // "UploadPart", ...
  int http_status = 0;    // 0: no HTTP response (transport error)
  std::string code;       // S3's <Code>, e.g. "NoSuchUpload"; empty if none
  std::string message;    // S3's <Message> or curl's error
  int attempts = 0;
  bool retryable = false;  // true when it failed only because attempts ran out
  bool timed_out = false;  // no answer in time: the deadline passed or the transfer stalled
};

struct S3ClientOptions {
  std::string endpoint;  // e.g. "http://127.0.0.1:4568"; empty => https://s3.<region>.amazonaws.com
  std::string region = "us-east-1";
  // Else virtual-hosted (<bucket>.<endpoint host>), except where that cannot work: endpoints
  // that are IP addresses or localhost, and bucket names that are not DNS labels.
  bool force_path_style = false;
  // What each attempt is signed with: the provider (shared by every client, refreshed in the
  // background), or, when there is none, these fixed credentials.
  std::shared_ptr<CredentialsProvider> credentials_provider;
  AwsCredentials credentials;
  int max_attempts = 8;  // per request, bounded
  int initial_backoff_millis = 100;
  int max_backoff_millis = 10000;
  HttpClientOptions http;
  // Shared with the run's other S3 clients; null: the client keeps one of its own.
  std::shared_ptr<ClockOffset> clock_offset;
  // Told of each attempt that will be tried again (the retries-by-cause metric): its HTTP status
  // (0: no response), S3's error code, whether it timed out. Called on the requesting thread.
  std::function<void(const S3Failure& failure)> on_retry;
};

// Checks what the constructor relies on: an http(s) endpoint with a host, a region, sane retry
// bounds, and credentials present.
Status validate_s3_options(const S3ClientOptions& options);

struct S3ObjectInfo {
  std::string etag;  // quotes included; "<md5 of part md5s>-<parts>" for multipart objects
  uint64_t size = 0;
};

// What went wrong in the last failed call. Error messages carry the same facts in the form
//   "s3 <Operation> <bucket>/<key>: HTTP <status> <Code>: <Message>"
// (or "s3 <Operation> <bucket>/<key>: <transport error>"), so a caller may also match
// ": NoSuchUpload:" in the message; code is the reliable way.

// The integrity values sent with a body (base64; empty: not sent): x-amz-checksum-crc32c, which
// S3 verifies and CompleteMultipartUpload lists again, and Content-MD5 for buckets that demand it.
struct BodyChecksums {
  std::string crc32c;
  std::string md5;
};
BodyChecksums body_checksums(std::span<const char> body, const S3ObjectOptions& object);

struct S3Target {
  std::string url;    // scheme://host/path?query
  std::string host;   // Host header value (signed)
  std::string path;   // URI-encoded path, as signed
  std::string query;  // as signed (without '?')
};

class S3Client {
 public:
  // Called before each attempt. Returning a status makes that attempt fail as if S3 had
  // answered it (with no body); returning 0 simulates a transport error; nullopt: no fault.
  using FaultHook = std::function<std::optional<int>(std::string_view operation, int attempt)>;

  explicit S3Client(S3ClientOptions options);

  // The object's headers (type, encoding, encryption, storage class, checksum algorithm) go
  // with the create; the parts then carry `checksums` of their bodies.
  Result<std::string> create_multipart_upload(const std::string& bucket, const std::string& key,
                                              const S3ObjectOptions& object);  // -> UploadId
  Result<std::string> upload_part(const std::string& bucket, const std::string& key,
                                  const std::string& upload_id, int part_number,
                                  std::span<const char> body,
                                  const BodyChecksums& checksums = {});  // -> ETag, quoted
  Status complete_multipart_upload(const std::string& bucket, const std::string& key,
                                   const std::string& upload_id,
                                   const std::vector<CompletedPart>& parts);
  Status abort_multipart_upload(const std::string& bucket, const std::string& key,
                                const std::string& upload_id);
  // Every part the destination holds for the upload, in part-number order (all pages).
  Result<std::vector<ListedPart>> list_parts(const std::string& bucket, const std::string& key,
                                             const std::string& upload_id);
  Status put_object(const std::string& bucket, const std::string& key, std::span<const char> body,
                    const S3ObjectOptions& object);
  // nullopt when the object does not exist.
  Result<std::optional<S3ObjectInfo>> head_object(const std::string& bucket,
                                                  const std::string& key);
  Result<std::string> get_object(const std::string& bucket, const std::string& key);

  void set_fault_hook(FaultHook hook) { fault_hook_ = std::move(hook); }
  const S3Failure& last_failure() const { return last_failure_; }

  // Where a request for bucket/key (and a raw, already-encoded query) goes.
  S3Target target(std::string_view bucket, std::string_view key, std::string_view query) const;

 private:
  struct Call {
    std::string_view operation;
    std::string_view method;
    std::string_view bucket;
    std::string_view key;
    std::string query;  // raw, encoded
    std::string content_type;
    std::vector<HttpHeader> headers;  // more signed headers (lowercase names)
    std::span<const char> body;
    bool error_possible_in_200 = false;  // CompleteMultipartUpload
    long min_deadline_millis = 0;        // HttpRequest::min_deadline_millis
  };
  struct Attempt;

  Result<HttpResponse> execute(const Call& call);
  // `redirected`: the target a 307 named for this request (nullptr: the endpoint's own).
  // `payload_sha256`: the body's hash once an attempt computed it (empty: not yet); a body sent
  // over HTTPS with its own checksum is signed unhashed (core/aws/s3_payload_signing.hpp).
  Attempt attempt_once(const Call& call, std::string& payload_sha256, int attempt,
                       const S3Target* redirected);
  int backoff_millis(int attempt);
  // Sets the run's clock offset (S3's time minus this host's), logging a change once.
  void adopt_server_clock(int64_t offset_seconds);
  // A 307: sets result.redirect where its Location may be followed, else says why not.
  void follow_redirect(const HttpResponse& response, const Call& call, Attempt& result) const;
  Error fail(const Call& call, S3Failure failure, std::string_view suffix = "");

  S3ClientOptions options_;
  std::string scheme_;     // "http" or "https"
  std::string authority_;  // host[:port] of the endpoint
  bool endpoint_is_ip_or_localhost_ = false;
  HttpClient http_;
  FaultHook fault_hook_;
  S3Failure last_failure_;
  std::mt19937_64 jitter_;
};

}  // namespace ferry
