// MetricsServer: a small HTTP/1.1 server on one thread for /metrics and /healthz. One
// connection at a time, one request per connection, bounded reads with a deadline: a slow or
// hostile client costs at most a few seconds of the server thread, never the pipeline.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "core/result.hpp"
#include "io/unique_fd.hpp"

namespace ferry {

struct HttpAnswer {
  int status = 200;  // 200, 404, 405, 503
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class MetricsServer {
 public:
  // Answers GET and HEAD for a path ("/metrics"); called on the server thread.
  using Handler = std::function<HttpAnswer(std::string_view path)>;

  // Listens on `address` ("HOST:PORT", HOST an IPv4 address; PORT 0 picks a free one).
  static Result<std::unique_ptr<MetricsServer>> start(const std::string& address, Handler handler);
  ~MetricsServer();  // stops and joins the thread
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  uint16_t port() const { return port_; }

 private:
  MetricsServer(UniqueFd listener, UniqueFd stop, uint16_t port, Handler handler);
  void run();
  void serve(int connection);

  UniqueFd listener_;
  UniqueFd stop_;  // eventfd: written by the destructor
  uint16_t port_;
  Handler handler_;
  std::thread thread_;
};

}  // namespace ferry
