// Request-line parsing for the metrics server (RFC 9112 section 3, the subset ferry answers).
#include "core/http/http_request_head.hpp"

#include <algorithm>

namespace ferry {

namespace {

bool is_token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Visible ASCII only: no space, no control byte, nothing above 0x7e.
bool is_target_char(char c) {
  return c > 0x20 && c < 0x7f;
}

}  // namespace

RequestHead parse_request_head(std::string_view bytes) {
  RequestHead head;
  size_t end = bytes.find("\r\n\r\n");
  size_t terminator = 4;
  const size_t bare = bytes.find("\n\n");
  if (bare != std::string_view::npos && (end == std::string_view::npos || bare < end)) {
    end = bare;
    terminator = 2;
  }
  const size_t limit = std::min(bytes.size(), kMaxRequestHeadBytes);
  if (end == std::string_view::npos || end + terminator > kMaxRequestHeadBytes) {
    const bool too_long = bytes.size() >= kMaxRequestHeadBytes;
    const bool control =
        std::any_of(bytes.begin(), bytes.begin() + static_cast<long>(limit), [](char c) {
          const auto u = static_cast<unsigned char>(c);
          return (u < 0x20 && c != '\r' && c != '\n' && c != '\t') || u == 0x7f;
        });
    head.state = too_long || control ? RequestHead::State::bad : RequestHead::State::incomplete;
    return head;
  }
  head.state = RequestHead::State::bad;
  const std::string_view text = bytes.substr(0, end);
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\r' && c != '\n' && c != '\t') || u == 0x7f) return head;
  }
  std::string_view line = text.substr(0, text.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

  const size_t first_space = line.find(' ');
  if (first_space == 0 || first_space == std::string_view::npos) return head;
  const std::string_view method = line.substr(0, first_space);
  if (!std::all_of(method.begin(), method.end(), is_token_char)) return head;
  const size_t second_space = line.find(' ', first_space + 1);
  if (second_space == std::string_view::npos) return head;
  const std::string_view target = line.substr(first_space + 1, second_space - first_space - 1);
  const std::string_view version = line.substr(second_space + 1);
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return head;
  if (target.empty() || target.front() != '/') return head;
  if (!std::all_of(target.begin(), target.end(), is_target_char)) return head;

  head.state = RequestHead::State::complete;
  head.method = method;
  head.path = target.substr(0, target.find('?'));
  head.length = end + terminator;
  return head;
}

}  // namespace ferry
