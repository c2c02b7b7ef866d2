// "HOST:PORT" of a listening socket (metrics.listen): an IPv4 address and a port.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace ferry {

struct ListenAddress {
  std::string host;
  uint16_t port = 0;
  bool loopback() const { return host.starts_with("127."); }
};

// Splits "HOST:PORT"; ":PORT" and "PORT" mean HOST 127.0.0.1. The error names the problem.
Result<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace ferry
