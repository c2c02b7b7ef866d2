// Proves ferry's SigV4 against every case of the AWS SigV4 test suite (header and query signing)
// and against botocore for an S3 request; plus the hash/MAC primitives it stands on.
#include "core/aws/sigv4.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/crypto.hpp"
#include "core/text.hpp"

namespace ferry {
namespace {

namespace fs = std::filesystem;

const fs::path kSuiteDir = FERRY_TESTDATA "/aws-sigv4-test-suite";
constexpr char kSuiteMissing[] = "suite_not_found";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string without_trailing_newlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// A case is any folder (at any depth) holding a request.txt; some suites nest variants.
std::vector<std::string> list_cases() {
  std::vector<std::string> cases;
  std::error_code ec;
  if (!fs::is_directory(kSuiteDir, ec)) return {kSuiteMissing};
  for (const auto& entry : fs::recursive_directory_iterator(kSuiteDir, ec)) {
    if (entry.is_regular_file() && entry.path().filename() == "request.txt") {
      cases.push_back(fs::relative(entry.path().parent_path(), kSuiteDir).generic_string());
    }
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

struct ParsedRequest {
  SignableRequest request;
  std::string body;
};

// request.txt is an HTTP/1.1 request: the target may hold spaces, lines starting with
// whitespace continue the previous header (obs-fold), duplicate headers stay separate.
ParsedRequest parse_request_txt(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  size_t body_start = text.size();
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    start = end + 1;
    if (line.empty() && !lines.empty()) {
      body_start = std::min(start, text.size());
      break;
    }
    lines.push_back(line);
  }
  ParsedRequest parsed;
  EXPECT_FALSE(lines.empty());
  if (lines.empty()) return parsed;
  const std::string& first = lines[0];
  const size_t method_end = first.find(' ');
  const size_t version_start = first.rfind(' ');
  parsed.request.method = first.substr(0, method_end);
  const std::string target = first.substr(method_end + 1, version_start - method_end - 1);
  const size_t question = target.find('?');
  parsed.request.path = target.substr(0, question);
  if (question != std::string::npos) parsed.request.query = target.substr(question + 1);
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if ((line[0] == ' ' || line[0] == '\t') && !parsed.request.headers.empty()) {
      parsed.request.headers.back().value.append(" ").append(line);
      continue;
    }
    const size_t colon = line.find(':');
    parsed.request.headers.push_back({line.substr(0, colon), line.substr(colon + 1)});
  }
  parsed.body = text.substr(body_start);
  parsed.request.payload_sha256_hex = sha256_hex(parsed.body);
  return parsed;
}

std::chrono::sys_seconds parse_timestamp(std::string_view iso) {  // "2015-08-30T12:36:00Z"
  auto number = [&](size_t pos, size_t len) {
    return std::stoi(std::string(iso.substr(pos, len)));
  };
  using namespace std::chrono;
  const sys_days day = year{number(0, 4)} / number(5, 2) / number(8, 2);
  return day + hours{number(11, 2)} + minutes{number(14, 2)} + seconds{number(17, 2)};
}

struct SuiteContext {
  SigningParams params;
  int expires_seconds = 0;
};

SuiteContext parse_context(const fs::path& path) {
  simdjson::dom::parser parser;
  const simdjson::dom::element doc = parser.load(path.string());
  SuiteContext context;
  SigningParams& p = context.params;
  const simdjson::dom::element credentials = doc["credentials"];
  p.credentials.access_key_id = std::string(std::string_view(credentials["access_key_id"]));
  p.credentials.secret_access_key = std::string(std::string_view(credentials["secret_access_key"]));
  std::string_view token;
  if (credentials["token"].get(token) == simdjson::SUCCESS) p.credentials.session_token = token;
  p.region = std::string(std::string_view(doc["region"]));
  p.service = std::string(std::string_view(doc["service"]));
  p.time = parse_timestamp(std::string_view(doc["timestamp"]));
  p.normalize_path = bool(doc["normalize"]);
  p.double_encode_path = true;  // the suite's services are not S3
  p.add_content_sha256_header = bool(doc["sign_body"]);
  bool omit = false;
  if (doc["omit_session_token"].get(omit) == simdjson::SUCCESS) p.omit_session_token = omit;
  int64_t expires = 0;
  if (doc["expiration_in_seconds"].get(expires) == simdjson::SUCCESS) {
    context.expires_seconds = static_cast<int>(expires);
  }
  return context;
}

std::string authorization_line_of(const std::string& signed_request) {
  constexpr std::string_view kPrefix = "Authorization:";
  const size_t at = signed_request.find(kPrefix);
  if (at == std::string::npos) return "";
  const size_t end = signed_request.find('\n', at);
  return without_trailing_newlines(
      signed_request.substr(at + kPrefix.size(), end - at - kPrefix.size()));
}

class AwsSigV4Suite : public ::testing::TestWithParam<std::string> {};

TEST_P(AwsSigV4Suite, HeaderSigningMatchesCanonicalRequestStringToSignAndSignature) {
  if (GetParam() == kSuiteMissing) {
    FAIL() << "AWS SigV4 test suite not found at " << kSuiteDir << " (tests/data/README.md)";
  }
  const fs::path dir = kSuiteDir / GetParam();
  const ParsedRequest parsed = parse_request_txt(read_file(dir / "request.txt"));
  const SuiteContext context = parse_context(dir / "context.json");

  const SigningResult result = sign_with_headers(parsed.request, context.params);
  EXPECT_EQ(result.canonical_request,
            without_trailing_newlines(read_file(dir / "header-canonical-request.txt")));
  EXPECT_EQ(result.string_to_sign,
            without_trailing_newlines(read_file(dir / "header-string-to-sign.txt")));
  EXPECT_EQ(result.signature, without_trailing_newlines(read_file(dir / "header-signature.txt")));
  if (fs::exists(dir / "header-signed-request.txt")) {
    EXPECT_EQ(result.authorization,
              authorization_line_of(read_file(dir / "header-signed-request.txt")));
  }
}

TEST_P(AwsSigV4Suite, QuerySigningMatchesCanonicalRequestStringToSignAndSignature) {
  if (GetParam() == kSuiteMissing) {
    FAIL() << "AWS SigV4 test suite not found at " << kSuiteDir;
  }
  const fs::path dir = kSuiteDir / GetParam();
  if (!fs::exists(dir / "query-canonical-request.txt")) {
    GTEST_SKIP() << "case has no query-signing expectations";
  }
  const ParsedRequest parsed = parse_request_txt(read_file(dir / "request.txt"));
  const SuiteContext context = parse_context(dir / "context.json");

  const SigningResult result =
      sign_with_query(parsed.request, context.params, context.expires_seconds);
  EXPECT_EQ(result.canonical_request,
            without_trailing_newlines(read_file(dir / "query-canonical-request.txt")));
  EXPECT_EQ(result.string_to_sign,
            without_trailing_newlines(read_file(dir / "query-string-to-sign.txt")));
  EXPECT_EQ(result.signature, without_trailing_newlines(read_file(dir / "query-signature.txt")));
}

std::string case_test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Cases, AwsSigV4Suite, ::testing::ValuesIn(list_cases()), case_test_name);

TEST(AwsSigV4SuiteFolder, HoldsAllThirtyEightCases) {
  const std::vector<std::string> cases = list_cases();
  ASSERT_FALSE(cases.size() == 1 && cases[0] == kSuiteMissing)
      << "AWS SigV4 test suite not found at " << kSuiteDir;
  EXPECT_EQ(cases.size(), 38u);
}

// Expected values produced by botocore 1.43 (Debian python3-botocore), S3SigV4Auth with
// botocore.auth.get_current_datetime patched to 2024-05-17T08:09:10Z:
//   creds = Credentials('AKIDFERRYEXAMPLE', 'ferry/secret+key=EXAMPLE',
//                       'ferry-session-token/EXAMPLE==')
//   req = AWSRequest(method='PUT', url='http://127.0.0.1:4568/ferry-bucket/logs/2024/'
//                    'a%20b%3Dc.ndjson.zst?partNumber=3&uploadId=up%2Fload%3D1',
//                    data=b'hello ferry\n', headers={'Content-Type': 'application/zstd'})
//   S3SigV4Auth(creds, 's3', 'eu-west-1').add_auth(req)   # then canonical_request(),
//   string_to_sign() and the Authorization header it set.
TEST(SigV4, S3SignatureMatchesBotocoreForEncodedKeyPayloadHashAndSessionToken) {
  SignableRequest request;
  request.method = "PUT";
  request.path = uri_encode_path("/ferry-bucket/logs/2024/a b=c.ndjson.zst");
  request.query = cat("partNumber=3&uploadId=", uri_encode("up/load=1", false));
  request.headers = {{"Content-Type", "application/zstd"}, {"host", "127.0.0.1:4568"}};
  request.payload_sha256_hex = sha256_hex("hello ferry\n");
  using namespace std::chrono;
  const sys_seconds time = sys_days{year{2024} / 5 / 17} + hours{8} + minutes{9} + seconds{10};
  const SigningParams params = s3_signing_params(
      {"AKIDFERRYEXAMPLE", "ferry/secret+key=EXAMPLE", "ferry-session-token/EXAMPLE=="},
      "eu-west-1", time);

  const SigningResult result = sign_with_headers(request, params);

  EXPECT_EQ(
      result.canonical_request,
      "PUT\n"
      "/ferry-bucket/logs/2024/a%20b%3Dc.ndjson.zst\n"
      "partNumber=3&uploadId=up%2Fload%3D1\n"
      "content-type:application/zstd\n"
      "host:127.0.0.1:4568\n"
      "x-amz-content-sha256:3dc89282411ed2798311c3bdeaf7c9830ff8c70b18915e7f8e12e136bc0cf039\n"
      "x-amz-date:20240517T080910Z\n"
      "x-amz-security-token:ferry-session-token/EXAMPLE==\n"
      "\n"
      "content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token\n"
      "3dc89282411ed2798311c3bdeaf7c9830ff8c70b18915e7f8e12e136bc0cf039");
  EXPECT_EQ(result.string_to_sign,
            "AWS4-HMAC-SHA256\n"
            "20240517T080910Z\n"
            "20240517/eu-west-1/s3/aws4_request\n"
            "7e115337701b48ee21020628e14dd12f9ffedce9b3f9b5ea9d4ed661ace4a8de");
  EXPECT_EQ(result.signature, "91aed038f26fcd8c232f1c078309dfd17ff3e9ad3b423d2bef6bd6f971b7d6cc");
  EXPECT_EQ(result.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDFERRYEXAMPLE/20240517/eu-west-1/s3/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, "
            "Signature=91aed038f26fcd8c232f1c078309dfd17ff3e9ad3b423d2bef6bd6f971b7d6cc");
}

TEST(SigV4, S3ModeKeepsDotSegmentsAndDoubleSlashesInKeys) {
  SignableRequest request;
  request.method = "GET";
  request.path = uri_encode_path("/bucket/a/../b//c");
  request.headers = {{"host", "example.com"}};
  request.payload_sha256_hex = sha256_hex("");
  const SigningResult result =
      sign_with_headers(request, s3_signing_params({"AK", "SK", ""}, "us-east-1", {}));
  EXPECT_EQ(result.canonical_request.substr(0, result.canonical_request.find('\n', 4)),
            "GET\n/bucket/a/../b//c");
}

TEST(SigV4, ResigningReplacesTheHeadersTheSignerOwns) {
  SignableRequest request;
  request.method = "GET";
  request.path = "/";
  request.headers = {
      {"host", "example.com"}, {"X-Amz-Date", "19990101T000000Z"}, {"Authorization", "stale"}};
  request.payload_sha256_hex = sha256_hex("");
  const SigningResult result =
      sign_with_headers(request, s3_signing_params({"AK", "SK", ""}, "us-east-1", {}));
  EXPECT_EQ(result.canonical_request.find("19990101"), std::string::npos);
  EXPECT_EQ(result.canonical_request.find("stale"), std::string::npos);
}

TEST(SigV4, UriEncodeEscapesAllButUnreservedAndOptionallySlash) {
  EXPECT_EQ(uri_encode("a b/c=d+e~f_g.h-i%", false), "a%20b%2Fc%3Dd%2Be~f_g.h-i%25");
  EXPECT_EQ(uri_encode("a b/c", true), "a%20b/c");
  EXPECT_EQ(uri_encode("\xE1\x88\xB4", true), "%E1%88%B4");
}

TEST(SigV4, AmzDateIsBasicIso8601InUtc) {
  using namespace std::chrono;
  EXPECT_EQ(format_amz_date(sys_days{year{2015} / 8 / 30} + hours{12} + minutes{36}),
            "20150830T123600Z");
  EXPECT_EQ(format_amz_date(sys_seconds{}), "19700101T000000Z");
}

TEST(Crypto, Sha256MatchesFips180Vectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, IncrementalSha256EqualsOneShotAndRestartsAfterFinish) {
  Sha256 hasher;
  hasher.update("ab");
  hasher.update("");
  hasher.update("c");
  EXPECT_EQ(to_hex(hasher.finish()), sha256_hex("abc"));
  hasher.update("hello");
  EXPECT_EQ(to_hex(hasher.finish()), sha256_hex("hello"));
}

TEST(Crypto, HmacSha256MatchesRfc4231Case2) {
  EXPECT_EQ(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, Md5AndBase64GiveTheContentMd5OfAnEmptyBody) {
  EXPECT_EQ(to_hex(md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(base64(md5("")), "1B2M2Y8AsgTpgAmY7PhCfg==");
  EXPECT_EQ(base64(byte_span(std::string_view("ab"))), "YWI=");
  EXPECT_EQ(base64(byte_span(std::string_view(""))), "");
}

}  // namespace
}  // namespace ferry
