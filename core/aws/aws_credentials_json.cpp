// JSON credential answers: the ECS/EKS container endpoint, an instance-metadata role, and
// credential_process (see core/aws/aws_credentials.hpp). simdjson DOM, full validation.
#include <simdjson.h>

#include "core/aws/aws_credentials.hpp"
#include "core/text.hpp"

namespace ferry {
namespace {

constexpr size_t kMaxAnswerBytes = 64 << 10;  // a credentials answer is a few hundred bytes

// The string member `name`, nullopt when absent; an error when present but not a string.
Result<std::optional<std::string>> string_member(simdjson::dom::object object,
                                                 std::string_view name) {
  simdjson::dom::element value;
  if (object.at_key(name).get(value) != simdjson::SUCCESS) return std::optional<std::string>();
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) {
    return make_error(cat("credentials JSON: \"", name, "\" is not a string"));
  }
  return std::optional<std::string>(std::string(text));
}

}  // namespace

Result<ExpiringCredentials> parse_credentials_json(std::string_view json) {
  if (json.size() > kMaxAnswerBytes) {
    return make_error(cat("credentials JSON: larger than ", kMaxAnswerBytes, " bytes"));
  }
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(json);
  simdjson::dom::object object;
  if (parser.parse(padded).get(object) != simdjson::SUCCESS) {
    return make_error("credentials JSON: not a JSON object");
  }
  simdjson::dom::element version;
  if (object.at_key("Version").get(version) == simdjson::SUCCESS) {
    int64_t number = 0;
    if (version.get_int64().get(number) != simdjson::SUCCESS || number != 1) {
      return make_error("credentials JSON: \"Version\" must be 1");
    }
  }
  std::optional<std::string> fields[5];
  const std::string_view names[5] = {"Code", "AccessKeyId", "SecretAccessKey", "Token",
                                     "SessionToken"};
  for (size_t i = 0; i < 5; ++i) {
    auto member = string_member(object, names[i]);
    if (!member.ok()) return member.error();
    fields[i] = std::move(member.value());
  }
  if (fields[0] && *fields[0] != "Success") {
    // The code is AWS's word ("AssumeRoleUnauthorizedAccess"), not a secret.
    return make_error(cat("credentials JSON: Code is ", fields[0]->substr(0, 100)));
  }
  ExpiringCredentials out;
  if (!fields[1] || fields[1]->empty()) {
    return make_error("credentials JSON: no AccessKeyId");
  }
  if (!fields[2] || fields[2]->empty()) {
    return make_error("credentials JSON: no SecretAccessKey");
  }
  out.credentials.access_key_id = std::move(*fields[1]);
  out.credentials.secret_access_key = std::move(*fields[2]);
  if (fields[3]) {
    out.credentials.session_token = std::move(*fields[3]);
  } else if (fields[4]) {
    out.credentials.session_token = std::move(*fields[4]);
  }
  auto expiration = string_member(object, "Expiration");
  if (!expiration.ok()) return expiration.error();
  if (expiration.value()) {
    out.expiration = parse_iso8601(**expiration);
    if (!out.expiration) {
      return make_error("credentials JSON: \"Expiration\" is not an ISO-8601 time");
    }
  }
  return out;
}

}  // namespace ferry
