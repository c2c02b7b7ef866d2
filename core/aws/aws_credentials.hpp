// The value the credential sources hand out, and the pure parsers of what they read: the shared
// config/credentials INI files, the JSON of the container, instance metadata and
// credential_process answers, the STS XML answers, and their ISO-8601 expiration times.
// Pure functions over outside bytes (fuzzed: fuzz/aws_credentials_*_fuzz.cpp), any thread.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/aws/sigv4.hpp"  // AwsCredentials

namespace ferry {

struct ExpiringCredentials {
  AwsCredentials credentials;
  // nullopt: long-term keys that never expire (static keys, or a source that says none).
  std::optional<std::chrono::sys_seconds> expiration;
};

// "2026-11-24T06:00:00Z", with optional fractional seconds and a "Z" or "+hh:mm" / "-hh:mm"
// offset (also "+hhmm"); nullopt for anything else, including impossible dates.
std::optional<std::chrono::sys_seconds> parse_iso8601(std::string_view text);

// One profile's settings: lowercase key -> value, both trimmed.
using AwsProfile = std::map<std::string, std::string>;
// Profile name -> settings, from one file.
using AwsProfiles = std::map<std::string, AwsProfile>;

enum class AwsIniKind {
  credentials,  // ~/.aws/credentials: sections are "[name]"
  config,       // ~/.aws/config: "[default]" and "[profile name]"; other sections are ignored
};

// Parses an AWS shared file the way the SDKs do: '#' and ';' start comment lines, "key = value"
// lines belong to the section above, indented lines continue a sub-section (e.g. "s3 =") and
// are skipped, a section seen twice is merged (later keys win). Malformed lines are errors
// naming the line number (never its text: it may hold a secret).
Result<AwsProfiles> parse_aws_ini(std::string_view text, AwsIniKind kind);

// The JSON of an ECS/EKS container endpoint, an instance-metadata role, or a credential_process
// ({"AccessKeyId", "SecretAccessKey", "Token" or "SessionToken", "Expiration", "Version": 1,
// "Code": "Success"}). A "Code" other than "Success" or a credential_process "Version" other
// than 1 is an error; the error never quotes a value.
Result<ExpiringCredentials> parse_credentials_json(std::string_view json);

// An STS AssumeRole / AssumeRoleWithWebIdentity answer: the <Credentials> of a success, or an
// error "<Code>: <Message>" for an <ErrorResponse>.
Result<ExpiringCredentials> parse_sts_credentials(std::string_view xml);

}  // namespace ferry
