// Where the container authorization token may go: the pure decision (core/aws/container_uri_policy)
// on hosts as libcurl's URL parser gives them, and that parser (io/aws/url_parts) on the URIs that
// fooled a prefix check, such as http://127.0.0.1@192.0.2.2/ whose host is 192.0.2.2.
#include <gtest/gtest.h>

#include "core/aws/container_uri_policy.hpp"
#include "io/aws/url_parts.hpp"

namespace ferry {
namespace {

std::string problem_of(std::string_view uri) {
  Result<UrlParts> parts = parse_url(uri);
  if (!parts.ok()) return "unparsable: " + parts.error().message;
  return container_uri_problem(parts->parsed);
}

TEST(ContainerUriPolicy, PlainHttpHosts) {
  for (const char* host :
       {"127.0.0.1", "127.255.0.9", "localhost", "LocalHost", "[::1]", "::1", "[0:0:0:0:0:0:0:1]",
        "169.254.170.2", "169.254.170.23", "[fd00:ec2::23]", "[FD00:EC2:0:0:0:0:0:23]"}) {
    EXPECT_TRUE(is_plain_http_credentials_host(host)) << host;
  }
  for (const char* host : {"",
                           "192.0.2.2",
                           "127.evil.example",
                           "127.0.0.1.evil.example",
                           "localhost.",
                           "localhost.evil.example",
                           "169.254.170.3",
                           "169.254.169.254",
                           "0127.0.0.1",
                           "127.0.0.256",
                           "127.0.0",
                           "[::2]",
                           "[::ffff:127.0.0.1]",
                           "[fd00:ec2::24]",
                           "[::1%25lo]",
                           "[::1",
                           "1::1::1",
                           "::1:",
                           "[1:2:3:4:5:6:7:8:9]",
                           "[12345::1]",
                           "evil"}) {
    EXPECT_FALSE(is_plain_http_credentials_host(host)) << host;
  }
}

TEST(ContainerUriPolicy, Decision) {
  EXPECT_EQ(container_uri_problem({"http", "127.0.0.1", false}), "");
  EXPECT_EQ(container_uri_problem({"https", "credentials.example", false}), "");
  EXPECT_NE(container_uri_problem({"http", "credentials.example", false}).find("plain http"),
            std::string::npos);
  EXPECT_NE(container_uri_problem({"https", "127.0.0.1", true}).find("user or password"),
            std::string::npos);
  EXPECT_NE(container_uri_problem({"ftp", "127.0.0.1", false}).find("http or https"),
            std::string::npos);
}

TEST(ContainerUri, CurlSeesTheRealHost) {
  Result<UrlParts> parts = parse_url("http://127.0.0.1@192.0.2.2:8080/creds");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->parsed.host, "192.0.2.2");
  EXPECT_TRUE(parts->parsed.has_userinfo);
  EXPECT_NE(problem_of("http://127.0.0.1@192.0.2.2:8080/creds").find("user or password"),
            std::string::npos);
  EXPECT_NE(problem_of("http://127.0.0.1:x@192.0.2.2/").find("user or password"),
            std::string::npos);
  EXPECT_NE(problem_of("http://@127.0.0.1/").find("user or password"), std::string::npos);
  EXPECT_NE(problem_of("https://user:pw@example.com/").find("user or password"), std::string::npos);
  EXPECT_NE(problem_of("http://127.0.0.1.nip.io/").find("plain http"), std::string::npos);
  EXPECT_NE(problem_of("http://192.0.2.2#@127.0.0.1/").find("plain http"), std::string::npos);
  EXPECT_NE(problem_of("http://192.0.2.2\\@127.0.0.1/"), "");
  EXPECT_NE(problem_of("gopher://127.0.0.1/").find("http or https"), std::string::npos);
  EXPECT_NE(problem_of("file:///etc/passwd"), "");
  EXPECT_EQ(problem_of("/relative/only").rfind("unparsable", 0), 0u);
}

// curl writes a percent-encoded host decoded, and reads the result again differently: "%35" is
// the host "5", written "https://5/", which curl reads as the IPv4 address 0.0.0.5. The parts
// judged are those of the normalized URL that ferry requests, which reads back as itself.
TEST(ContainerUri, TheHostJudgedIsTheHostOfTheUrlRequested) {
  for (const char* uri : {"https:/%35?:", "https://%35/?:", "http://%35/creds"}) {
    SCOPED_TRACE(uri);
    Result<UrlParts> parts = parse_url(uri);
    ASSERT_TRUE(parts.ok()) << parts.error().message;
    EXPECT_EQ(parts->parsed.host, "0.0.0.5");
    Result<UrlParts> again = parse_url(parts->url);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->url, parts->url);
    EXPECT_EQ(again->parsed.host, parts->parsed.host);
  }
  EXPECT_EQ(parse_url("https:/%35?:")->url, "https://0.0.0.5/?:");
  EXPECT_NE(problem_of("http://%35/creds").find("plain http"), std::string::npos);
  // Percent-encoded "127.1" is requested as 127.0.0.1: a loopback address, judged as one.
  Result<UrlParts> loopback = parse_url("http://%31%32%37.1:8080/creds");
  ASSERT_TRUE(loopback.ok());
  EXPECT_EQ(loopback->parsed.host, "127.0.0.1");
  EXPECT_EQ(loopback->url, "http://127.0.0.1:8080/creds");
  EXPECT_EQ(problem_of("http://%31%32%37.1:8080/creds"), "");
}

TEST(ContainerUri, AllowedUris) {
  EXPECT_EQ(problem_of("http://127.0.0.1:51234/creds"), "");
  EXPECT_EQ(problem_of("http://localhost/creds"), "");
  EXPECT_EQ(problem_of("http://[::1]:80/creds"), "");
  EXPECT_EQ(problem_of("http://169.254.170.2/v2/credentials/abc"), "");
  EXPECT_EQ(problem_of("http://169.254.170.23/v1/credentials"), "");
  EXPECT_EQ(problem_of("http://[fd00:ec2::23]/v1/credentials"), "");
  EXPECT_EQ(problem_of("HTTP://127.0.0.1/creds"), "");  // curl lowercases the scheme
  EXPECT_EQ(problem_of("https://creds.example.com/x"), "");
  Result<UrlParts> parts = parse_url("http://127.0.0.1:51234/creds?x=1");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->url, "http://127.0.0.1:51234/creds?x=1");
}

}  // namespace
}  // namespace ferry
