// Where S3's 307 Temporary Redirect may be followed, and how its Location is split.
#include "core/aws/s3_redirect.hpp"

#include <gtest/gtest.h>

#include "io/aws/url_parts.hpp"

namespace ferry {
namespace {

// The Location is split by curl's own URL parser (io/aws/url_parts): the parts are what curl would
// request, never a second reading of the same bytes.
TEST(S3Redirect, LocationSplitsIntoSchemeAuthorityPathAndQuery) {
  const auto t = parse_url(
      "https://bucket.s3-us-west-2.amazonaws.com/dir/a%20b.zst?partNumber=1&uploadId=x#frag");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->parsed.scheme, "https");
  EXPECT_EQ(t->authority(), "bucket.s3-us-west-2.amazonaws.com");
  EXPECT_EQ(t->path, "/dir/a%20b.zst");
  EXPECT_EQ(t->query, "partNumber=1&uploadId=x");
  const auto bare = parse_url("HTTP://127.0.0.1:9000");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->parsed.scheme, "http");
  EXPECT_EQ(bare->authority(), "127.0.0.1:9000");
  EXPECT_EQ(bare->path, "/");
  EXPECT_EQ(bare->query, "");
  const auto v6 = parse_url("http://[::1]:9000/b?x=1");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->authority(), "[::1]:9000");
  EXPECT_FALSE(parse_url("/relative/path").ok());
  EXPECT_FALSE(parse_url("https://").ok());
  // curl reads three slashes as two: the host is what curl would connect to, and the policy
  // judges that host.
  const auto slashes = parse_url("https:///other-host/x");
  ASSERT_TRUE(slashes.ok());
  EXPECT_EQ(slashes->parsed.host, "other-host");
  const auto user = parse_url("https://user:pw@host/x");
  ASSERT_TRUE(user.ok());
  EXPECT_TRUE(user->parsed.has_userinfo);  // refused by the S3 client
}

TEST(S3Redirect, FollowedToTheSameHostASubdomainOrFromAwsToAws) {
  EXPECT_EQ(s3_redirect_refusal("http", "127.0.0.1", "http", "127.0.0.1"), "");
  EXPECT_EQ(s3_redirect_refusal("https", "minio.internal", "https", "bucket.minio.internal"), "");
  EXPECT_EQ(s3_redirect_refusal("https", "s3.us-east-1.amazonaws.com", "https",
                                "bucket.s3-us-west-2.amazonaws.com"),
            "");
  EXPECT_EQ(s3_redirect_refusal("https", "s3.cn-north-1.amazonaws.com.cn", "HTTPS",
                                "b.s3.cn-northwest-1.amazonaws.com.cn"),
            "");
  EXPECT_EQ(s3_redirect_refusal("https", "S3.Example.com", "https", "s3.example.COM"), "");
}

TEST(S3Redirect, RefusedToAnotherHostOrScheme) {
  EXPECT_EQ(s3_redirect_refusal("https", "s3.us-east-1.amazonaws.com", "http",
                                "bucket.s3.us-east-1.amazonaws.com"),
            "it changes the scheme from https to http");
  EXPECT_EQ(s3_redirect_refusal("http", "127.0.0.1", "http", "192.0.2.2"),
            "it leads from 127.0.0.1 to another host, 192.0.2.2");
  EXPECT_NE(s3_redirect_refusal("https", "minio.internal", "https", "evilminio.internal"), "");
  EXPECT_NE(s3_redirect_refusal("https", "minio.internal", "https", "amazonaws.com"), "");
  EXPECT_NE(s3_redirect_refusal("https", "s3.amazonaws.com", "https", "amazonaws.com.evil.io"), "");
  EXPECT_NE(s3_redirect_refusal("https", "s3.amazonaws.com", "https", ".amazonaws.com"), "");
  EXPECT_EQ(s3_redirect_refusal("https", "s3.amazonaws.com", "https", ""), "it names no host");
  // Raw bytes (curl's parser normally stands before): a NUL, a space, an escape.
  for (std::string_view host :
       {std::string_view("b.s3\0x.amazonaws.com", 20), std::string_view("b s3.amazonaws.com"),
        std::string_view("b\x1b.s3.amazonaws.com")})
    EXPECT_EQ(s3_redirect_refusal("https", "s3.amazonaws.com", "https", host),
              "it names no valid host");
}

}  // namespace
}  // namespace ferry
