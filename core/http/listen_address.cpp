// Parsing of metrics.listen.
#include "core/http/listen_address.hpp"

#include <arpa/inet.h>

#include <charconv>

#include "core/text.hpp"

namespace ferry {

Result<ListenAddress> parse_listen_address(std::string_view text) {
  ListenAddress address{"127.0.0.1", 0};
  std::string_view port_text = text;
  if (const size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    if (colon > 0) address.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  unsigned port = 0;
  const char* const end = port_text.data() + port_text.size();
  const auto parsed_port = std::from_chars(port_text.data(), end, port);
  if (port_text.empty() || parsed_port.ec != std::errc() || parsed_port.ptr != end || port > 65535)
    return make_error(cat("the port must be a number from 0 to 65535, got \"", port_text, "\""));
  in_addr parsed{};
  if (::inet_pton(AF_INET, address.host.c_str(), &parsed) != 1)
    return make_error(
        cat("the host must be an IPv4 address such as 127.0.0.1, got \"", address.host, "\""));
  address.port = static_cast<uint16_t>(port);
  return address;
}

}  // namespace ferry
