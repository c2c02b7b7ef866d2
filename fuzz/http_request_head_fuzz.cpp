// libFuzzer target: the metrics server's request-head parser on arbitrary bytes. Asserts its
// contract: a complete head's method and path are views into the input, the path starts with
// '/' and holds no query, and the length never exceeds the input or the size limit.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/assert.hpp"
#include "core/http/http_request_head.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const ferry::RequestHead head = ferry::parse_request_head(bytes);
  if (head.state != ferry::RequestHead::State::complete) return 0;
  FERRY_ASSERT(head.length <= size && head.length <= ferry::kMaxRequestHeadBytes);
  FERRY_ASSERT(!head.method.empty() && !head.path.empty() && head.path.front() == '/');
  FERRY_ASSERT(head.path.find('?') == std::string_view::npos);
  FERRY_ASSERT(head.method.data() >= bytes.data() &&
               head.method.data() + head.method.size() <= bytes.data() + head.length);
  FERRY_ASSERT(head.path.data() >= bytes.data() &&
               head.path.data() + head.path.size() <= bytes.data() + head.length);
  // Parsing only the head gives the same answer.
  const ferry::RequestHead again = ferry::parse_request_head(bytes.substr(0, head.length));
  FERRY_ASSERT(again.state == ferry::RequestHead::State::complete && again.path == head.path &&
               again.length == head.length);
  return 0;
}
