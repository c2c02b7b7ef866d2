// The head of an HTTP/1.x request, as the metrics server reads it from a client: the request
// line and the end of the headers. Bytes from the network: bounded, never trusted.
#pragma once

#include <cstddef>
#include <string_view>

namespace ferry {

inline constexpr size_t kMaxRequestHeadBytes = 8192;

struct RequestHead {
  enum class State { incomplete, complete, bad };
  State state = State::incomplete;
  std::string_view method;  // e.g. "GET"
  std::string_view path;    // the target without its query, e.g. "/metrics"
  size_t length = 0;        // bytes through the blank line ending the headers (complete only)
};

// Parses the start of `bytes`: incomplete until the headers end ("\r\n\r\n", or "\n\n"); bad
// for a malformed request line, a target that is not origin-form, an HTTP version other than
// 1.0 / 1.1, a control byte in the head, or a head longer than kMaxRequestHeadBytes.
RequestHead parse_request_head(std::string_view bytes);

}  // namespace ferry
