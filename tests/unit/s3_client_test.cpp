// Proves the S3 client against a real S3-compatible server (s3rver, started per test on a free
// 127.0.0.1 port) and its retry policy with injected faults; plus addressing and credentials.
#include "io/aws/s3_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/assert.hpp"
#include "core/crypto.hpp"
#include "core/observe/metrics.hpp"
#include "core/text.hpp"
#include "io/aws/http_client.hpp"
#include "io/aws/s3_object_writer.hpp"
#include "io/unique_fd.hpp"

extern char** environ;

namespace ferry {
namespace {

namespace fs = std::filesystem;

const fs::path kS3rver = FERRY_SOURCE_DIR "/tools/s3rver/node_modules/.bin/s3rver";
constexpr char kBucket[] = "ferry-test";

// A port that was free a moment ago: bind port 0 and let the kernel choose.
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  const bool ok = fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  if (fd >= 0) close(fd);
  return ok ? ntohs(addr.sin_port) : -1;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Bytes that differ per position and per part, so a swapped or shifted part cannot pass.
std::string pattern(size_t size, char seed) {
  std::string out(size, '\0');
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<char>(seed + i * 7 + (i >> 12));
  return out;
}

S3ClientOptions local_options(int port) {
  S3ClientOptions options;
  options.endpoint = cat("http://127.0.0.1:", port);
  options.force_path_style = true;
  options.credentials = {"S3RVER", "S3RVER", ""};
  options.max_attempts = 4;
  options.initial_backoff_millis = 5;
  options.max_backoff_millis = 20;
  return options;
}

class S3ClientAgainstS3rver : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kS3rver)) {
      GTEST_SKIP() << "s3rver is not installed at " << kS3rver << " (run tools/setup)";
    }
    port_ = free_port();
    ASSERT_GT(port_, 0);
    char dir_template[] = "/tmp/ferry-s3rver-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    fs::create_directories(dir_ / "data");
    log_ = dir_ / "s3rver.log";

    const std::string binary = kS3rver.string();
    const std::string data = (dir_ / "data").string();
    const std::string port = std::to_string(port_);
    std::vector<std::string> args = {
        binary, "-d", data, "-a", "127.0.0.1", "-p", port, "--configure-bucket", kBucket};
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, log_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&files, STDOUT_FILENO, STDERR_FILENO);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);  // its own group, so TearDown can end all of it
    const int rc = posix_spawn(&pid_, binary.c_str(), &files, &attr, argv.data(), environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&files);
    ASSERT_EQ(rc, 0) << "cannot start " << binary << ": " << std::strerror(rc);

    // Ready when the configured bucket answers; bounded wait.
    HttpClient http;
    const std::string url = cat("http://127.0.0.1:", port_, "/", kBucket);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (true) {
      Result<HttpResponse> response = http.send({.method = "GET", .url = url});
      if (response.ok() && response->status == 200) break;
      int status = 0;
      ASSERT_EQ(waitpid(pid_, &status, WNOHANG), 0) << "s3rver exited: " << read_text(log_);
      ASSERT_LT(std::chrono::steady_clock::now(), deadline)
          << "s3rver did not answer on " << url << ": " << read_text(log_);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  void TearDown() override {
    if (pid_ > 0) {
      kill(-pid_, SIGTERM);
      int status = 0;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (waitpid(pid_, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
          kill(-pid_, SIGKILL);
          waitpid(pid_, &status, 0);
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      pid_ = -1;
    }
    if (!dir_.empty()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }

  S3ClientOptions options() const { return local_options(port_); }

  // The object as stored, through an independent, unsigned GET (s3rver serves anonymous reads),
  // so that the check does not depend on the client under test. ferry itself never downloads
  // objects: the 1 MiB a 2xx body may hold by default is raised.
  std::string read_back(const std::string& key) const {
    HttpClientOptions large_bodies;
    large_bodies.max_response_bytes = 64u << 20;
    HttpClient http(large_bodies);
    Result<HttpResponse> got =
        http.send({.method = "GET", .url = S3Client(options()).target(kBucket, key, "").url});
    EXPECT_TRUE(got.ok()) << got.error().message;
    if (!got.ok()) return {};
    EXPECT_EQ(got->status, 200) << key << ": " << got->body;
    return got->status == 200 ? std::move(got->body) : std::string();
  }

  int port_ = -1;
  pid_t pid_ = -1;
  fs::path dir_;
  fs::path log_;
};

TEST_F(S3ClientAgainstS3rver, MultipartUploadOfThreePartsReassemblesTheObjectByteForByte) {
  S3Client s3(options());
  const std::string key = "flows/app/2024/05/17/part test.ndjson.zst";
  const std::vector<std::string> parts = {pattern(5u << 20, 1), pattern(5u << 20, 2),
                                          pattern(1024, 3)};

  Result<std::string> upload_id =
      s3.create_multipart_upload(kBucket, key, S3ObjectOptions{.content_type = "application/zstd"});
  ASSERT_TRUE(upload_id.ok()) << upload_id.error().message;
  ASSERT_FALSE(upload_id->empty());
  std::vector<CompletedPart> completed;
  for (size_t i = 0; i < parts.size(); ++i) {
    const int number = static_cast<int>(i) + 1;
    Result<std::string> etag = s3.upload_part(kBucket, key, *upload_id, number, parts[i]);
    ASSERT_TRUE(etag.ok()) << etag.error().message;
    EXPECT_EQ(etag->front(), '"') << *etag;
    completed.push_back({number, *etag});
  }
  const Status done = s3.complete_multipart_upload(kBucket, key, *upload_id, completed);
  ASSERT_TRUE(done.ok()) << done.error().message;

  const std::string stored = read_back(key);
  ASSERT_EQ(stored.size(), parts[0].size() + parts[1].size() + parts[2].size());
  EXPECT_TRUE(stored == parts[0] + parts[1] + parts[2]);

  Result<std::optional<S3ObjectInfo>> head = s3.head_object(kBucket, key);
  ASSERT_TRUE(head.ok()) << head.error().message;
  ASSERT_TRUE(head->has_value());
  EXPECT_EQ((*head)->size, stored.size());
  EXPECT_FALSE((*head)->etag.empty());  // s3rver's is the whole object's MD5, not S3's "<md5>-3"
}

// A low-rate flow: every object is smaller than a part, so it is one PutObject, sent in the
// background while the next object fills. Each arrives whole, and each PutObject's buffer comes
// back for a later object instead of piling up (S3ObjectWriter asserts its spares stay within
// the buffers it has out at once, and that each object starts with room for a whole part).
TEST_F(S3ClientAgainstS3rver, WriterSendsOneRequestObjectsInTheBackgroundWhileTheNextFills) {
  S3ObjectWriter writer(options(), S3WriterOptions{.bucket = kBucket, .part_size_bytes = 5u << 20});
  std::vector<std::string> bodies;
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(writer.begin(cat("low-rate/object-", i, ".json.zst")).ok());
    bodies.push_back(pattern(1000 + 100 * i, static_cast<char>(i)));
    ASSERT_TRUE(writer.append(bodies.back()).ok());
    ASSERT_TRUE(writer.seal().ok());
    ASSERT_TRUE(writer.single_request());
    if (i > 0) {  // the object before completed while this one filled
      const std::optional<ObjectWriter::Completion> before = writer.completion(/*wait=*/true);
      ASSERT_TRUE(before.has_value());
      ASSERT_TRUE(before->status.ok()) << before->status.error().message;
    }
    ASSERT_TRUE(writer.complete_in_background());
  }
  const std::optional<ObjectWriter::Completion> last = writer.completion(/*wait=*/true);
  ASSERT_TRUE(last.has_value());
  ASSERT_TRUE(last->status.ok()) << last->status.error().message;

  for (size_t i = 0; i < bodies.size(); ++i)
    EXPECT_TRUE(read_back(cat("low-rate/object-", i, ".json.zst")) == bodies[i]) << "object " << i;
}

// A multipart object: part 1's upload thread begins the upload (CreateMultipartUpload), part 2
// waits for its id, part 3 for a connection; the object is whole and in order.
TEST_F(S3ClientAgainstS3rver, WriterBeginsTheUploadWithPartOneOnItsUploadThread) {
  S3ObjectWriter writer(options(), S3WriterOptions{.bucket = kBucket, .part_size_bytes = 5u << 20});
  const std::string key = "high-rate/object.json.zst";
  ASSERT_TRUE(writer.begin(key).ok());
  std::string whole;
  for (char fill = 1; fill <= 3; ++fill) {
    const std::string part = pattern(5u << 20, fill);
    ASSERT_TRUE(writer.append(part).ok());
    whole += part;
    EXPECT_FALSE(writer.single_request());  // from part 1 on, whether or not S3 has answered
  }
  const std::string tail = pattern(1000, 4);
  ASSERT_TRUE(writer.append(tail).ok());
  whole += tail;
  ASSERT_TRUE(writer.seal().ok());
  EXPECT_FALSE(writer.uploads_in_flight());
  EXPECT_FALSE(writer.upload_id().empty());
  ASSERT_EQ(writer.parts().size(), 4u);
  ASSERT_TRUE(writer.complete().ok());
  EXPECT_TRUE(read_back(key) == whole);
}

TEST_F(S3ClientAgainstS3rver, Injected503IsRetriedUntilTheRequestPasses) {
  S3Client s3(options());
  std::vector<int> attempts;
  s3.set_fault_hook([&](std::string_view op, int attempt) -> std::optional<int> {
    if (op != "PutObject") return std::nullopt;
    attempts.push_back(attempt);
    return attempt <= 2 ? std::optional<int>(503) : std::nullopt;
  });
  const std::string body = "{\"msg\":\"hello\"}\n";

  const Status put = s3.put_object(kBucket, "retry/object.ndjson", body,
                                   S3ObjectOptions{.content_type = "application/x-ndjson"});

  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_EQ(attempts, (std::vector<int>{1, 2, 3}));
  Result<std::string> got = s3.get_object(kBucket, "retry/object.ndjson");
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(*got, body);
}

TEST_F(S3ClientAgainstS3rver, ForbiddenIsNotRetried) {
  S3ClientOptions bad = options();
  bad.credentials = {"NOT-A-KEY", "NOT-A-SECRET", ""};
  S3Client s3(bad);
  int attempts = 0;
  s3.set_fault_hook([&](std::string_view, int) -> std::optional<int> {
    ++attempts;
    return std::nullopt;
  });

  const Status put = s3.put_object(kBucket, "denied.txt", std::string_view("x"),
                                   S3ObjectOptions{.content_type = "text/plain"});

  ASSERT_FALSE(put.ok());
  EXPECT_EQ(attempts, 1);
  EXPECT_EQ(s3.last_failure().http_status, 403);
  EXPECT_EQ(s3.last_failure().code, "InvalidAccessKeyId");
  EXPECT_NE(put.error().message.find("s3 PutObject ferry-test/denied.txt: HTTP 403 "
                                     "InvalidAccessKeyId:"),
            std::string::npos)
      << put.error().message;
  EXPECT_EQ(put.error().message.find("NOT-A-SECRET"), std::string::npos);
}

TEST_F(S3ClientAgainstS3rver, Injected403IsNotRetried) {
  S3Client s3(options());
  int attempts = 0;
  s3.set_fault_hook([&](std::string_view, int) -> std::optional<int> {
    ++attempts;
    return 403;
  });
  const Status put = s3.put_object(kBucket, "denied.txt", std::string_view("x"),
                                   S3ObjectOptions{.content_type = "text/plain"});
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(attempts, 1);
  EXPECT_EQ(s3.last_failure().http_status, 403);
  EXPECT_FALSE(s3.last_failure().retryable);
}

TEST_F(S3ClientAgainstS3rver, RetriesStopAtMaxAttempts) {
  S3Client s3(options());
  int attempts = 0;
  s3.set_fault_hook([&](std::string_view, int) -> std::optional<int> {
    ++attempts;
    return 500;
  });
  const Status put = s3.put_object(kBucket, "never.txt", std::string_view("x"),
                                   S3ObjectOptions{.content_type = "text/plain"});
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(attempts, 4);
  EXPECT_EQ(s3.last_failure().attempts, 4);
  EXPECT_TRUE(s3.last_failure().retryable);
  EXPECT_NE(put.error().message.find("gave up after 4 attempts"), std::string::npos);
}

TEST_F(S3ClientAgainstS3rver, KeysWithSpacesEqualsPlusAndUtf8RoundTrip) {
  S3Client s3(options());
  const std::string key = "logs/a b=c+d&e/\xC3\xBC~(1).ndjson";
  ASSERT_TRUE(s3.put_object(kBucket, key, std::string_view("line\n"),
                            S3ObjectOptions{.content_type = "application/x-ndjson"})
                  .ok());
  Result<std::string> got = s3.get_object(kBucket, key);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(*got, "line\n");
  Result<std::optional<S3ObjectInfo>> missing = s3.head_object(kBucket, key + ".missing");
  ASSERT_TRUE(missing.ok()) << missing.error().message;
  EXPECT_FALSE(missing->has_value());
}

TEST_F(S3ClientAgainstS3rver, RetryWarningsNameTheFailureButNoSecrets) {
  S3ClientOptions opts = options();
  opts.credentials = {"S3RVER", "S3RVER-SECRET-VALUE", "SESSION-TOKEN-VALUE"};
  S3Client s3(opts);
  s3.set_fault_hook([&](std::string_view, int attempt) -> std::optional<int> {
    return attempt == 1 ? std::optional<int>(503) : std::nullopt;
  });
  ::testing::internal::CaptureStderr();
  const Status put = s3.put_object(kBucket, "logged.txt", std::string_view("x"),
                                   S3ObjectOptions{.content_type = "text/plain"});
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(log.find("s3 PutObject ferry-test/logged.txt: attempt 1/4 failed: HTTP 503"),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find("S3RVER-SECRET-VALUE"), std::string::npos) << log;
  EXPECT_EQ(log.find("SESSION-TOKEN-VALUE"), std::string::npos) << log;
  EXPECT_EQ(log.find("Signature="), std::string::npos) << log;
  if (!put.ok()) {
    EXPECT_EQ(put.error().message.find("SESSION-TOKEN-VALUE"), std::string::npos);
  }
}

// S3's behaviours that s3rver lacks (NoSuchUpload, AbortMultipartUpload, 200 with <Error>,
// SlowDown bodies) come from a canned server: one thread answering each connection with the
// next scripted response and recording what it received.
struct CannedResponse {
  int status;
  std::string body;
  std::string extra_headers;  // "Name: value\r\n" lines
};

struct ReceivedRequest {
  std::string head;  // request line and headers
  std::string body;
};

class CannedS3 {
 public:
  explicit CannedS3(std::vector<CannedResponse> script) : script_(std::move(script)) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    FERRY_ASSERT(listener_ >= 0);
    FERRY_ASSERT(bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    FERRY_ASSERT(listen(listener_, 16) == 0);
    FERRY_ASSERT(getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~CannedS3() {
    stop_ = true;
    thread_.join();
    close(listener_);
  }
  int port() const { return port_; }
  std::vector<ReceivedRequest> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  void serve() {
    size_t next = 0;
    while (!stop_) {
      pollfd pfd{listener_, POLLIN, 0};
      if (poll(&pfd, 1, 20) <= 0) continue;
      const int fd = accept(listener_, nullptr, nullptr);
      if (fd < 0) continue;
      timeval timeout{5, 0};  // bounded: a stuck client cannot hang the test
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      ReceivedRequest request = read_request(fd);
      const CannedResponse& response = script_.empty()
                                           ? CannedResponse{500, "", ""}
                                           : script_[std::min(next, script_.size() - 1)];
      ++next;
      {
        // Recorded before the answer goes out: the client may check as soon as it has it.
        std::lock_guard lock(mutex_);
        received_.push_back(std::move(request));
      }
      const std::string wire =
          cat("HTTP/1.1 ", response.status, " Canned\r\nContent-Length: ", response.body.size(),
              "\r\nConnection: close\r\n", response.extra_headers, "\r\n", response.body);
      write_all(fd, wire);
      close(fd);
    }
  }

  static void write_all(int fd, std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      data.remove_prefix(static_cast<size_t>(n));
    }
  }

  static ReceivedRequest read_request(int fd) {
    std::string data;
    char buffer[65536];
    size_t head_end = std::string::npos;
    while (head_end == std::string::npos) {
      const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) return {data, ""};
      data.append(buffer, static_cast<size_t>(n));
      head_end = data.find("\r\n\r\n");
    }
    ReceivedRequest request{data.substr(0, head_end), data.substr(head_end + 4)};
    std::string lower = request.head;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t length = 0;
    if (const size_t at = lower.find("\r\ncontent-length:"); at != std::string::npos) {
      length = std::strtoull(lower.c_str() + at + 17, nullptr, 10);
    }
    if (lower.find("\r\nexpect: 100-continue") != std::string::npos) {
      write_all(fd, "HTTP/1.1 100 Continue\r\n\r\n");
    }
    while (request.body.size() < length) {
      const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      request.body.append(buffer, static_cast<size_t>(n));
    }
    return request;
  }

  std::vector<CannedResponse> script_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<ReceivedRequest> received_;
};

std::string s3_error_xml(std::string_view code, std::string_view message) {
  return cat("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>", code, "</Code><Message>",
             message, "</Message><RequestId>REQ123</RequestId></Error>");
}

TEST(S3ClientAgainstCannedServer, PartForAnUnknownUploadIsReportedAsNoSuchUpload) {
  CannedS3 server(
      {{404, s3_error_xml("NoSuchUpload", "The specified upload does not exist."), ""}});
  S3Client s3(local_options(server.port()));

  Result<std::string> etag = s3.upload_part(kBucket, "k.zst", "gone", 7, std::string_view("x"));

  ASSERT_FALSE(etag.ok());
  EXPECT_EQ(s3.last_failure().code, "NoSuchUpload");
  EXPECT_EQ(s3.last_failure().http_status, 404);
  EXPECT_EQ(s3.last_failure().attempts, 1);  // a 404 is final
  EXPECT_EQ(etag.error().message,
            "s3 UploadPart ferry-test/k.zst: HTTP 404 NoSuchUpload: The specified upload does not "
            "exist.");
  EXPECT_EQ(server.received().size(), 1u);
}

TEST(S3ClientAgainstCannedServer, UploadPartIsASignedPutCarryingThePayloadHash) {
  CannedResponse ok{200, "", "ETag: \"abc123\"\r\n"};
  CannedS3 server({ok});
  S3Client s3(local_options(server.port()));
  const std::string body = pattern(300000, 9);

  Result<std::string> etag = s3.upload_part(kBucket, "dir/a b.zst", "up/1", 2, body);

  ASSERT_TRUE(etag.ok()) << etag.error().message;
  EXPECT_EQ(*etag, "\"abc123\"");
  const std::vector<ReceivedRequest> received = server.received();
  ASSERT_EQ(received.size(), 1u);
  const std::string& head = received[0].head;
  EXPECT_EQ(head.substr(0, head.find("\r\n")),
            "PUT /ferry-test/dir/a%20b.zst?partNumber=2&uploadId=up%2F1 HTTP/1.1");
  EXPECT_NE(head.find(cat("x-amz-content-sha256: ", sha256_hex(body))), std::string::npos);
  EXPECT_NE(head.find("authorization: AWS4-HMAC-SHA256 Credential=S3RVER/"), std::string::npos);
  // curl writes the Host header's name its own way; the value is the one that was signed.
  EXPECT_NE(head.find(cat("Host: 127.0.0.1:", server.port(), "\r\n")), std::string::npos) << head;
  EXPECT_TRUE(received[0].body == body);
}

TEST(S3ClientAgainstCannedServer, CompleteAnsweredWith200InternalErrorIsRetried) {
  const std::string done =
      "<CompleteMultipartUploadResult><ETag>&quot;x-2&quot;</ETag></CompleteMultipartUploadResult>";
  CannedS3 server({{200, s3_error_xml("InternalError", "We encountered an internal error."), ""},
                   {200, done, ""}});
  S3Client s3(local_options(server.port()));

  const Status status =
      s3.complete_multipart_upload(kBucket, "k", "u1", {{1, "\"a\""}, {2, "\"b\""}});

  ASSERT_TRUE(status.ok()) << status.error().message;
  const std::vector<ReceivedRequest> received = server.received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[1].head.substr(0, received[1].head.find("\r\n")),
            "POST /ferry-test/k?uploadId=u1 HTTP/1.1");
  EXPECT_NE(received[1].body.find("<PartNumber>2</PartNumber><ETag>&quot;b&quot;</ETag>"),
            std::string::npos);
}

TEST(S3ClientAgainstCannedServer, CompleteAnsweredWith200OtherErrorFailsWithoutRetry) {
  CannedS3 server(
      {{200, s3_error_xml("InvalidPart", "One or more parts could not be found."), ""}});
  S3Client s3(local_options(server.port()));
  const Status status = s3.complete_multipart_upload(kBucket, "k", "u1", {{1, "\"a\""}});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(s3.last_failure().code, "InvalidPart");
  EXPECT_EQ(server.received().size(), 1u);
}

TEST(S3ClientAgainstCannedServer, SlowDownIsRetriedAndLoggedWithS3sCodeAndMessage) {
  CannedS3 server({{503, s3_error_xml("SlowDown", "Please reduce your request rate."), ""},
                   {400, s3_error_xml("RequestTimeout", "Your socket connection timed out."), ""},
                   {200, "", ""}});
  S3Client s3(local_options(server.port()));
  ::testing::internal::CaptureStderr();
  const Status put = s3.put_object(kBucket, "k", std::string_view("x"),
                                   S3ObjectOptions{.content_type = "text/plain"});
  const std::string log = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_EQ(server.received().size(), 3u);
  EXPECT_NE(log.find("s3 PutObject ferry-test/k: attempt 1/4 failed: HTTP 503 SlowDown: Please "
                     "reduce your request rate.; retrying in "),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("attempt 2/4 failed: HTTP 400 RequestTimeout:"), std::string::npos) << log;
}

// A rollover's seal without waiting: a try sends the last part once the upload has its id and
// reports the uploads on their way; a later try reports the object sealed once every part is
// acknowledged.
TEST_F(S3ClientAgainstS3rver, WriterSealsWithoutWaitingForItsUploads) {
  S3ObjectWriter writer(options(), S3WriterOptions{.bucket = kBucket, .part_size_bytes = 5u << 20});
  const std::string key = "closing/object.json.zst";
  ASSERT_TRUE(writer.begin(key).ok());
  const std::string whole = pattern(5u << 20, 1) + pattern(1000, 2);
  ASSERT_TRUE(writer.append(std::string_view(whole).substr(0, 5u << 20)).ok());  // part 1 goes
  ASSERT_TRUE(writer.append(std::string_view(whole).substr(5u << 20)).ok());
  Result<bool> sealed = writer.try_seal();
  ASSERT_TRUE(sealed.ok()) << sealed.error().message;
  // Part 1 (with the Create) or the last part, sent once the upload has its id, is on its way.
  EXPECT_FALSE(sealed.value());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (sealed.ok() && !sealed.value() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    sealed = writer.try_seal();
  }
  ASSERT_TRUE(sealed.ok()) << sealed.error().message;
  ASSERT_TRUE(sealed.value());
  EXPECT_FALSE(writer.uploads_in_flight());
  EXPECT_EQ(writer.submitted_parts(), 2);
  ASSERT_EQ(writer.parts().size(), 2u);
  ASSERT_TRUE(writer.complete().ok());
  EXPECT_TRUE(read_back(key) == whole);
}

// The shipper sleeps between its ticks: the writer tells it (set_on_progress) when a part's
// upload or the background completion has finished, so that a flow held for a connection goes
// on at once. Each call comes with something to collect: no poll or wait was needed before it.
TEST_F(S3ClientAgainstS3rver, WriterTellsWhenAnUploadOrItsCompletionIsReadyToCollect) {
  std::mutex mutex;
  std::condition_variable told;
  int calls = 0;
  const auto wait_for_call = [&](int n) {
    std::unique_lock lock(mutex);
    return told.wait_for(lock, std::chrono::seconds(30), [&] { return calls >= n; });
  };
  S3ObjectWriter writer(options(), S3WriterOptions{.bucket = kBucket, .part_size_bytes = 5u << 20});
  writer.set_on_progress([&] {
    std::lock_guard lock(mutex);
    ++calls;
    told.notify_all();
  });
  const std::string key = "told/object.json.zst";
  ASSERT_TRUE(writer.begin(key).ok());
  std::string whole;
  for (char fill = 1; fill <= 2; ++fill) {
    whole += pattern(5u << 20, fill);
    ASSERT_TRUE(writer.append(std::string_view(whole).substr(whole.size() - (5u << 20))).ok());
    ASSERT_TRUE(wait_for_call(fill)) << "no call for part " << int{fill};
    ASSERT_TRUE(writer.poll().ok());
    EXPECT_EQ(writer.parts().size(), static_cast<size_t>(fill));  // acknowledged when told
    EXPECT_FALSE(writer.uploads_in_flight());
  }
  ASSERT_TRUE(writer.seal().ok());
  ASSERT_TRUE(writer.complete_in_background());
  ASSERT_TRUE(wait_for_call(3)) << "no call for the completion";
  const std::optional<ObjectWriter::Completion> completed = writer.completion(/*wait=*/false);
  ASSERT_TRUE(completed.has_value());
  ASSERT_TRUE(completed->status.ok()) << completed->status.error().message;
  EXPECT_TRUE(read_back(key) == whole);
  std::lock_guard lock(mutex);
  EXPECT_EQ(calls, 3);  // two parts, one completion
}

// CreateMultipartUpload refused: part 1's job brings the refusal back, named, and no part is
// sent.
TEST(S3ClientAgainstCannedServer, WriterReportsARefusedCreateMultipartUploadFromPartOne) {
  CannedS3 server({{403, s3_error_xml("AccessDenied", "Access Denied"), ""}});
  S3ObjectWriter writer(local_options(server.port()),
                        S3WriterOptions{.bucket = kBucket, .part_size_bytes = 5u << 20});
  ASSERT_TRUE(writer.begin("k").ok());
  // Part 1 goes to its thread. The refusal comes back at the next poll: append's own, on a
  // loaded machine where the answer is quick enough, or seal's.
  const Status appended = writer.append(std::string(5u << 20, 'x'));
  EXPECT_FALSE(writer.single_request());
  const Status sealed = appended.ok() ? writer.seal() : appended;
  ASSERT_FALSE(sealed.ok());
  EXPECT_NE(sealed.error().message.find("s3 CreateMultipartUpload ferry-test/k"), std::string::npos)
      << sealed.error().message;
  EXPECT_NE(sealed.error().message.find("AccessDenied"), std::string::npos);
  EXPECT_TRUE(writer.upload_id().empty());
  EXPECT_FALSE(writer.uploads_in_flight());
  const std::vector<ReceivedRequest> received = server.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].head.substr(0, received[0].head.find("\r\n")),
            "POST /ferry-test/k?uploads HTTP/1.1");
}

TEST(S3ClientAgainstCannedServer, AbortIsADeleteOfTheUpload) {
  CannedS3 server({{204, "", ""}});
  S3Client s3(local_options(server.port()));
  const Status status = s3.abort_multipart_upload(kBucket, "k", "u=1");
  ASSERT_TRUE(status.ok()) << status.error().message;
  const std::vector<ReceivedRequest> received = server.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].head.substr(0, received[0].head.find("\r\n")),
            "DELETE /ferry-test/k?uploadId=u%3D1 HTTP/1.1");
}

TEST(S3Client, ConnectionRefusedIsRetriedThenReportedWithCurlsMessage) {
  const int port = free_port();  // nothing listens there
  ASSERT_GT(port, 0);
  S3ClientOptions options = local_options(port);
  options.max_attempts = 2;
  S3Client s3(options);
  int attempts = 0;
  s3.set_fault_hook([&](std::string_view, int) -> std::optional<int> {
    ++attempts;
    return std::nullopt;
  });
  const Status put = s3.put_object(kBucket, "k", std::string_view("x"),
                                   S3ObjectOptions{.content_type = "text/plain"});
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(s3.last_failure().http_status, 0);
  EXPECT_NE(put.error().message.find("s3 PutObject ferry-test/k: HTTP PUT http://127.0.0.1:"),
            std::string::npos)
      << put.error().message;
  EXPECT_NE(put.error().message.find("gave up after 2 attempts"), std::string::npos);
}

// A loopback listener that never accepts: connections wait in its backlog, requests get no
// answer (a stall). `port` is where it listens.
void listen_without_answering(UniqueFd& listener, int& port) {
  listener.reset(socket(AF_INET, SOCK_STREAM, 0));
  ASSERT_TRUE(listener.valid());
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(listener.get(), 16), 0);
  ASSERT_EQ(getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len), 0);
  port = ntohs(addr.sin_port);
}

// One attempt per request, given up once slower than `bytes_per_second` for `seconds`.
S3ClientOptions one_attempt_until_slow(int port, long bytes_per_second, long seconds) {
  S3ClientOptions options = local_options(port);
  options.max_attempts = 1;
  options.http.low_speed_bytes_per_second = bytes_per_second;
  options.http.low_speed_seconds = seconds;
  return options;
}

// A stalled transfer (the server takes the connection and never answers) fails for time: a
// timeout for the retries-by-cause metric, where a refused connection is a connection failure.
TEST(S3Client, AStalledAnswerIsATimeoutAndARefusedConnectionIsNot) {
  UniqueFd listener;
  int port = 0;
  ASSERT_NO_FATAL_FAILURE(listen_without_answering(listener, port));
  const auto put_once = [](int port, long stall_seconds) {
    S3ClientOptions options = local_options(port);
    options.max_attempts = 2;
    options.http.low_speed_bytes_per_second = 1024;
    options.http.low_speed_seconds = stall_seconds;
    std::vector<bool> timed_out;
    options.on_retry = [&](const S3Failure& failure) { timed_out.push_back(failure.timed_out); };
    S3Client s3(options);
    EXPECT_FALSE(s3.put_object(kBucket, "k", std::string_view("x"),
                               S3ObjectOptions{.content_type = "text/plain"})
                     .ok());
    EXPECT_EQ(s3.last_failure().timed_out, timed_out.empty() ? false : timed_out.front());
    return timed_out;
  };
  EXPECT_EQ(put_once(port, 1), std::vector<bool>{true});
  listener.reset();
  EXPECT_EQ(put_once(free_port(), 1), std::vector<bool>{false});  // nothing listens
  EXPECT_EQ(classify_retry(0, "", true), RetryCause::timeout);
  EXPECT_EQ(classify_retry(0, "", false), RetryCause::connection);
}

// The shipper asks before each batch whether appending it would wait (and holds the flow's
// batches if so): a part that fills while the upload has no id yet, or with every connection
// taken, would.
TEST(S3Client, WriterSaysWhetherAnAppendWouldWaitForItsUploads) {
  UniqueFd listener;
  int port = 0;
  ASSERT_NO_FATAL_FAILURE(listen_without_answering(listener, port));
  const S3ClientOptions options = one_attempt_until_slow(port, 1024, 1);
  const uint64_t part = 5u << 20;
  S3ObjectWriter writer(options, S3WriterOptions{.bucket = kBucket, .part_size_bytes = part});
  ASSERT_TRUE(writer.begin("k").ok());
  EXPECT_FALSE(writer.append_would_wait(part));             // part 1 has a connection
  ASSERT_TRUE(writer.append(std::string(part, 'x')).ok());  // part 1 goes, its Create stalls
  EXPECT_TRUE(writer.uploads_in_flight());
  EXPECT_TRUE(writer.append_would_wait(part));       // part 2 would wait for the upload's id
  EXPECT_FALSE(writer.append_would_wait(part - 1));  // it would not fill part 2
  ASSERT_TRUE(writer.append(std::string(part - 1, 'y')).ok());
  EXPECT_TRUE(writer.append_would_wait(1));
  writer.abandon();
}

// A flow that fails lets go of its object (abandon) on the shipper thread: the parts of its
// begun upload still in flight are not waited for there. They come back later, and only their
// buffers are kept; the writer's end waits for them.
TEST(S3Client, WriterAbandonsThePartsInFlightWithoutWaitingForThem) {
  UniqueFd listener;
  int port = 0;
  ASSERT_NO_FATAL_FAILURE(listen_without_answering(listener, port));
  // Each stalled part fails after 2 s: slower than 1 MiB/s, its 64 KiB (whole in the socket's
  // buffers at once) count for nothing.
  const S3ClientOptions options = one_attempt_until_slow(port, 1 << 20, 2);
  const uint64_t part = 64u << 10;
  auto writer = std::make_unique<S3ObjectWriter>(
      options, S3WriterOptions{.bucket = kBucket, .part_size_bytes = part});
  // An upload begun before (a restart): its parts need no CreateMultipartUpload.
  ASSERT_TRUE(
      writer->resume(OpenObject{.key = "k", .upload_id = "u", .parts = {{1, "\"e\"", part, ""}}})
          .ok());
  ASSERT_TRUE(writer->append(std::string(part, 'x')).ok());  // part 2 goes, and stalls
  ASSERT_TRUE(writer->append(std::string(part, 'y')).ok());  // part 3 too
  EXPECT_TRUE(writer->append_would_wait(part));              // no connection is left
  using Clock = std::chrono::steady_clock;
  const Clock::time_point abandoned = Clock::now();
  writer->abandon();
  EXPECT_LT(Clock::now() - abandoned, std::chrono::seconds(1));
  EXPECT_TRUE(writer->uploads_in_flight());
  EXPECT_EQ(writer->upload_id(), "u");  // still named, for the checkpoint

  // A new object may begin meanwhile; its parts wait for the connections, and the failures of
  // the abandoned parts are not its own.
  ASSERT_TRUE(writer->begin("k2").ok());
  EXPECT_TRUE(writer->append_would_wait(part));
  while (writer->uploads_in_flight() && Clock::now() - abandoned < std::chrono::seconds(20)) {
    const Status polled = writer->poll();
    ASSERT_TRUE(polled.ok()) << polled.error().message;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_FALSE(writer->uploads_in_flight());
  EXPECT_GE(Clock::now() - abandoned, std::chrono::milliseconds(1500));  // they did stall
  EXPECT_FALSE(writer->append_would_wait(part));
  EXPECT_TRUE(writer->upload_id().empty());  // the new object's upload is not begun yet
  writer->abandon();

  // Destroyed with parts in flight, the writer waits for them.
  ASSERT_TRUE(
      writer->resume(OpenObject{.key = "k", .upload_id = "u", .parts = {{1, "\"e\"", part, ""}}})
          .ok());
  ASSERT_TRUE(writer->append(std::string(part, 'z')).ok());
  writer->abandon();
  EXPECT_TRUE(writer->uploads_in_flight());
  const Clock::time_point destroyed = Clock::now();
  writer.reset();
  EXPECT_GE(Clock::now() - destroyed, std::chrono::milliseconds(1500));
}

TEST(S3Client, PathStyleAndVirtualHostedTargetsEncodeTheKeyPerSegment) {
  S3ClientOptions options;
  options.credentials = {"AK", "SK", ""};
  options.region = "eu-west-1";
  const S3Client virtual_hosted(options);
  const S3Target vh = virtual_hosted.target("my-bucket", "dir/a b=c.zst", "uploads");
  EXPECT_EQ(vh.url, "https://my-bucket.s3.eu-west-1.amazonaws.com/dir/a%20b%3Dc.zst?uploads");
  EXPECT_EQ(vh.host, "my-bucket.s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(vh.path, "/dir/a%20b%3Dc.zst");

  // Dotted bucket names break TLS for virtual hosts: they go path-style.
  EXPECT_EQ(virtual_hosted.target("my.bucket", "k", "").url,
            "https://s3.eu-west-1.amazonaws.com/my.bucket/k");

  options.endpoint = "http://minio.internal:9000";
  options.force_path_style = true;
  const S3Target ps = S3Client(options).target("my-bucket", "dir/a b", "");
  EXPECT_EQ(ps.url, "http://minio.internal:9000/my-bucket/dir/a%20b");
  EXPECT_EQ(ps.host, "minio.internal:9000");

  options.force_path_style = false;
  EXPECT_EQ(S3Client(options).target("my-bucket", "k", "").url,
            "http://my-bucket.minio.internal:9000/k");
  options.endpoint = "http://127.0.0.1:4568";  // an IP has no subdomains
  EXPECT_EQ(S3Client(options).target("my-bucket", "k", "").url,
            "http://127.0.0.1:4568/my-bucket/k");
}

TEST(S3Client, OptionsValidationNamesTheProblem) {
  S3ClientOptions options;
  options.credentials = {"AK", "SK", ""};
  EXPECT_TRUE(validate_s3_options(options).ok());
  options.endpoint = "ftp://x";
  EXPECT_NE(validate_s3_options(options).error().message.find("http"), std::string::npos);
  options.endpoint = "http://host:1/path";
  EXPECT_FALSE(validate_s3_options(options).ok());
  options.endpoint = "";
  options.max_attempts = 0;
  EXPECT_NE(validate_s3_options(options).error().message.find("max_attempts"), std::string::npos);
}

}  // namespace
}  // namespace ferry
