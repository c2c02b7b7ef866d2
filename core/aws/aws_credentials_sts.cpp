// STS answers (AssumeRole, AssumeRoleWithWebIdentity): the <Credentials> element, or the
// <ErrorResponse>. Reuses the bounded XML scanner of core/aws/s3_xml.
#include "core/aws/aws_credentials.hpp"
#include "core/aws/s3_xml.hpp"
#include "core/text.hpp"

namespace ferry {

Result<ExpiringCredentials> parse_sts_credentials(std::string_view xml) {
  const std::string_view root = xml_root_element(xml);
  const size_t colon = root.rfind(':');
  const std::string_view local = colon == std::string_view::npos ? root : root.substr(colon + 1);
  if (local == "ErrorResponse" || local == "Error") {
    const std::string code = xml_element_text(xml, "Code").value_or("unknown");
    const std::string message = xml_element_text(xml, "Message").value_or("");
    return make_error(cat("STS error ", code.substr(0, 100), ": ", message.substr(0, 300)));
  }
  if (local != "AssumeRoleResponse" && local != "AssumeRoleWithWebIdentityResponse") {
    return make_error(cat("STS answer: unexpected document <", root.substr(0, 60), ">"));
  }
  // AccessKeyId, SecretAccessKey, SessionToken and Expiration occur only in <Credentials>.
  const std::string_view inner = xml;
  ExpiringCredentials out;
  out.credentials.access_key_id = xml_element_text(inner, "AccessKeyId").value_or("");
  out.credentials.secret_access_key = xml_element_text(inner, "SecretAccessKey").value_or("");
  out.credentials.session_token = xml_element_text(inner, "SessionToken").value_or("");
  if (out.credentials.access_key_id.empty() || out.credentials.secret_access_key.empty() ||
      out.credentials.session_token.empty()) {
    return make_error(
        "STS answer: <Credentials> lacks AccessKeyId, SecretAccessKey or SessionToken");
  }
  const std::optional<std::string> expiration = xml_element_text(inner, "Expiration");
  if (!expiration || !(out.expiration = parse_iso8601(*expiration))) {
    return make_error("STS answer: <Expiration> is missing or not an ISO-8601 time");
  }
  return out;
}

}  // namespace ferry
