// Proves the pure parsers behind the credential provider chain on the shapes AWS documents and
// on broken input: ISO-8601 expirations, the shared INI files, the JSON answers of the
// container endpoint / instance metadata / credential_process, and STS XML answers.
#include "core/aws/aws_credentials.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace ferry {
namespace {

using std::chrono::sys_days;
using std::chrono::sys_seconds;
using namespace std::chrono_literals;

sys_seconds at(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  return sys_seconds(sys_days(std::chrono::year(y) / m / d)) + std::chrono::hours(hh) +
         std::chrono::minutes(mm) + std::chrono::seconds(ss);
}

TEST(AwsCredentialsTime, Iso8601ZuluFractionAndOffsetsAreUtc) {
  EXPECT_EQ(parse_iso8601("2026-11-24T06:00:00Z"), at(2026, 11, 24, 6, 0, 0));
  EXPECT_EQ(parse_iso8601("2026-11-24T06:00:00.123456Z"), at(2026, 11, 24, 6, 0, 0));
  EXPECT_EQ(parse_iso8601("2026-11-24T08:30:00+02:30"), at(2026, 11, 24, 6, 0, 0));
  EXPECT_EQ(parse_iso8601("2026-11-24T01:00:00-0500"), at(2026, 11, 24, 6, 0, 0));
  EXPECT_EQ(parse_iso8601("2024-02-29T23:59:59Z"), at(2024, 2, 29, 23, 59, 59));
}

TEST(AwsCredentialsTime, Iso8601RejectsAmbiguousOrImpossibleTimes) {
  for (const char* bad :
       {"", "2026-11-24", "2026-11-24T06:00:00", "2026-11-24 06:00:00Z", "2026-13-01T00:00:00Z",
        "2025-02-29T00:00:00Z", "2026-11-24T24:00:00Z", "2026-11-24T06:00:00Zjunk",
        "2026-11-24T06:00:00.Z", "26-11-24T06:00:00Z", "2026-11-24T06:00:00+25:00"}) {
    EXPECT_FALSE(parse_iso8601(bad).has_value()) << bad;
  }
}

TEST(AwsCredentialsIni, CredentialsFileSectionsAreProfiles) {
  const auto profiles = parse_aws_ini(
      "# comment\n; another\n[default]\naws_access_key_id = AKIA1\n"
      "aws_secret_access_key=secret/with+chars ; inline comment\n\n[prod]\r\n"
      "AWS_ACCESS_KEY_ID = AKIA2\r\n",
      AwsIniKind::credentials);
  ASSERT_TRUE(profiles.ok()) << profiles.error().message;
  EXPECT_EQ(profiles->at("default").at("aws_access_key_id"), "AKIA1");
  EXPECT_EQ(profiles->at("default").at("aws_secret_access_key"), "secret/with+chars");
  EXPECT_EQ(profiles->at("prod").at("aws_access_key_id"), "AKIA2");
}

TEST(AwsCredentialsIni, ConfigFileNeedsTheProfilePrefixExceptForDefault) {
  const auto profiles = parse_aws_ini(
      "[default]\nregion = eu-west-1\n[profile app]\nrole_arn = arn:aws:iam::1:role/r\n"
      "source_profile = base\ns3 =\n  max_concurrent_requests = 20\nregion = us-east-2\n"
      "[sso-session corp]\nsso_region = us-east-1\n[app2]\nx = 1\n",
      AwsIniKind::config);
  ASSERT_TRUE(profiles.ok()) << profiles.error().message;
  EXPECT_EQ(profiles->size(), 2u);  // default and app; sso-session and "[app2]" hold none
  EXPECT_EQ(profiles->at("app").at("source_profile"), "base");
  EXPECT_EQ(profiles->at("app").at("region"), "us-east-2");
  EXPECT_EQ(profiles->at("app").count("max_concurrent_requests"), 0u);  // a sub-setting
}

TEST(AwsCredentialsIni, MalformedLinesAreErrorsThatNameTheLineNotItsText) {
  const auto no_equals = parse_aws_ini("[default]\nAKIASECRETLINE\n", AwsIniKind::credentials);
  ASSERT_FALSE(no_equals.ok());
  EXPECT_EQ(no_equals.error().message, "line 2: expected key = value");
  EXPECT_FALSE(parse_aws_ini("key = value\n", AwsIniKind::credentials).ok());
  EXPECT_FALSE(parse_aws_ini("[default\n", AwsIniKind::credentials).ok());
  EXPECT_FALSE(parse_aws_ini("[profile   ]\n", AwsIniKind::config).ok());
}

TEST(AwsCredentialsJson, ContainerAndInstanceMetadataAnswers) {
  const auto parsed = parse_credentials_json(
      R"({"Code":"Success","LastUpdated":"2026-11-24T05:00:00Z","Type":"AWS-HMAC",
          "AccessKeyId":"ASIA1","SecretAccessKey":"s3cr3t","Token":"tok",
          "Expiration":"2026-11-24T11:00:00Z"})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->credentials.access_key_id, "ASIA1");
  EXPECT_EQ(parsed->credentials.secret_access_key, "s3cr3t");
  EXPECT_EQ(parsed->credentials.session_token, "tok");
  EXPECT_EQ(parsed->expiration, at(2026, 11, 24, 11, 0, 0));
}

TEST(AwsCredentialsJson, CredentialProcessAnswerWithoutExpirationNeverExpires) {
  const auto parsed = parse_credentials_json(
      R"({"Version":1,"AccessKeyId":"AKIA1","SecretAccessKey":"s","SessionToken":"t"})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->credentials.session_token, "t");
  EXPECT_FALSE(parsed->expiration.has_value());
}

TEST(AwsCredentialsJson, FailuresNeverQuoteAValue) {
  const auto failed = parse_credentials_json(R"({"Code":"AssumeRoleUnauthorizedAccess"})");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message, "credentials JSON: Code is AssumeRoleUnauthorizedAccess");
  for (const char* bad :
       {"", "[]", "{", R"({"Version":2,"AccessKeyId":"a","SecretAccessKey":"TOPSECRET"})",
        R"({"AccessKeyId":"a"})", R"({"AccessKeyId":"a","SecretAccessKey":7})",
        R"({"AccessKeyId":"a","SecretAccessKey":"TOPSECRET","Expiration":"soon"})"}) {
    const auto result = parse_credentials_json(bad);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.error().message.find("TOPSECRET"), std::string::npos);
  }
}

constexpr char kAssumeRoleAnswer[] =
    R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/demo/s</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:s</AssumedRoleId></AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764&amp;x</SessionToken>
      <Expiration>2026-11-24T06:15:00Z</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe</RequestId></ResponseMetadata>
</AssumeRoleResponse>)";

TEST(AwsCredentialsSts, AssumeRoleAnswerGivesTemporaryCredentials) {
  const auto parsed = parse_sts_credentials(kAssumeRoleAnswer);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->credentials.access_key_id, "ASIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(parsed->credentials.secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
  EXPECT_EQ(parsed->credentials.session_token, "AQoDYXdzEPT//////////wEXAMPLEtc764&x");
  EXPECT_EQ(parsed->expiration, at(2026, 11, 24, 6, 15, 0));
}

TEST(AwsCredentialsSts, ErrorResponseGivesCodeAndMessage) {
  const auto parsed = parse_sts_credentials(
      R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>
      <Code>AccessDenied</Code><Message>User is not authorized to perform sts:AssumeRole</Message>
      </Error><RequestId>1</RequestId></ErrorResponse>)");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message,
            "STS error AccessDenied: User is not authorized to perform sts:AssumeRole");
}

TEST(AwsCredentialsSts, IncompleteAnswersAreErrors) {
  EXPECT_FALSE(parse_sts_credentials("").ok());
  EXPECT_FALSE(parse_sts_credentials("<html>gateway timeout</html>").ok());
  std::string no_token = kAssumeRoleAnswer;
  no_token.replace(no_token.find("<SessionToken>"), 14, "<Session>");
  EXPECT_FALSE(parse_sts_credentials(no_token).ok());
  std::string bad_time = kAssumeRoleAnswer;
  bad_time.replace(bad_time.find("2026-11-24T06:15:00Z"), 20, "tomorrow");
  EXPECT_FALSE(parse_sts_credentials(bad_time).ok());
}

}  // namespace
}  // namespace ferry
