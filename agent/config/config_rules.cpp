// Validation rules for configuration strings (see config_rules.hpp).
// Messages quote the value found; none of these values is a secret.
#include "agent/config/config_rules.hpp"

#include <filesystem>

#include "agent/config/config_values.hpp"
#include "core/aws/aws_endpoint.hpp"
#include "core/tail/path_glob.hpp"
#include "core/text.hpp"

namespace ferry::config {
namespace {

bool is_lower_or_digit(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool has_control_character(std::string_view value) {
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return true;
  }
  return false;
}

}  // namespace

std::string resolve_path(std::string_view value, std::string_view base_directory) {
  if (value.empty() || value.front() == '/' || base_directory.empty()) return std::string(value);
  return (std::filesystem::path(base_directory) / value).lexically_normal().string();
}

std::string check_absolute_path(std::string_view value) {
  if (value.empty() || value.front() != '/') {
    return cat("must be an absolute path, got ", quote_value(value));
  }
  if (has_control_character(value)) {
    return cat("must not contain control characters, got ", quote_value(value));
  }
  return {};
}

std::string check_file_pattern(std::string_view value) {
  std::string problem = check_absolute_path(value);
  if (!problem.empty()) return problem;
  const std::string_view file = value.substr(value.rfind('/') + 1);
  if (file.empty()) {
    return cat("must name files, not a directory (add a last component such as *.log), got ",
               quote_value(value));
  }
  // The Kinesis Agent's Java NIO globs: * ? [...] [!...] and {a,b} groups.
  if (const std::string braces = check_glob_braces(value); !braces.empty())
    return cat(braces, ", got ", quote_value(value));
  return {};
}

std::string check_bucket_name(std::string_view value) {
  bool valid = value.size() >= 3 && value.size() <= 63 && is_lower_or_digit(value.front()) &&
               is_lower_or_digit(value.back()) && value.find("..") == std::string_view::npos;
  for (char c : value) valid = valid && (is_lower_or_digit(c) || c == '.' || c == '-');
  if (valid) return {};
  return cat(
      "must be an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens, "
      "starting and ending with a letter or digit), got ",
      quote_value(value));
}

std::string check_key_prefix(std::string_view value) {
  if (!value.empty() && value.front() == '/') {
    return cat("must not start with '/', got ", quote_value(value));
  }
  if (has_control_character(value)) {
    return cat("must not contain control characters, got ", quote_value(value));
  }
  // A ".." segment would climb out of a directory destination and is confusing in S3.
  std::size_t start = 0;
  while (start <= value.size()) {
    const std::size_t end = std::min(value.find('/', start), value.size());
    if (value.substr(start, end - start) == "..") {
      return cat("must not contain a \"..\" segment, got ", quote_value(value));
    }
    start = end + 1;
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '%') {
      if (i + 1 == value.size()) {
        return cat("ends in a lone '%' (write %% for a literal percent sign), got ",
                   quote_value(value));
      }
      const char field = value[++i];
      if (std::string_view("YmdHMSj%").find(field) == std::string_view::npos) {
        return cat("unsupported strftime field ", quote_value(value.substr(i - 1, 2)),
                   " (allowed: %Y %m %d %H %M %S %j %%)");
      }
    } else if (value[i] == '{') {
      const std::size_t close = value.find('}', i);
      if (close == std::string_view::npos) {
        return cat("unterminated placeholder at byte ", i, " (allowed: {flow} {host}), got ",
                   quote_value(value));
      }
      const std::string_view placeholder = value.substr(i, close - i + 1);
      if (placeholder != "{flow}" && placeholder != "{host}") {
        return cat("unsupported placeholder ", quote_value(placeholder),
                   " (allowed: {flow} {host})");
      }
      i = close;
    }
  }
  return {};
}

std::string check_endpoint_url(std::string_view value) {
  if (value.find('@') != std::string_view::npos) {
    // Not echoed: what comes before '@' may be a password (which may even contain '/').
    return "must not contain credentials (user:password@); credentials do not belong in the "
           "endpoint";
  }
  std::string_view rest = value;
  if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else {
    rest = {};
  }
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  // host[:port], where the host may be a bracketed IPv6 address.
  const std::size_t host_end =
      authority.starts_with('[') ? authority.find(']') + 1 : authority.find(':');
  const std::string_view host = authority.substr(0, host_end);
  const std::string_view port =
      host_end < authority.size() ? authority.substr(host_end) : std::string_view();
  const bool port_ok =
      port.empty() || (port.size() >= 2 && port.size() <= 6 && port[0] == ':' &&
                       port.find_first_not_of("0123456789", 1) == std::string_view::npos);
  if (host.empty() || host.find(' ') != std::string_view::npos || !port_ok ||
      has_control_character(value)) {
    return cat("must be an http:// or https:// URL, got ", quote_value(value));
  }
  return {};
}

std::string check_flow_name(std::string_view value) {
  bool valid = !value.empty() && value != "." && value != "..";
  for (char c : value) {
    valid = valid && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '.' || c == '-');
  }
  if (valid) return {};
  return cat("must be made of letters, digits, '_', '.' and '-' (and not be \".\" or \"..\"), got ",
             quote_value(value));
}

std::string check_region(std::string_view value) {
  if (is_aws_region_name(value)) return {};
  return cat("must be an AWS region such as us-east-1, got ", quote_value(value));
}

}  // namespace ferry::config
