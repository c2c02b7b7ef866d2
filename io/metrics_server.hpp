// MetricsServer: a small HTTP/1.1 server on one thread for /metrics and /healthz. A poll loop
// over non-blocking sockets serves many clients at once, one request per connection, each with
// a bounded head and deadlines for reading the head and writing the answer; at its cap of open
// connections it closes the oldest one still sending its head to admit a new one. A slow, idle
// or never-reading client costs a socket and its head (8 KiB at most) or its answer until its
// deadline, never another client's answer nor the pipeline.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/http/http_connection.hpp"
#include "core/observe/rate_limit.hpp"
#include "core/result.hpp"
#include "io/unique_fd.hpp"

namespace ferry {

struct HttpAnswer {
  int status = 200;  // 200, 404, 405, 503
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

struct MetricsServerLimits {
  // Open connections at most; at the cap a new one is accepted and the one drops_before() puts
  // first (the oldest still reading its head, else the oldest) is closed.
  size_t max_connections = 128;
  ConnectionDeadlines deadlines;  // 3 s for the request head, 10 s for the answer
};

class MetricsServer {
 public:
  // Answers GET and HEAD for a path ("/metrics"); called on the server thread.
  using Handler = std::function<HttpAnswer(std::string_view path)>;

  // Listens on `address` ("HOST:PORT", HOST an IPv4 address; PORT 0 picks a free one).
  static Result<std::unique_ptr<MetricsServer>> start(const std::string& address, Handler handler,
                                                      MetricsServerLimits limits = {});
  ~MetricsServer();  // stops and joins the thread
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  uint16_t port() const { return port_; }

 private:
  struct Client;
  MetricsServer(UniqueFd listener, UniqueFd stop, uint16_t port, Handler handler,
                MetricsServerLimits limits);
  void run();
  void accept_clients(std::vector<Client>& clients);
  void step(Client& client);
  std::string answer_bytes(const RequestHead& head);

  UniqueFd listener_;
  UniqueFd stop_;  // eventfd: written by the destructor
  uint16_t port_;
  Handler handler_;
  MetricsServerLimits limits_;
  uint64_t listener_paused_until_ = 0;  // after accept failed for want of descriptors
  RateLimit accept_warnings_{60'000};
  std::thread thread_;
};

}  // namespace ferry
