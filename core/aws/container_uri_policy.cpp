// The container credentials URI decision (see the header).
#include "core/aws/container_uri_policy.hpp"

#include <array>
#include <cstdint>
#include <optional>

namespace ferry {
namespace {

// Strict dotted quad: four decimal numbers 0..255, no leading zeros, nothing else.
std::optional<std::array<uint8_t, 4>> parse_ipv4(std::string_view text) {
  std::array<uint8_t, 4> octets{};
  for (size_t i = 0; i < 4; ++i) {
    if (i > 0) {
      if (text.empty() || text.front() != '.') return std::nullopt;
      text.remove_prefix(1);
    }
    size_t digits = 0;
    unsigned value = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9' && digits < 3) {
      value = value * 10 + static_cast<unsigned>(text[digits] - '0');
      ++digits;
    }
    if (digits == 0 || value > 255 || (digits > 1 && text.front() == '0')) return std::nullopt;
    octets[i] = static_cast<uint8_t>(value);
    text.remove_prefix(digits);
  }
  if (!text.empty()) return std::nullopt;
  return octets;
}

// RFC 4291 text form (no zone, no embedded IPv4) to 8 groups; nullopt for anything else.
std::optional<std::array<uint16_t, 8>> parse_ipv6(std::string_view text) {
  std::array<uint16_t, 8> groups{};
  size_t count = 0;
  std::optional<size_t> gap;  // index in groups where "::" stands
  if (text.starts_with("::")) {
    gap = 0;
    text.remove_prefix(2);
  }
  while (!text.empty()) {
    size_t digits = 0;
    unsigned value = 0;
    while (digits < text.size() && digits < 4) {
      const char c = text[digits];
      unsigned d = 0;
      if (c >= '0' && c <= '9') {
        d = static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        d = static_cast<unsigned>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        d = static_cast<unsigned>(c - 'A' + 10);
      } else {
        break;
      }
      value = value * 16 + d;
      ++digits;
    }
    if (digits == 0 || count == 8) return std::nullopt;
    groups[count++] = static_cast<uint16_t>(value);
    text.remove_prefix(digits);
    if (text.empty()) break;
    if (text.starts_with("::")) {
      if (gap) return std::nullopt;
      gap = count;
      text.remove_prefix(2);
    } else if (text.front() == ':' && text.size() > 1) {
      text.remove_prefix(1);
    } else {
      return std::nullopt;
    }
  }
  if (gap) {
    if (count == 8) return std::nullopt;  // "::" must stand for at least one group
    std::array<uint16_t, 8> expanded{};
    const size_t tail = count - *gap;
    for (size_t i = 0; i < *gap; ++i) expanded[i] = groups[i];
    for (size_t i = 0; i < tail; ++i) expanded[8 - tail + i] = groups[*gap + i];
    return expanded;
  }
  if (count != 8) return std::nullopt;
  return groups;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

}  // namespace

bool is_plain_http_credentials_host(std::string_view host) {
  if (equals_ignoring_case(host, "localhost")) return true;
  if (const auto v4 = parse_ipv4(host)) {
    const auto& o = *v4;
    return o[0] == 127 || (o[0] == 169 && o[1] == 254 && o[2] == 170 && (o[3] == 2 || o[3] == 23));
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (const auto v6 = parse_ipv6(host)) {
    static constexpr std::array<uint16_t, 8> kLoopback{0, 0, 0, 0, 0, 0, 0, 1};
    static constexpr std::array<uint16_t, 8> kEksAgent{0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x23};
    return *v6 == kLoopback || *v6 == kEksAgent;
  }
  return false;
}

std::string container_uri_problem(const ParsedUri& uri) {
  if (uri.has_userinfo) {
    return "a user or password in the URI is refused (the host is what follows the '@')";
  }
  if (uri.scheme == "https") return {};
  if (uri.scheme != "http") return "the scheme must be http or https";
  if (!is_plain_http_credentials_host(uri.host)) {
    return "plain http is allowed only to a loopback address (127.0.0.0/8, ::1, localhost) or "
           "the ECS/EKS agent (169.254.170.2, 169.254.170.23, fd00:ec2::23); use https";
  }
  return {};
}

}  // namespace ferry
