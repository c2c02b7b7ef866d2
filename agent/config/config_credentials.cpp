// Credential keys of agent.json (see config_credentials.hpp).
#include "agent/config/config_credentials.hpp"

#include "agent/config/config_rules.hpp"
#include "core/text.hpp"

namespace ferry::config {
namespace {

// arn:<partition>:iam::<account>:role/<path and name>
bool is_role_arn(std::string_view arn) {
  if (!arn.starts_with("arn:")) return false;
  const size_t iam = arn.find(":iam::");
  return iam != std::string_view::npos && arn.find(":role/", iam) != std::string_view::npos &&
         !arn.ends_with("/");
}

}  // namespace

bool is_credential_key(std::string_view key) {
  return key == "awsAccessKeyId" || key == "awsSecretAccessKey" || key == "assumeRoleARN" ||
         key == "assumeRoleExternalId" || key == "sts.endpoint";
}

Status parse_credential_key(std::string_view key, element value, std::string_view path,
                            AwsCredentialKeys& keys) {
  Result<std::string> text = read_string(value, path);
  if (!text.ok()) return text.error();
  std::string& out = key == "awsAccessKeyId"         ? keys.access_key_id
                     : key == "awsSecretAccessKey"   ? keys.secret_access_key
                     : key == "assumeRoleARN"        ? keys.assume_role_arn
                     : key == "assumeRoleExternalId" ? keys.assume_role_external_id
                                                     : keys.sts_endpoint;
  out = std::move(text.value());
  if (key == "assumeRoleARN" && !out.empty() && !is_role_arn(out)) {
    return config_error(path, cat("must be an IAM role ARN such as "
                                  "arn:aws:iam::123456789012:role/ferry, got ",
                                  quote_value(out)));
  }
  if (key == "sts.endpoint" && !out.empty()) {
    const std::string problem = check_endpoint_url(out);
    if (!problem.empty()) return config_error(path, problem);
  }
  if ((key == "awsAccessKeyId" || key == "awsSecretAccessKey") &&
      out.find_first_of(" \t\r\n") != std::string::npos) {
    return config_error(path, "must not contain whitespace");  // the value is a secret: not shown
  }
  return Ok{};
}

Status check_credential_keys(const AwsCredentialKeys& keys) {
  if (keys.access_key_id.empty() != keys.secret_access_key.empty()) {
    return keys.access_key_id.empty()
               ? config_error("awsAccessKeyId", "required with awsSecretAccessKey")
               : config_error("awsSecretAccessKey", "required with awsAccessKeyId");
  }
  if (!keys.assume_role_external_id.empty() && keys.assume_role_arn.empty()) {
    return config_error("assumeRoleExternalId", "needs assumeRoleARN");
  }
  return Ok{};
}

}  // namespace ferry::config
