// Tests of the metrics server on loopback sockets: its answers (status codes, HEAD, 405 with
// Allow), many clients at once (idle, slow, one that never reads a large answer) while probes
// are answered at once, the deadlines of the head and of the answer, the connection cap, and a
// burst of connects while the server thread is busy.
#include "io/metrics_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "io/steady_clock.hpp"

namespace ferry {
namespace {

// A probe's bound here, on a loaded CI machine running tests in parallel (the integration test
// holds the median to 100 ms); before, each idle client ahead of a probe cost 3 s.
constexpr int kProbeMillis = 1000;

constexpr size_t kLargeBody = 16 << 20;  // more than loopback buffers hold

HttpAnswer handle(std::string_view path) {
  if (path == "/healthz") return HttpAnswer{200, "text/plain; charset=utf-8", "ok\n"};
  if (path == "/large") return HttpAnswer{200, "text/plain", std::string(kLargeBody, 'x')};
  return HttpAnswer{404, "text/plain; charset=utf-8", "not found\n"};
}

std::unique_ptr<MetricsServer> start_server_with(MetricsServer::Handler handler,
                                                 MetricsServerLimits limits = {}) {
  auto server = MetricsServer::start("127.0.0.1:0", std::move(handler), limits);
  EXPECT_TRUE(server.ok());
  return std::move(server.value());
}

std::unique_ptr<MetricsServer> start_server(MetricsServerLimits limits = {}) {
  return start_server_with(handle, limits);
}

sockaddr_in loopback(uint16_t port) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return to;
}

// A client socket connected to 127.0.0.1:port; a small receive buffer if `receive_buffer`.
UniqueFd connect_to(uint16_t port, int receive_buffer = 0) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  EXPECT_TRUE(fd.valid());
  if (receive_buffer > 0)
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  const sockaddr_in to = loopback(port);
  EXPECT_EQ(::connect(fd.get(), reinterpret_cast<const sockaddr*>(&to), sizeof to), 0)
      << std::strerror(errno);
  return fd;
}

void send_text(int fd, std::string_view text) {
  ASSERT_EQ(::send(fd, text.data(), text.size(), MSG_NOSIGNAL), static_cast<ssize_t>(text.size()));
}

// Everything the server sends until it closes, or until `timeout_millis` (then `closed` false).
struct Received {
  std::string bytes;
  bool closed = false;
  bool reset = false;
};

Received receive_until_closed(int fd, int timeout_millis) {
  Received out;
  const uint64_t deadline = steady_millis() + static_cast<uint64_t>(timeout_millis);
  for (;;) {
    const uint64_t now = steady_millis();
    if (now >= deadline) return out;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(deadline - now)) <= 0) return out;
    char buffer[65536];
    const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
    if (got > 0) {
      out.bytes.append(buffer, static_cast<size_t>(got));
      continue;
    }
    out.closed = true;
    out.reset = got < 0 && errno == ECONNRESET;
    return out;
  }
}

// Waits for the start of the answer to a request on `fd`, and leaves it unread.
void wait_for_answer(int fd) {
  pollfd p{fd, POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 5000), 1);
}

Received ask(uint16_t port, std::string_view request, int timeout_millis = 2000) {
  const UniqueFd fd = connect_to(port);
  send_text(fd.get(), request);
  return receive_until_closed(fd.get(), timeout_millis);
}

// Milliseconds for a whole GET /healthz answer, checked to be a 200.
int64_t probe_millis(uint16_t port) {
  const auto t0 = std::chrono::steady_clock::now();
  const Received r = ask(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  EXPECT_TRUE(r.closed);
  EXPECT_EQ(r.bytes.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r.bytes;
  EXPECT_TRUE(r.bytes.ends_with("\r\n\r\nok\n")) << r.bytes;
  return took;
}

TEST(MetricsServer, AnswersStatusCodesHeadAnd405) {
  const auto server = start_server();
  Received r = ask(server->port(), "GET /healthz?x=1 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(r.closed);
  EXPECT_EQ(r.bytes,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 3\r\n"
            "Cache-Control: no-store\r\nConnection: close\r\n\r\nok\n");
  r = ask(server->port(), "HEAD /healthz HTTP/1.0\r\n\r\n");
  EXPECT_TRUE(
      r.bytes.ends_with("Content-Length: 3\r\nCache-Control: no-store\r\n"
                        "Connection: close\r\n\r\n"))
      << r.bytes;
  r = ask(server->port(), "GET /nothing HTTP/1.1\r\n\r\n");
  EXPECT_EQ(r.bytes.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u) << r.bytes;
  r = ask(server->port(), "POST /metrics HTTP/1.1\r\n\r\n");
  EXPECT_EQ(r.bytes.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0), 0u) << r.bytes;
  EXPECT_NE(r.bytes.find("\r\nAllow: GET, HEAD\r\n"), std::string::npos) << r.bytes;
  r = ask(server->port(), "GET metrics HTTP/1.1\r\n\r\n");
  EXPECT_EQ(r.bytes.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << r.bytes;
}

TEST(MetricsServer, ProbesAreAnsweredAtOnceAmongIdleSlowAndNeverReadingClients) {
  const auto server = start_server();
  const uint16_t port = server->port();
  std::vector<UniqueFd> idle;
  for (int i = 0; i < 100; ++i) idle.push_back(connect_to(port));
  std::vector<UniqueFd> slow;
  for (int i = 0; i < 5; ++i) {
    slow.push_back(connect_to(port));
    send_text(slow.back().get(), "GET /healthz HTTP/1.1\r\n");
  }
  // Asks for an answer larger than the socket buffers and never reads it.
  const UniqueFd stuck = connect_to(port, 4096);
  send_text(stuck.get(), "GET /large HTTP/1.1\r\n\r\n");
  wait_for_answer(stuck.get());  // from here on it only waits to be read

  for (int i = 0; i < 10; ++i) {
    for (const UniqueFd& s : slow) send_text(s.get(), "X");
    EXPECT_LT(probe_millis(port), kProbeMillis) << "probe " << i;
  }
  // All still open: nobody's deadline passed yet.
  pollfd p{idle.front().get(), POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 0), 0);
}

TEST(MetricsServer, IdleClientsAreClosedAtTheHeadDeadlineAndNonReadersAtTheAnswerDeadline) {
  const auto server = start_server(MetricsServerLimits{128, ConnectionDeadlines{500, 1000}});
  const uint16_t port = server->port();
  const UniqueFd stuck = connect_to(port, 4096);
  send_text(stuck.get(), "GET /large HTTP/1.1\r\n\r\n");
  wait_for_answer(stuck.get());
  const uint64_t t0 = steady_millis();
  std::vector<UniqueFd> idle;
  for (int i = 0; i < 20; ++i) idle.push_back(connect_to(port));
  const UniqueFd slow = connect_to(port);
  for (int i = 0; i < 4; ++i) {
    send_text(slow.get(), "G");  // a byte at a time does not buy more time
    EXPECT_LT(probe_millis(port), kProbeMillis);
    ::usleep(50'000);
  }
  for (const UniqueFd& fd : idle) {
    const Received r = receive_until_closed(fd.get(), 2000);
    EXPECT_TRUE(r.closed);
    EXPECT_EQ(r.bytes, "");
  }
  EXPECT_GE(steady_millis() - t0, 500u);
  EXPECT_TRUE(receive_until_closed(slow.get(), 2000).closed);
  // The answer it does not read is cut with a reset at its deadline, far short of its length.
  ::usleep(1'000'000);
  const Received r = receive_until_closed(stuck.get(), 2000);
  EXPECT_TRUE(r.closed);
  EXPECT_TRUE(r.reset);
  EXPECT_LT(r.bytes.size(), kLargeBody);
  EXPECT_LT(probe_millis(port), kProbeMillis);
}

TEST(MetricsServer, AtTheCapTheOldestIdleConnectionIsClosedForANewOne) {
  const auto server = start_server(MetricsServerLimits{8, ConnectionDeadlines{60000, 60000}});
  const uint16_t port = server->port();
  const UniqueFd stuck = connect_to(port, 4096);
  send_text(stuck.get(), "GET /large HTTP/1.1\r\n\r\n");
  wait_for_answer(stuck.get());  // it is writing, not reading
  std::vector<UniqueFd> idle;
  for (int i = 0; i < 10; ++i) {
    idle.push_back(connect_to(port));
    ::usleep(2'000);  // distinct accept times
  }
  // 1 writer + 10 idle over a cap of 8: the 3 oldest idle ones went; a probe takes a 4th.
  EXPECT_LT(probe_millis(port), kProbeMillis);
  for (size_t i = 0; i < 4; ++i) {
    const Received r = receive_until_closed(idle[i].get(), 1000);
    EXPECT_TRUE(r.closed) << i;
    EXPECT_EQ(r.bytes, "") << i;
  }
  for (size_t i = 4; i < idle.size(); ++i) {
    pollfd q{idle[i].get(), POLLIN, 0};
    EXPECT_EQ(::poll(&q, 1, 0), 0) << i;
  }
  // The writer kept its place: when it reads, its whole answer arrives and then the close
  // (a dropped connection would end early, or with a reset).
  const Received r = receive_until_closed(stuck.get(), 20000);
  EXPECT_TRUE(r.closed);
  EXPECT_FALSE(r.reset);
  EXPECT_GT(r.bytes.size(), kLargeBody);
  EXPECT_TRUE(r.bytes.ends_with(std::string(1000, 'x')));
}

// The kernel's limit on a listener's accept queue (net.core.somaxconn).
int somaxconn() {
  std::ifstream in("/proc/sys/net/core/somaxconn");
  int value = 0;
  in >> value;
  return value;
}

// Starts a connect to 127.0.0.1:port without waiting for it.
UniqueFd start_connect(uint16_t port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  EXPECT_TRUE(fd.valid());
  const sockaddr_in to = loopback(port);
  const int rc = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&to), sizeof to);
  EXPECT_TRUE(rc == 0 || errno == EINPROGRESS) << std::strerror(errno);
  return fd;
}

// Whether the connect on `fd` completed without error by `deadline` (steady_millis).
bool connected_by(int fd, uint64_t deadline) {
  const uint64_t now = steady_millis();
  pollfd p{fd, POLLOUT, 0};
  if (::poll(&p, 1, static_cast<int>(deadline - std::min(deadline, now))) != 1) return false;
  int error = 0;
  socklen_t length = sizeof error;
  return ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0;
}

TEST(MetricsServer, ABurstOfConnectsWaitsForAcceptWhileTheThreadIsBusy) {
  constexpr int kBurst = 300;  // more than the connection cap of 128
  if (somaxconn() < kBurst) GTEST_SKIP() << "net.core.somaxconn is " << somaxconn();
  struct Busy {
    std::atomic<bool> entered{false};
    std::atomic<bool> released{false};
  };
  const auto busy = std::make_shared<Busy>();
  const auto server = start_server_with([busy](std::string_view path) {
    if (path != "/busy") return handle(path);
    busy->entered = true;
    for (int i = 0; i < 20'000 && !busy->released; ++i) ::usleep(1'000);
    return HttpAnswer{200, "text/plain; charset=utf-8", "done\n"};
  });
  const uint16_t port = server->port();
  const UniqueFd holder = connect_to(port);
  send_text(holder.get(), "GET /busy HTTP/1.1\r\n\r\n");
  for (int i = 0; i < 5'000 && !busy->entered; ++i) ::usleep(1'000);
  ASSERT_TRUE(busy->entered);

  // The thread accepts nothing now. A connect the queue has no room for has its SYN dropped and
  // retried after 1 s, so each must complete well within that.
  std::vector<UniqueFd> burst;
  for (int i = 0; i < kBurst; ++i) burst.push_back(start_connect(port));
  const uint64_t deadline = steady_millis() + 700;
  int connected = 0;
  for (const UniqueFd& fd : burst) connected += connected_by(fd.get(), deadline) ? 1 : 0;
  busy->released = true;
  EXPECT_EQ(connected, kBurst);
  EXPECT_EQ(receive_until_closed(holder.get(), 5000).bytes.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_LT(probe_millis(port), kProbeMillis);
}

}  // namespace
}  // namespace ferry
