// The metrics server's socket work: listen, accept, read one request head, answer, close.
#include "io/metrics_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>

#include "core/http_request_head.hpp"
#include "core/listen_address.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "io/durable_file.hpp"  // write_all
#include "io/steady_clock.hpp"

namespace ferry {

namespace {

constexpr int kReadDeadlineMillis = 3000;

std::string_view reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 503: return "Service Unavailable";
  }
  return "Unknown";
}

void answer(int connection, const HttpAnswer& reply, bool with_body) {
  std::string out =
      cat("HTTP/1.1 ", reply.status, " ", reason(reply.status),
          "\r\nContent-Type: ", reply.content_type, "\r\nContent-Length: ", reply.body.size(),
          "\r\nCache-Control: no-store\r\nConnection: close\r\n");
  if (reply.status == 405) out.append("Allow: GET, HEAD\r\n");
  out.append("\r\n");
  if (with_body) out.append(reply.body);
  (void)write_all(connection, out, "metrics client");  // a client that left: not our problem
}

}  // namespace

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const std::string& address_text,
                                                            Handler handler) {
  auto address = parse_listen_address(address_text);
  if (!address) return address.error();
  UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!listener.valid()) return make_error(cat("metrics: socket: ", std::strerror(errno)));
  const int yes = 1;
  ::setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in bind_to{};
  bind_to.sin_family = AF_INET;
  bind_to.sin_port = htons(address->port);
  ::inet_pton(AF_INET, address->host.c_str(), &bind_to.sin_addr);
  if (::bind(listener.get(), reinterpret_cast<const sockaddr*>(&bind_to), sizeof bind_to) != 0 ||
      ::listen(listener.get(), 16) != 0)
    return make_error(cat("metrics: cannot listen on ", address->host, ":", address->port, ": ",
                          std::strerror(errno)));
  sockaddr_in bound{};
  socklen_t length = sizeof bound;
  ::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&bound), &length);
  UniqueFd stop(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!stop.valid()) return make_error(cat("metrics: eventfd: ", std::strerror(errno)));
  return std::unique_ptr<MetricsServer>(new MetricsServer(
      std::move(listener), std::move(stop), ntohs(bound.sin_port), std::move(handler)));
}

MetricsServer::MetricsServer(UniqueFd listener, UniqueFd stop, uint16_t port, Handler handler)
    : listener_(std::move(listener)),
      stop_(std::move(stop)),
      port_(port),
      handler_(std::move(handler)),
      thread_([this] { run(); }) {}

MetricsServer::~MetricsServer() {
  const uint64_t one = 1;
  (void)!::write(stop_.get(), &one, sizeof one);
  thread_.join();
}

void MetricsServer::run() {
  for (;;) {
    pollfd fds[2] = {{listener_.get(), POLLIN, 0}, {stop_.get(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      FERRY_ERROR(cat("metrics: poll: ", std::strerror(errno), "; the metrics server stops"));
      return;
    }
    if (fds[1].revents != 0) return;
    const UniqueFd connection(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!connection.valid()) continue;  // the client gave up already, or fds are short
    // A client that does not read its answer blocks the server for this long at most.
    const timeval send_timeout{kReadDeadlineMillis / 1000, 0};
    ::setsockopt(connection.get(), SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
    serve(connection.get());
  }
}

void MetricsServer::serve(int connection) {
  char buffer[kMaxRequestHeadBytes];
  size_t filled = 0;
  RequestHead head;
  const auto started = steady_millis();
  while (head.state == RequestHead::State::incomplete) {
    const int64_t left = kReadDeadlineMillis - static_cast<int64_t>(steady_millis() - started);
    pollfd fds[2] = {{connection, POLLIN, 0}, {stop_.get(), POLLIN, 0}};
    if (left <= 0 || ::poll(fds, 2, static_cast<int>(left)) <= 0 || fds[1].revents != 0) return;
    const ssize_t got = ::recv(connection, buffer + filled, sizeof buffer - filled, 0);
    if (got <= 0) return;
    filled += static_cast<size_t>(got);
    head = parse_request_head(std::string_view(buffer, filled));
    if (head.state == RequestHead::State::incomplete && filled == sizeof buffer)
      head.state = RequestHead::State::bad;
  }
  if (head.state == RequestHead::State::bad) {
    answer(connection, HttpAnswer{400, "text/plain; charset=utf-8", "bad request\n"}, true);
    return;
  }
  if (head.method != "GET" && head.method != "HEAD") {
    answer(connection, HttpAnswer{405, "text/plain; charset=utf-8", "GET or HEAD only\n"}, true);
    return;
  }
  answer(connection, handler_(head.path), head.method == "GET");
}

}  // namespace ferry
