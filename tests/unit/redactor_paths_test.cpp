// Unit tests for Redactor's nested field paths, its replace / hmac / remove modes and
// redactedAtField: golden records (Wickr-shaped among them) and a DOM-level model over random
// nested documents, the HMAC checked against OpenSSL's command line.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/redact/field_path.hpp"
#include "core/redact/hmac_sha256.hpp"
#include "core/redact/redactor.hpp"
#include "core/text.hpp"

namespace ferry {
namespace {

constexpr std::string_view kFile = "/var/log/app.log";
const std::string kKey = "0123456789abcdef0123456789abcdef";  // 32 bytes

// 2026-11-24T04:01:38.123Z
std::chrono::system_clock::time_point fixed_now() {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(1795492898123));
}
constexpr std::string_view kNow = "2026-11-24T04:01:38.123Z";

RedactionRule rule(std::vector<std::string> fields, RedactMode mode = RedactMode::replace) {
  RedactionRule r;
  r.fields = std::move(fields);
  r.mode = mode;
  if (mode == RedactMode::hmac) r.hmac_key = kKey;
  return r;
}

std::string redact(Redactor& redactor, std::string_view record,
                   RedactOutcome expected = RedactOutcome::redacted) {
  std::string out;
  EXPECT_EQ(redactor.process(record, RecordOrigin{kFile, 0}, out), expected) << record;
  EXPECT_TRUE(!out.empty() && out.back() == '\n');
  if (!out.empty()) out.pop_back();
  return out;
}

std::string redact_with(std::vector<RedactionRule> rules, std::string_view record) {
  Redactor redactor(std::move(rules), &fixed_now);
  return redact(redactor, record);
}

std::string hmac_hex(std::string_view value) {
  const HmacSha256::Hex hex = HmacSha256(kKey).hex(value);
  return std::string(hex.data(), hex.size());
}

bool parses(std::string_view json) {
  static simdjson::dom::parser parser;
  simdjson::dom::element root;
  return parser.parse(simdjson::padded_string(json)).get(root) == simdjson::SUCCESS;
}

// --- paths ----------------------------------------------------------------------------------

TEST(RedactorPaths, DottedPathReplacesTheNestedValueOnly) {
  EXPECT_EQ(
      redact_with({rule({"file.localfilename"})},
                  R"({"file":{"filename":"a.pdf","localfilename":"/tmp/x"},"localfilename":1})"),
      R"({"file":{"filename":"a.pdf","localfilename":"REDACTED_CONTENT"},"localfilename":1})");
}

TEST(RedactorPaths, WildcardSelectsEveryArrayElement) {
  EXPECT_EQ(redact_with({rule({"recipients[*].email"})},
                        R"({"recipients":[{"email":"a@x"},{"name":"b"},3,{"email":{"x":1}}]})"),
            R"({"recipients":[{"email":"REDACTED_CONTENT"},{"name":"b"},3,)"
            R"({"email":"REDACTED_CONTENT"}]})");
  EXPECT_EQ(redact_with({rule({"tags[*]"})}, R"({"tags":["a", 1, [2]],"n":[]})"),
            R"({"tags":["REDACTED_CONTENT", "REDACTED_CONTENT", "REDACTED_CONTENT"],"n":[]})");
  EXPECT_EQ(redact_with({rule({"m[*][*].k"})}, R"({"m":[[{"k":1}],[],[{"k":2},{"j":3}]]})"),
            R"({"m":[[{"k":"REDACTED_CONTENT"}],[],[{"k":"REDACTED_CONTENT"},{"j":3}]]})");
}

TEST(RedactorPaths, PathMeetingANonContainerIsLeftAlone) {
  const std::string record =
      R"({"file":"plain","edit":[{"text":1}],"r":{"x":1},"list":{"0":{"email":"e"}},"n":null})";
  EXPECT_EQ(
      redact_with(
          {rule({"file.localfilename", "edit.text", "r[*]", "list[*].email", "n.x", "absent.y"})},
          record),
      record);
}

TEST(RedactorPaths, DuplicateAndEscapedKeysAreFollowedAtEveryLevel) {
  EXPECT_EQ(redact_with({rule({"a.b"})},
                        R"({"a":{"b":1,"\u0062":2},"\u0061":{"c":0,"b":3},"a":{"b":{"b":4}}})"),
            R"({"a":{"b":"REDACTED_CONTENT","\u0062":"REDACTED_CONTENT"},)"
            R"("\u0061":{"c":0,"b":"REDACTED_CONTENT"},"a":{"b":"REDACTED_CONTENT"}})");
}

TEST(RedactorPaths, EscapedDotInAPathIsPartOfTheKey) {
  EXPECT_EQ(redact_with({rule({"a\\.b"})}, R"({"a.b":1,"a":{"b":2}})"),
            R"({"a.b":"REDACTED_CONTENT","a":{"b":2}})");
}

// A dotted name is read both ways, so that neither leaks: the nested value and the top-level
// key spelled so (the Kinesis-era reading), escaped or not; never a path with [*].
TEST(RedactorPaths, ADottedNameAlsoSelectsTheTopLevelKeySpelledSo) {
  EXPECT_EQ(redact_with({rule({"a.b"})}, R"({"a.b":1,"a":{"b":2},"a\u002eb":3,"a.c":4})"),
            R"({"a.b":"REDACTED_CONTENT","a":{"b":"REDACTED_CONTENT"},)"
            R"("a\u002eb":"REDACTED_CONTENT","a.c":4})");
  EXPECT_EQ(redact_with({rule({"x.y.z"}, RedactMode::remove)}, R"({"x.y.z":1,"x.y":{"z":2}})"),
            R"({"x.y":{"z":2}})");
  EXPECT_EQ(redact_with({rule({"r[*].e"})}, R"({"r[*].e":1,"r.e":2})"), R"({"r[*].e":1,"r.e":2})");
  EXPECT_EQ(dotted_key_path(*parse_field_path("a.b")), (FieldPath{{"a.b", false}}));
  EXPECT_EQ(dotted_key_path(*parse_field_path("a\\.b.c")), (FieldPath{{"a.b.c", false}}));
  EXPECT_EQ(dotted_key_path(*parse_field_path("a")), std::nullopt);
  EXPECT_EQ(dotted_key_path(*parse_field_path("a[*].b")), std::nullopt);
}

TEST(RedactorPaths, WhitespaceAndStringsThatLookLikeStructureArePreserved) {
  const std::string record =
      "{ \"s\" : \"{\\\"a\\\":[\" , \"a\" :\n { \"x\" : \"]}\" ,\t\"b\" : [ 1 , { } ] } }";
  EXPECT_EQ(redact_with({rule({"a.b"})}, record),
            "{ \"s\" : \"{\\\"a\\\":[\" , \"a\" :\n { \"x\" : \"]}\" ,\t\"b\" : "
            "\"REDACTED_CONTENT\" } }");
}

TEST(RedactorPaths, FieldPathGrammar) {
  EXPECT_EQ(*parse_field_path("a.b"), (FieldPath{{"a", false}, {"b", false}}));
  EXPECT_EQ(*parse_field_path("r[*].e"), (FieldPath{{"r", false}, {"", true}, {"e", false}}));
  EXPECT_EQ(*parse_field_path("r[*][*]"), (FieldPath{{"r", false}, {"", true}, {"", true}}));
  EXPECT_EQ(*parse_field_path("a\\.b\\[\\\\"), (FieldPath{{"a.b[\\", false}}));
  EXPECT_EQ(*parse_field_path("with space"), (FieldPath{{"with space", false}}));
  // Empty keys are JSON keys too (the configuration refuses them in paths as likely typos).
  EXPECT_EQ(*parse_field_path(""), (FieldPath{{"", false}}));
  EXPECT_EQ(*parse_field_path("a..b"), (FieldPath{{"a", false}, {"", false}, {"b", false}}));
  for (const char* bad : {"a[0]", "a[*", "a[*]b", "a\\", "a\\x", "a["}) {
    EXPECT_FALSE(parse_field_path(bad).ok()) << bad;
  }
  EXPECT_EQ(parse_field_path("a[0]").error().message,
            "invalid field path at byte 1: only [*] selects array elements");
}

// --- modes ----------------------------------------------------------------------------------

TEST(RedactorModes, RemoveKeepsSeparatorsRightWhereverTheMembersAre) {
  const auto removed = [](std::string_view record) {
    return redact_with({rule({"x", "o.x", "a[*]"}, RedactMode::remove)}, record);
  };
  EXPECT_EQ(removed(R"({"x":1,"k":2})"), R"({"k":2})");
  EXPECT_EQ(removed(R"({"k":2,"x":1})"), R"({"k":2})");
  EXPECT_EQ(removed(R"({"k":1, "x":{"d":[1]} ,"j":2})"), R"({"k":1, "j":2})");
  EXPECT_EQ(removed(R"({"x":1,"x":2})"), R"({})");
  EXPECT_EQ(removed(R"( { "x" : 1 , "k" : 2 , "x" : 3 } )"), R"( { "k" : 2 } )");
  EXPECT_EQ(removed(R"({"o":{"x":1,"y":2,"x":3},"a":[1,2,3]})"), R"({"o":{"y":2},"a":[]})");
  EXPECT_EQ(removed(R"({"o":{"y":0,"x":1,"x":2,"z":3,"x":4}})"), R"({"o":{"y":0,"z":3}})");
  for (const char* record : {R"({"x":1,"k":2})", R"({"o":{"x":1,"y":2},"x":[]})"}) {
    EXPECT_TRUE(parses(removed(record))) << record;
  }
}

TEST(RedactorModes, RemoveThenFlagAppendsTheFlagWithoutAStrayComma) {
  RedactionRule r = rule({"x"}, RedactMode::remove);
  r.flag_field = "redacted";
  EXPECT_EQ(redact_with({r}, R"({"x":1})"), R"({"redacted":true})");
  EXPECT_EQ(redact_with({r}, R"({"k":0,"x":1})"), R"({"k":0,"redacted":true})");
  EXPECT_EQ(redact_with({r}, R"({"x":1,"k":0})"), R"({"k":0,"redacted":true})");
}

TEST(RedactorModes, RemovedConsentFieldNoLongerConsents) {
  RedactionRule later = rule({"dob"});
  later.consent_field = "ok";
  EXPECT_EQ(redact_with({rule({"ok"}, RedactMode::remove), later}, R"({"ok":true,"dob":1})"),
            R"({"dob":"REDACTED_CONTENT"})");
}

TEST(RedactorModes, HmacOfAStringIsOverItsDecodedUtf8) {
  const std::string out =
      redact_with({rule({"sender", "u"}, RedactMode::hmac)},
                  R"({"sender":"bob@example.com","u":"caf\u00e9 \"q\"","n":1})");
  EXPECT_EQ(out, cat(R"({"sender":")", hmac_hex("bob@example.com"), R"(","u":")",
                     hmac_hex("caf\xc3\xa9 \"q\""), R"(","n":1})"));
}

TEST(RedactorModes, HmacOfOtherValuesIsOverTheirJsonText) {
  const std::string out = redact_with({rule({"n", "b", "z", "o"}, RedactMode::hmac)},
                                      R"({"n":-12.50e1,"b":true,"z":null,"o":{ "a" : [1, "x"] }})");
  EXPECT_EQ(out,
            cat(R"({"n":")", hmac_hex("-12.50e1"), R"(","b":")", hmac_hex("true"), R"(","z":")",
                hmac_hex("null"), R"(","o":")", hmac_hex(R"({"a":[1,"x"]})"), R"("})"));
}

TEST(RedactorModes, HmacIsDeterministicSoEqualValuesStayJoinable) {
  Redactor redactor({rule({"sender", "receiver"}, RedactMode::hmac)});
  const std::string a = redact(redactor, R"({"sender":"bob@example.com"})");
  const std::string b = redact(redactor, R"({"receiver":"bob@example.com"})");
  EXPECT_EQ(a.substr(a.find(':')), b.substr(b.find(':')));
}

// Runs `openssl dgst` on `value` under kKey, once with the key as text and once as hex.
std::vector<std::string> openssl_hmacs(const std::string& value) {
  const std::filesystem::path input =
      std::filesystem::temp_directory_path() / cat("ferry_hmac_", ::getpid(), ".bin");
  std::ofstream(input, std::ios::binary) << value;
  std::vector<std::string> digests;
  for (const std::string& options :
       {cat("-hmac ", kKey), cat("-mac HMAC -macopt hexkey:", to_hex(kKey))}) {
    const std::string command = cat("openssl dgst -sha256 ", options, " -r '", input.string(), "'");
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return {};
    std::array<char, 256> line{};
    const bool read = std::fgets(line.data(), line.size(), pipe) != nullptr;
    if (::pclose(pipe) != 0 || !read) return {};
    digests.push_back(std::string(line.data()).substr(0, 64));  // "-r": "<hex> *<file>"
  }
  std::filesystem::remove(input);
  return digests;
}

TEST(RedactorModes, HmacMatchesOpensslCommandLine) {
  if (std::system("openssl version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl";
  Redactor redactor({rule({"sender", "file.localfilename"}, RedactMode::hmac)});
  const std::string path = "/tmp/compliance/attachments/q3-report \xe2\x82\xac.pdf";
  const std::string out =
      redact(redactor, R"({"sender":"bob@example.com","file":{"localfilename":"/tmp/compliance/)"
                       R"(attachments/q3-report \u20ac.pdf"}})");
  for (const std::string& value : {std::string("bob@example.com"), path}) {
    const std::vector<std::string> expected = openssl_hmacs(value);
    ASSERT_EQ(expected.size(), 2u) << value;
    EXPECT_EQ(expected[0], expected[1]);
    EXPECT_NE(out.find(cat("\"", expected[0], "\"")), std::string::npos) << out;
  }
}

// RFC 4231 test cases 1, 2 and 6 (a key longer than the block).
TEST(RedactorModes, HmacSha256MatchesRfc4231) {
  const auto hex = [](const HmacSha256::Hex& h) { return std::string(h.data(), h.size()); };
  EXPECT_EQ(hex(HmacSha256(std::string(20, '\x0b')).hex("Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hex(HmacSha256("Jefe").hex("what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hex(HmacSha256(std::string(131, '\xaa'))
                    .hex("Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

// --- flags and times ------------------------------------------------------------------------

TEST(RedactorFlags, RedactedAtFieldCarriesTheUtcTimeOfRedaction) {
  RedactionRule r = rule({"dob"});
  r.consent_field = "ok";
  r.flag_field = "data_redacted";
  r.redacted_at_field = "redacted_at";
  EXPECT_EQ(
      redact_with({r}, R"({"dob":1})"),
      cat(R"({"dob":"REDACTED_CONTENT","data_redacted":true,"redacted_at":")", kNow, R"("})"));
  EXPECT_EQ(redact_with({r}, R"({"redacted_at":null,"dob":1,"redacted_at":"x"})"),
            cat(R"({"redacted_at":")", kNow, R"(","dob":"REDACTED_CONTENT","redacted_at":")", kNow,
                R"(","data_redacted":true})"));
  Redactor consenting({r}, &fixed_now);
  redact(consenting, R"({"dob":1,"ok":true})", RedactOutcome::passed);
}

TEST(RedactorFlags, RedactedAtUsesTheSystemClockByDefault) {
  RedactionRule r = rule({"dob"});
  r.redacted_at_field = "at";
  Redactor redactor({r});
  const std::string out = redact(redactor, R"({"dob":1})");
  // {"dob":"REDACTED_CONTENT","at":"YYYY-MM-DDTHH:MM:SS.mmmZ"}
  const std::string prefix = R"({"dob":"REDACTED_CONTENT","at":")";
  ASSERT_EQ(out.size(), prefix.size() + 24 + 2) << out;
  const std::string time = out.substr(prefix.size(), 24);
  EXPECT_EQ(time[4], '-');
  EXPECT_EQ(time[10], 'T');
  EXPECT_EQ(time[23], 'Z');
  EXPECT_GE(time.substr(0, 4), "2024");
}

TEST(RedactorFlags, LaterRuleSeesEarlierModes) {
  // A later rule's path into a value an earlier rule replaced selects nothing; replacing the
  // container of an earlier edit replaces the whole of it; hmac of a replaced value covers the
  // replacement.
  EXPECT_EQ(redact_with({rule({"a"}), rule({"a.b"}, RedactMode::remove)}, R"({"a":{"b":1}})"),
            R"({"a":"REDACTED_CONTENT"})");
  RedactionRule outer = rule({"a"});
  outer.replacement = "OUTER";
  EXPECT_EQ(redact_with({rule({"a.b"}), outer}, R"({"a":{"b":1},"c":2})"),
            R"({"a":"OUTER","c":2})");
  EXPECT_EQ(redact_with({rule({"a.b"}, RedactMode::remove), outer}, R"({"a":{"b":1,"c":2}})"),
            R"({"a":"OUTER"})");
  EXPECT_EQ(redact_with({rule({"a.b"}), rule({"a.b"}, RedactMode::hmac)}, R"({"a":{"b":1}})"),
            cat(R"({"a":{"b":")", hmac_hex("REDACTED_CONTENT"), R"("}})"));
  EXPECT_EQ(redact_with({rule({"a[*]"}, RedactMode::remove), rule({"a[*]"})}, R"({"a":[1,2]})"),
            R"({"a":[]})");
  // A field listed twice in an hmac rule is hashed once.
  EXPECT_EQ(redact_with({rule({"a", "a"}, RedactMode::hmac)}, R"({"a":"v"})"),
            cat(R"({"a":")", hmac_hex("v"), R"("})"));
  // An appended flag can be redacted, hashed or removed by a later rule.
  RedactionRule flagging = rule({"x"});
  flagging.flag_field = "f";
  EXPECT_EQ(redact_with({flagging, rule({"f"}, RedactMode::remove)}, R"({"x":1})"),
            R"({"x":"REDACTED_CONTENT"})");
  EXPECT_EQ(redact_with({flagging, rule({"f"}, RedactMode::hmac)}, R"({"x":1})"),
            cat(R"({"x":"REDACTED_CONTENT","f":")", hmac_hex("true"), R"("})"));
}

// --- Wickr-shaped records -------------------------------------------------------------------

std::vector<std::string> wickr_lines() {
  std::ifstream in(FERRY_TESTDATA "/wickr-messages-sample.jsonl");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(RedactorWickr, AttachmentPathEditTextAndSendersGolden) {
  const std::vector<std::string> lines = wickr_lines();
  ASSERT_EQ(lines.size(), 5u) << "wickr sample absent or changed: " FERRY_TESTDATA;
  RedactionRule content = rule({"message", "edit.text", "file.localfilename", "links[*].url"});
  content.consent_field = "data_share_consent";
  content.flag_field = "data_redacted";
  content.redacted_at_field = "redacted_at";
  RedactionRule people = rule({"sender", "receiver", "file.uploadedbyuser"}, RedactMode::hmac);
  RedactionRule drop = rule({"file.guid", "control.msgid"}, RedactMode::remove);
  Redactor redactor({content, people, drop}, &fixed_now);
  const std::string bob = hmac_hex("bob@example.com"), alice = hmac_hex("alice@example.com");
  const std::string tail = cat(R"(,"data_redacted":true,"redacted_at":")", kNow, R"("})");
  const std::vector<std::string> expected = {
      cat(R"({"message":"REDACTED_CONTENT","message_id":"a526085032fa11ee9a74053bb1017859",)"
          R"("msg_ts":"1691176258.901277","msgtype":1000,"receiver":")",
          alice, R"(","sender":")", bob,
          R"(","sender_type":"normal","time":"8/4/23 7:10 PM","time_iso":"2023-08-04 19:10:58.901",)"
          R"("ttl":"9/3/23 7:10 PM","vgroupid":"7ad65d17b945d7672190ecab6902fdd06eff162b91adfcda23df3b2ff95875e8")",
          tail),
      cat(R"({"bor":"8/10/23 7:19 PM","links":[{"url":"REDACTED_CONTENT"}],"message":"REDACTED_CONTENT",)"
          R"("message_id":"e2c5115032fb11ee9a74053bb1017859","msg_ts":"1691176791.781279","msgtype":1000,)"
          R"("sender":")",
          bob,
          R"(","sender_type":"normal","time":"8/4/23 7:19 PM","time_iso":"2023-08-04 19:19:51.781",)"
          R"("ttl":"9/3/23 7:19 PM","vgroupid":"S19a8782d9a0441d5e13f15b6789f00bc2f9b8231aa364a2eb3a8269dce2ac21")",
          tail),
      cat(R"({"file":{"filename":"q3-report.pdf","localfilename":"REDACTED_CONTENT","uploadedbyuser":")",
          bob,
          R"(","uploadedtimestamp":"8/4/23 7:11 PM"},"message_id":"91a189c0cae911e79ec4eb19a763225b",)"
          R"("msg_ts":"1691176262.756174","msgtype":6000,"receiver":")",
          alice, R"(","sender":")", bob,
          R"(","sender_type":"normal","time":"8/4/23 7:11 PM","time_iso":"2023-08-04 19:11:02.756",)"
          R"("ttl":"9/3/23 7:11 PM","vgroupid":"7ad65d17b945d7672190ecab6902fdd06eff162b91adfcda23df3b2ff95875e8")",
          tail),
      cat(R"({"edit":{"originalmessageid":"e2c5115032fb11ee9a74053bb1017859","text":"REDACTED_CONTENT",)"
          R"("type":"text"},"message_id":"1163e5b08da211eab775a5032a0322ca","msg_ts":"1691176795.419871",)"
          R"("msgtype":9000,"sender":")",
          bob,
          R"(","sender_type":"normal","time":"8/4/23 7:19 PM","time_iso":"2023-08-04 19:19:55.419",)"
          R"("ttl":"9/3/23 7:19 PM","vgroupid":"S19a8782d9a0441d5e13f15b6789f00bc2f9b8231aa364a2eb3a8269dce2ac21")",
          tail),
      cat(R"({"control":{"isrecall":true,"msgtype":4011},"message_id":"c0ffee0032fc11ee9a74053bb1017859",)"
          R"("msg_ts":"1691176900.102030","msgtype":4011,"receiver":")",
          alice, R"(","sender":")", bob,
          R"(","sender_type":"normal","time":"8/4/23 7:21 PM","time_iso":"2023-08-04 19:21:40.102",)"
          R"("vgroupid":"7ad65d17b945d7672190ecab6902fdd06eff162b91adfcda23df3b2ff95875e8")",
          tail),
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(redact(redactor, lines[i]), expected[i]) << "line " << i;
  }
}

}  // namespace
}  // namespace ferry
