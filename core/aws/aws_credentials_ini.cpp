// The AWS shared config and credentials files (~/.aws/config, ~/.aws/credentials) as profiles;
// see core/aws/aws_credentials.hpp for the rules. One pass over the lines, linear in the input.
#include <cctype>

#include "core/aws/aws_credentials.hpp"
#include "core/text.hpp"

namespace ferry {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A value ends at a '#' or ';' that follows whitespace (an inline comment).
std::string_view strip_inline_comment(std::string_view value) {
  for (size_t i = 1; i < value.size(); ++i) {
    if ((value[i] == '#' || value[i] == ';') && is_blank(value[i - 1])) {
      return trim(value.substr(0, i));
    }
  }
  return value;
}

// The profile a section header names, or nullopt for a section that holds no profile
// ("[sso-session x]", "[services x]" in the config file).
std::optional<std::string> profile_of_section(std::string_view header, AwsIniKind kind) {
  const std::string_view name = trim(header);
  if (kind == AwsIniKind::credentials) return std::string(name);
  if (name == "default") return std::string(name);
  if (name == "profile") return std::string();  // "[profile ]": a profile without a name
  if (name.starts_with("profile") && name.size() > 7 && is_blank(name[7])) {
    return std::string(trim(name.substr(7)));
  }
  return std::nullopt;
}

}  // namespace

Result<AwsProfiles> parse_aws_ini(std::string_view text, AwsIniKind kind) {
  AwsProfiles profiles;
  AwsProfile* section = nullptr;  // nullptr: before any section, or in an ignored one
  bool in_section = false;
  bool in_property = false;  // the previous line was "key = value": indented lines continue it
  size_t line_number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const std::string_view raw = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (is_blank(raw.front()) && in_property) continue;  // sub-setting ("s3 =\n  x = y")
    if (line.front() == '[') {
      const size_t close = line.find(']');
      const std::string_view after =
          close == std::string_view::npos ? std::string_view() : trim(line.substr(close + 1));
      if (close == std::string_view::npos ||
          (!after.empty() && after.front() != '#' && after.front() != ';')) {
        return make_error(cat("line ", line_number, ": a section header must be [name]"));
      }
      const std::optional<std::string> name = profile_of_section(line.substr(1, close - 1), kind);
      if (name && name->empty()) {
        return make_error(cat("line ", line_number, ": empty profile name"));
      }
      section = name ? &profiles[*name] : nullptr;
      in_section = true;
      in_property = false;
      continue;
    }
    const size_t equals = line.find('=');
    if (equals == std::string_view::npos || equals == 0) {
      return make_error(cat("line ", line_number, ": expected key = value"));
    }
    if (!in_section) {
      return make_error(cat("line ", line_number, ": a setting before any [profile] section"));
    }
    in_property = true;
    if (section == nullptr) continue;
    const std::string key = lowercase(trim(line.substr(0, equals)));
    if (key.empty()) return make_error(cat("line ", line_number, ": expected key = value"));
    (*section)[key] = std::string(strip_inline_comment(trim(line.substr(equals + 1))));
  }
  return profiles;
}

}  // namespace ferry
