// The credential scrubber: at each byte, the longest prefix that could be a credential key is
// tried once; a match copies the key, writes the mask and jumps past the value.
#include "core/observe/secret_scrubber.hpp"

#include <array>

namespace ferry {

namespace {

constexpr std::string_view kMask = "<redacted>";
constexpr std::string_view kAuthorization = "authorization";
// In the order they are tried at one position (a longer key before the key it ends with).
constexpr std::array<std::string_view, 8> kValueKeys = {
    "x-amz-security-token", "x-amz-signature", "signature",    "aws_secret_access_key",
    "aws_session_token",    "secretaccesskey", "sessiontoken", "token"};

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool ends_value(char c) {
  return is_blank(c) || c == '"' || c == ',' || c == ';' || c == '&';
}

bool starts_with_key(std::string_view line, size_t at, std::string_view key) {
  if (line.size() - at < key.size()) return false;
  for (size_t k = 0; k < key.size(); ++k)
    if (lower(line[at + k]) != key[k]) return false;
  return true;
}

size_t skip_blanks(std::string_view line, size_t at) {
  while (at < line.size() && is_blank(line[at])) ++at;
  return at;
}

// Where the value after `key` at `at` starts (past blanks, `:` or `=`, blanks), or npos.
size_t value_start(std::string_view line, size_t at, std::string_view key) {
  if (!starts_with_key(line, at, key)) return std::string_view::npos;
  size_t next = at + key.size();
  if (next < line.size() && line[next] == '"') ++next;  // a JSON member name's closing quote
  next = skip_blanks(line, next);
  if (next == line.size() || (line[next] != ':' && line[next] != '='))
    return std::string_view::npos;
  return skip_blanks(line, next + 1);
}

}  // namespace

std::string scrub_secrets(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  size_t i = 0;
  while (i < line.size()) {
    if (const size_t value = value_start(line, i, kAuthorization);
        value != std::string_view::npos) {
      size_t end = value;
      while (end < line.size() && line[end] != '\r' && line[end] != '\n') ++end;
      out.append(line.substr(i, value - i)).append(kMask);
      i = end;
      continue;
    }
    bool masked = false;
    for (const std::string_view key : kValueKeys) {
      size_t value = value_start(line, i, key);
      if (value == std::string_view::npos) continue;
      if (value < line.size() && line[value] == '"') ++value;
      size_t end = value;
      while (end < line.size() && !ends_value(line[end])) ++end;
      if (end == value) continue;  // nothing to mask
      out.append(line.substr(i, value - i)).append(kMask);
      i = end;
      masked = true;
      break;
    }
    if (!masked) out.push_back(line[i++]);
  }
  return out;
}

}  // namespace ferry
