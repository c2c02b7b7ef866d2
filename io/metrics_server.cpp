// The metrics server's socket work: listen, then one poll loop that accepts, reads request
// heads, answers and closes, for every open connection at once.
#include "io/metrics_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/assert.hpp"
#include "core/http/http_request_head.hpp"
#include "core/http/listen_address.hpp"
#include "core/observe/log.hpp"
#include "core/text.hpp"
#include "io/steady_clock.hpp"
#include "io/thread_name.hpp"

namespace ferry {

namespace {

// A burst of connects waits in the kernel's accept queue while the thread is busy (answering,
// or descheduled on a loaded host). A connect that finds the queue full has its SYN dropped and
// is retried only after a second, so a probe behind a burst of idle clients would take 1 s: the
// queue holds more than the connection cap (the kernel trims it to net.core.somaxconn).
constexpr int kListenBacklog = 1024;
constexpr uint64_t kNever = UINT64_MAX;
constexpr uint64_t kMaxPollMillis = 60'000;
constexpr uint64_t kAcceptPauseMillis = 100;  // after accept failed for want of descriptors

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

std::string format_answer(const HttpAnswer& reply, bool with_body) {
  std::string out =
      cat("HTTP/1.1 ", reply.status, " ", reason(reply.status),
          "\r\nContent-Type: ", reply.content_type, "\r\nContent-Length: ", reply.body.size(),
          "\r\nCache-Control: no-store\r\nConnection: close\r\n");
  if (reply.status == 405) out.append("Allow: GET, HEAD\r\n");
  out.append("\r\n");
  if (with_body) out.append(reply.body);
  return out;
}

// Makes the close of `fd` a reset: the kernel drops what is queued instead of sending it on.
void abort_on_close(int fd) {
  const linger now{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &now, sizeof now);
}

}  // namespace

struct MetricsServer::Client {
  UniqueFd fd;
  HttpConnection state;

  bool done() const { return state.phase() == HttpConnection::Phase::done; }
  // Closes with a reset if an answer is still queued (a client past its deadline or dropped).
  void drop() {
    if (state.phase() == HttpConnection::Phase::writing) abort_on_close(fd.get());
    state.close();
  }
};

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const std::string& address_text,
                                                            Handler handler,
                                                            MetricsServerLimits limits) {
  FERRY_ASSERT(limits.max_connections > 0);
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
      ::listen(listener.get(), kListenBacklog) != 0)
    return make_error(cat("metrics: cannot listen on ", address->host, ":", address->port, ": ",
                          std::strerror(errno)));
  sockaddr_in bound{};
  socklen_t length = sizeof bound;
  ::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&bound), &length);
  UniqueFd stop(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!stop.valid()) return make_error(cat("metrics: eventfd: ", std::strerror(errno)));
  return std::unique_ptr<MetricsServer>(new MetricsServer(
      std::move(listener), std::move(stop), ntohs(bound.sin_port), std::move(handler), limits));
}

MetricsServer::MetricsServer(UniqueFd listener, UniqueFd stop, uint16_t port, Handler handler,
                             MetricsServerLimits limits)
    : listener_(std::move(listener)),
      stop_(std::move(stop)),
      port_(port),
      handler_(std::move(handler)),
      limits_(limits),
      thread_([this] {
        name_this_thread("ferry-metrics");
        run();
      }) {}

MetricsServer::~MetricsServer() {
  const uint64_t one = 1;
  (void)!::write(stop_.get(), &one, sizeof one);
  thread_.join();
}

void MetricsServer::run() {
  std::vector<Client> clients;
  clients.reserve(limits_.max_connections);
  std::vector<pollfd> fds;
  fds.reserve(limits_.max_connections + 2);
  for (;;) {
    const uint64_t now = steady_millis();
    for (Client& client : clients)
      if (client.state.expired(now)) client.drop();
    std::erase_if(clients, [](const Client& client) { return client.done(); });

    const bool listening = now >= listener_paused_until_;
    uint64_t wake = listening ? kNever : listener_paused_until_;
    fds.clear();
    fds.push_back({stop_.get(), POLLIN, 0});
    fds.push_back({listening ? listener_.get() : -1, POLLIN, 0});  // poll skips a negative fd
    for (const Client& client : clients) {
      const bool reading = client.state.phase() == HttpConnection::Phase::reading;
      fds.push_back({client.fd.get(), static_cast<short>(reading ? POLLIN : POLLOUT), 0});
      wake = std::min(wake, client.state.deadline_millis());
    }
    const int timeout =
        wake == kNever ? -1
                       : static_cast<int>(std::min(wake - std::min(wake, now), kMaxPollMillis));
    if (::poll(fds.data(), fds.size(), timeout) < 0) {
      if (errno == EINTR) continue;
      FERRY_ERROR(cat("metrics: poll: ", std::strerror(errno), "; the metrics server stops"));
      return;
    }
    if (fds[0].revents != 0) return;
    for (size_t i = 0; i < clients.size(); ++i)
      if (fds[i + 2].revents != 0) step(clients[i]);
    if (fds[1].revents != 0) accept_clients(clients);
  }
}

void MetricsServer::accept_clients(std::vector<Client>& clients) {
  for (size_t accepted = 0; accepted < limits_.max_connections; ++accepted) {
    UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    // The clock is read here, not before: answering a client above may have taken a while.
    const uint64_t now = steady_millis();
    if (!fd.valid()) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO) continue;
      // Out of descriptors or memory: the listener stays readable, so rest it a moment.
      listener_paused_until_ = now + kAcceptPauseMillis;
      uint64_t held_back = 0;
      if (accept_warnings_.pass(now, held_back))
        FERRY_WARN(cat("metrics: accept: ", std::strerror(errno), "; new clients wait (", held_back,
                       " more such failures held back)"));
      return;
    }
    std::erase_if(clients, [](const Client& client) { return client.done(); });
    if (clients.size() >= limits_.max_connections) {
      const auto dropped = std::min_element(
          clients.begin(), clients.end(),
          [](const Client& a, const Client& b) { return drops_before(a.state, b.state); });
      dropped->drop();
      clients.erase(dropped);
    }
    FERRY_ASSERT(clients.size() < limits_.max_connections);
    clients.push_back(Client{std::move(fd), HttpConnection(now, limits_.deadlines)});
    step(clients.back());  // the request is often there already
  }
}

// One move of a connection its socket allows: read what came of the head, answer once it is
// whole, send what the socket takes.
void MetricsServer::step(Client& client) {
  HttpConnection& state = client.state;
  if (state.phase() == HttpConnection::Phase::reading) {
    char buffer[kMaxRequestHeadBytes];
    const ssize_t got =
        ::recv(client.fd.get(), buffer, std::min(sizeof buffer, state.read_room()), 0);
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    if (got <= 0) {
      state.close();  // the client left before its head was whole
      return;
    }
    const RequestHead head = state.received(std::string_view(buffer, static_cast<size_t>(got)));
    if (head.state == RequestHead::State::incomplete) return;
    std::string answer = answer_bytes(head);
    state.answer(std::move(answer), steady_millis());  // the handler may have taken a while
  }
  while (state.phase() == HttpConnection::Phase::writing) {
    const std::string_view unsent = state.unsent();
    const ssize_t put = ::send(client.fd.get(), unsent.data(), unsent.size(), MSG_NOSIGNAL);
    if (put < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // poll says when
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) {
      state.close();  // a client that left: not our problem
      return;
    }
    state.sent(static_cast<size_t>(put));
  }
}

std::string MetricsServer::answer_bytes(const RequestHead& head) {
  if (head.state == RequestHead::State::bad)
    return format_answer(HttpAnswer{400, "text/plain; charset=utf-8", "bad request\n"}, true);
  if (head.method != "GET" && head.method != "HEAD")
    return format_answer(HttpAnswer{405, "text/plain; charset=utf-8", "GET or HEAD only\n"}, true);
  return format_answer(handler_(head.path), head.method == "GET");
}

}  // namespace ferry
