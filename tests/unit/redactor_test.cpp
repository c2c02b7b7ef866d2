// Unit tests for Redactor: the privacy guarantee (fail-closed redaction, exact invalid marker,
// byte-for-byte splicing) checked case by case and against an independent DOM-level model.
#include "core/redact/redactor.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <new>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/redact/invalid_record_marker.hpp"
#include "core/text.hpp"

// Counts heap allocations so a test can prove the steady state does not allocate.
namespace {
std::atomic<long> g_allocations{0};
// Out of line so the compiler does not pair new-expressions with free() and warn.
[[gnu::noinline]] void release(void* p) noexcept {
  std::free(p);
}
}  // namespace
void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  return ::operator new(size);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
  return ::operator new(size, tag);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  release(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  release(p);
}
void operator delete(void* p) noexcept {
  release(p);
}
void operator delete[](void* p) noexcept {
  release(p);
}
void operator delete(void* p, std::size_t) noexcept {
  release(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  release(p);
}

namespace ferry {
namespace {

constexpr std::string_view kFile = "/var/log/app.log";

RedactionRule seed_rule() {
  RedactionRule rule;
  rule.consent_field = "data_share_consent";
  rule.fields = {"dob", "ssn_no"};
  rule.replacement = "REDACTED_CONTENT";
  rule.flag_field = "data_redacted";
  return rule;
}

struct Processed {
  RedactOutcome outcome;
  std::string out;
};

Processed run(Redactor& redactor, std::string_view record, uint64_t offset = 0) {
  Processed p;
  p.outcome = redactor.process(record, RecordOrigin{kFile, offset}, p.out);
  return p;
}

std::string marker(std::string_view file, uint64_t offset, size_t length) {
  std::string out = R"({"ferry_invalid_record":true,"ferry_file":)";
  append_json_string(out, file);
  out += cat(R"(,"ferry_offset":)", offset, R"(,"ferry_length":)", length, "}\n");
  return out;
}

using Members = std::vector<std::pair<std::string, std::string>>;  // unescaped key, minified value

// Reads `json` with an independent parser; fails the test unless it is a valid JSON object.
Members members_of(std::string_view json) {
  static simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  const auto error = parser.parse(padded).get(root);
  EXPECT_EQ(error, simdjson::SUCCESS) << "not valid JSON: " << json;
  Members members;
  simdjson::dom::object object;
  if (error || root.get_object().get(object)) {
    ADD_FAILURE() << "not a JSON object: " << json;
    return members;
  }
  for (auto field : object) {
    members.emplace_back(std::string(field.key), simdjson::minify(field.value));
  }
  return members;
}

std::string body(const Processed& p) {
  EXPECT_FALSE(p.out.empty());
  EXPECT_EQ(p.out.back(), '\n');
  return p.out.substr(0, p.out.size() - 1);
}

bool parses(std::string_view json) {
  static simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  return parser.parse(padded).get(root) == simdjson::SUCCESS;
}

// The rules applied the obvious way, to DOM members instead of bytes: the oracle for what any
// JSON reader must see in the output.
struct ModelResult {
  bool applied = false;
  Members members;
};
ModelResult model(Members members, const std::vector<RedactionRule>& rules) {
  ModelResult result;
  for (const RedactionRule& rule : rules) {
    bool present = false, all_true = true;
    for (const auto& [key, value] : members) {
      if (key == rule.consent_field) {
        present = true;
        all_true = all_true && value == "true";
      }
    }
    if (!rule.consent_field.empty() && present && all_true) continue;
    result.applied = true;
    std::string replacement;
    append_json_string(replacement, rule.replacement);
    for (auto& [key, value] : members) {
      if (std::find(rule.fields.begin(), rule.fields.end(), key) != rule.fields.end()) {
        value = replacement;
      }
    }
    if (rule.flag_field.empty()) continue;
    bool flagged = false;
    for (auto& [key, value] : members) {
      if (key == rule.flag_field) value = "true", flagged = true;
    }
    if (!flagged) members.emplace_back(rule.flag_field, "true");
  }
  result.members = std::move(members);
  return result;
}

// Every property the redactor promises, for any record.
void expect_guarantees(std::string_view record, const Processed& p,
                       const std::vector<RedactionRule>& rules) {
  ASSERT_FALSE(p.out.empty());
  ASSERT_EQ(p.out.back(), '\n');
  const std::string out = body(p);
  ASSERT_TRUE(parses(out)) << "output is not valid JSON: " << out;
  if (!parses(record)) {
    EXPECT_EQ(p.outcome, RedactOutcome::invalid) << record;
  }
  if (p.outcome == RedactOutcome::invalid) {
    EXPECT_EQ(p.out, marker(kFile, 0, record.size()));
    return;
  }
  const ModelResult expected = model(members_of(record), rules);
  EXPECT_EQ(p.outcome, expected.applied ? RedactOutcome::redacted : RedactOutcome::passed);
  EXPECT_EQ(members_of(out), expected.members) << "record: " << record << "\nout: " << out;
  if (p.outcome == RedactOutcome::passed) {
    EXPECT_EQ(out, record);
  }
}

// --- the seed example and consent -----------------------------------------------------------

TEST(Redactor, SeedExampleIsRedactedExactly) {
  Redactor redactor({seed_rule()});
  const auto p = run(
      redactor, R"({"name": "Gnoll", "dob": "2011-04-22", "gender": "M", "ssn_no": "807831104", )"
                R"("data_share_consent": false, "evnt_time": "2021-01-31T20:31:26.114917"})");
  EXPECT_EQ(p.outcome, RedactOutcome::redacted);
  EXPECT_EQ(
      p.out,
      R"({"name": "Gnoll", "dob": "REDACTED_CONTENT", "gender": "M", "ssn_no": "REDACTED_CONTENT", )"
      R"("data_share_consent": false, "evnt_time": "2021-01-31T20:31:26.114917","data_redacted":true})"
      "\n");
}

TEST(Redactor, ConsentingRecordPassesByteForByte) {
  Redactor redactor({seed_rule()});
  const std::string record =
      "{ \"dob\" :\t\"2011-04-22\" ,\"ssn_no\":1, \"data_share_consent\"  : true }";
  const auto p = run(redactor, record);
  EXPECT_EQ(p.outcome, RedactOutcome::passed);
  EXPECT_EQ(p.out, record + "\n");
}

TEST(Redactor, OnlyTheLiteralTrueConsents) {
  Redactor redactor({seed_rule()});
  const std::vector<std::string> not_consenting = {
      "false", "null", R"("true")", "1", "{}", "[]", "[true]", R"({"a":true})", "0", R"("")"};
  for (const std::string& consent : not_consenting) {
    const std::string record = R"({"dob":"secret","data_share_consent":)" + consent + "}";
    const auto p = run(redactor, record);
    EXPECT_EQ(p.outcome, RedactOutcome::redacted) << consent;
    EXPECT_EQ(p.out, R"({"dob":"REDACTED_CONTENT","data_share_consent":)" + consent +
                         R"(,"data_redacted":true})" + "\n");
  }
}

TEST(Redactor, MissingConsentFieldDoesNotConsent) {
  Redactor redactor({seed_rule()});
  const auto p = run(redactor, R"({"dob":"secret"})");
  EXPECT_EQ(p.outcome, RedactOutcome::redacted);
  EXPECT_EQ(p.out, "{\"dob\":\"REDACTED_CONTENT\",\"data_redacted\":true}\n");
}

TEST(Redactor, DuplicatedConsentWithOneFalseDoesNotConsent) {
  Redactor redactor({seed_rule()});
  for (const char* record :
       {R"({"data_share_consent":true,"dob":"secret","data_share_consent":false})",
        R"({"data_share_consent":false,"dob":"secret","data_share_consent":true})"}) {
    const auto p = run(redactor, record);
    EXPECT_EQ(p.outcome, RedactOutcome::redacted) << record;
    EXPECT_EQ(p.out.find("secret"), std::string::npos) << p.out;
  }
  const std::string both_true =
      R"({"data_share_consent":true,"dob":"x","data_share_consent":true})";
  EXPECT_EQ(run(redactor, both_true).out, both_true + "\n");
}

TEST(Redactor, EscapedConsentKeyIsTheSameKey) {
  Redactor redactor({seed_rule()});
  const std::string consenting = R"({"data_\u0073hare_consent":true,"dob":"x"})";
  EXPECT_EQ(run(redactor, consenting).outcome, RedactOutcome::passed);
  const auto p =
      run(redactor, R"({"data_share_consent":true,"data\u005fshare_consent":0,"dob":"x"})");
  EXPECT_EQ(p.outcome, RedactOutcome::redacted);
  EXPECT_EQ(members_of(body(p))[2],
            (std::pair<std::string, std::string>{"dob", R"("REDACTED_CONTENT")"}));
}

TEST(Redactor, EmptyConsentFieldAlwaysApplies) {
  RedactionRule rule = seed_rule();
  rule.consent_field = "";
  Redactor redactor({rule});
  const auto p = run(redactor, R"({"dob":"x","":true,"data_share_consent":true})");
  EXPECT_EQ(p.outcome, RedactOutcome::redacted);
  EXPECT_EQ(p.out,
            R"({"dob":"REDACTED_CONTENT","":true,"data_share_consent":true,"data_redacted":true})"
            "\n");
}

// --- which values are replaced ------------------------------------------------------------

TEST(Redactor, DuplicateProtectedKeysAreAllRedacted) {
  Redactor redactor({seed_rule()});
  const auto p = run(redactor, R"({"dob":"first","ssn_no":"a","dob":"second","dob":"third"})");
  EXPECT_EQ(p.out,
            R"({"dob":"REDACTED_CONTENT","ssn_no":"REDACTED_CONTENT","dob":"REDACTED_CONTENT",)"
            R"("dob":"REDACTED_CONTENT","data_redacted":true})"
            "\n");
}

TEST(Redactor, EscapedProtectedKeysAreRedacted) {
  Redactor redactor({seed_rule()});
  const auto p =
      run(redactor, R"({"ss\u006e_no":"807831104","d\u006Fb":"2011","\u0064\u006f\u0062":1})");
  EXPECT_EQ(p.outcome, RedactOutcome::redacted);
  EXPECT_EQ(p.out, R"({"ss\u006e_no":"REDACTED_CONTENT","d\u006Fb":"REDACTED_CONTENT",)"
                   R"("\u0064\u006f\u0062":"REDACTED_CONTENT","data_redacted":true})"
                   "\n");
}

TEST(Redactor, ProtectedValueOfEveryJsonTypeIsReplaced) {
  Redactor redactor({seed_rule()});
  const std::vector<std::string> values = {R"({"a":{"b":"}"},"c":[1,"]"]})",
                                           R"([1,[2,{"x":"\"]"}],"s"])",
                                           "-12.5e-3",
                                           "0",
                                           "null",
                                           "true",
                                           "false",
                                           R"("esc \" \\ \/ \u00e9 \ud83d\ude00 }")",
                                           R"("")",
                                           "{}",
                                           "[]"};
  for (const std::string& value : values) {
    const std::string record = R"({"x":1,"dob":)" + value + R"(,"y":[2]})";
    const auto p = run(redactor, record);
    EXPECT_EQ(p.out, R"({"x":1,"dob":"REDACTED_CONTENT","y":[2],"data_redacted":true})"
                     "\n")
        << value;
  }
}

TEST(Redactor, NestedFieldsAreUntouched) {
  Redactor redactor({seed_rule()});
  const auto p = run(redactor, R"({"person":{"dob":"nested"},"list":[{"dob":1}]})");
  EXPECT_EQ(p.outcome, RedactOutcome::redacted);
  EXPECT_EQ(p.out, R"({"person":{"dob":"nested"},"list":[{"dob":1}],"data_redacted":true})"
                   "\n");
}

TEST(Redactor, WhitespaceKeyOrderAndOtherFieldsArePreserved) {
  Redactor redactor({seed_rule()});
  const auto p = run(redactor, "\t{ \"z\" : 1 ,\r\n \"dob\"\t:  \"x\"  , \"a\":[ 1 , 2 ] }  ");
  EXPECT_EQ(p.out,
            "\t{ \"z\" : 1 ,\r\n \"dob\"\t:  \"REDACTED_CONTENT\"  , \"a\":[ 1 , 2 ],"
            "\"data_redacted\":true }  \n");
}

TEST(Redactor, ReplacementNeedingEscapingIsWrittenAsAValidJsonString) {
  RedactionRule rule = seed_rule();
  rule.replacement = "say \"no\" \\ \n\t\x01 é";
  Redactor redactor({rule});
  const auto p = run(redactor, R"({"dob":"x"})");
  const Members members = members_of(body(p));
  ASSERT_EQ(members.size(), 2u);
  std::string expected;
  append_json_string(expected, rule.replacement);
  simdjson::dom::parser parser;
  EXPECT_EQ(members[0].second, simdjson::minify(parser.parse(simdjson::padded_string(expected))));
  EXPECT_EQ(p.out, "{\"dob\":" + expected + ",\"data_redacted\":true}\n");
}

// --- the flag field -------------------------------------------------------------------------

TEST(Redactor, ExistingFlagFieldsAreAllSetToTrue) {
  Redactor redactor({seed_rule()});
  const auto p =
      run(redactor,
          R"({"data_redacted":false,"dob":"x","data_redacted":"no","data_redact\u0065d":null})");
  EXPECT_EQ(
      p.out,
      R"({"data_redacted":true,"dob":"REDACTED_CONTENT","data_redacted":true,"data_redact\u0065d":true})"
      "\n");
}

TEST(Redactor, EmptyObjectGetsTheFlag) {
  Redactor redactor({seed_rule()});
  EXPECT_EQ(run(redactor, "{}").out, "{\"data_redacted\":true}\n");
  EXPECT_EQ(run(redactor, " { \n } ").out, " { \n \"data_redacted\":true} \n");
}

TEST(Redactor, NoFlagFieldMeansNoFlagIsAdded) {
  RedactionRule rule = seed_rule();
  rule.flag_field = "";
  Redactor redactor({rule});
  const auto p = run(redactor, R"({"dob":"x"})");
  EXPECT_EQ(p.outcome, RedactOutcome::redacted);
  EXPECT_EQ(p.out, "{\"dob\":\"REDACTED_CONTENT\"}\n");
  EXPECT_EQ(run(redactor, "{}").out, "{}\n");
  EXPECT_EQ(run(redactor, "{}").outcome, RedactOutcome::redacted);  // the rule applied
}

TEST(Redactor, FlagFieldThatIsAlsoProtectedEndsUpTrue) {
  RedactionRule rule = seed_rule();
  rule.fields.push_back("data_redacted");
  Redactor redactor({rule});
  EXPECT_EQ(run(redactor, R"({"data_redacted":"secret"})").out, "{\"data_redacted\":true}\n");
}

TEST(Redactor, FlagNeedingEscapingIsAppendedAsValidJson) {
  RedactionRule rule = seed_rule();
  rule.flag_field = "flag \"q\"";
  Redactor redactor({rule});
  const auto p = run(redactor, R"({"a":1})");
  EXPECT_EQ(p.out, "{\"a\":1,\"flag \\\"q\\\"\":true}\n");
  EXPECT_EQ(members_of(body(p)).back().first, "flag \"q\"");
}

// --- multiple rules, no rules ---------------------------------------------------------------

TEST(Redactor, RulesApplyInOrder) {
  RedactionRule marketing{"marketing_ok", {"email"}, "HIDDEN", "marketing_redacted"};
  Redactor redactor({seed_rule(), marketing});
  const auto p = run(
      redactor, R"({"dob":"1","email":"a@b.c","data_share_consent":true,"marketing_ok":false})");
  EXPECT_EQ(p.outcome, RedactOutcome::redacted);
  EXPECT_EQ(
      p.out,
      R"({"dob":"1","email":"HIDDEN","data_share_consent":true,"marketing_ok":false,"marketing_redacted":true})"
      "\n");
  const auto both = run(redactor, R"({"dob":"1","email":"a@b.c"})");
  EXPECT_EQ(
      both.out,
      R"({"dob":"REDACTED_CONTENT","email":"HIDDEN","data_redacted":true,"marketing_redacted":true})"
      "\n");
  const std::string all_consent =
      R"({"dob":"1","email":"a@b.c","data_share_consent":true,"marketing_ok":true})";
  EXPECT_EQ(run(redactor, all_consent).out, all_consent + "\n");
}

TEST(Redactor, LaterRulesSeeTheResultOfEarlierRules) {
  // Rule 1 redacts rule 2's consent field, so rule 2 no longer sees consent (fail-closed).
  RedactionRule first{"c1", {"c2"}, "R1", ""};
  RedactionRule second{"c2", {"dob"}, "R2", "f2"};
  Redactor redactor({first, second});
  EXPECT_EQ(run(redactor, R"({"c2":true,"dob":"x"})").out, R"({"c2":"R1","dob":"R2","f2":true})"
                                                           "\n");
  // A later rule's replacement wins over an earlier one for the same field.
  RedactionRule third{"", {"dob"}, "R3", ""};
  Redactor layered({seed_rule(), third});
  EXPECT_EQ(run(layered, R"({"dob":"x"})").out, R"({"dob":"R3","data_redacted":true})"
                                                "\n");
}

TEST(Redactor, MultipleRulesEqualApplyingEachRuleInTurn) {
  const std::vector<RedactionRule> rules = {
      seed_rule(), RedactionRule{"c", {"dob", "name"}, "N", "data_redacted"},
      RedactionRule{"", {"data_redacted"}, "Z", "other"}};
  Redactor all(rules);
  std::vector<Redactor> each;
  for (const RedactionRule& rule : rules) each.emplace_back(std::vector<RedactionRule>{rule});
  for (const char* record : {R"({"dob":"x","name":"n","c":true})", R"({"data_share_consent":true})",
                             "{}", R"({"c":true,"data_share_consent":true,"dob":1})"}) {
    std::string chained = record;
    for (Redactor& one : each) chained = body(run(one, chained));
    EXPECT_EQ(body(run(all, record)), chained) << record;
  }
}

TEST(Redactor, NoRulesPassesEveryRecordByteForByteWithoutParsing) {
  Redactor redactor({});
  EXPECT_FALSE(redactor.has_rules());
  for (std::string record : {std::string(R"({"dob":"x"})"), std::string("not json \xff"),
                             std::string("a\0b", 3), std::string()}) {
    const auto p = run(redactor, record);
    EXPECT_EQ(p.outcome, RedactOutcome::passed);
    EXPECT_EQ(p.out, record + "\n");
  }
  EXPECT_TRUE(Redactor({seed_rule()}).has_rules());
}

TEST(Redactor, OutputIsAppendedAfterExistingContent) {
  Redactor redactor({seed_rule()});
  std::string out = "previous\n";
  redactor.process(R"({"dob":1})", RecordOrigin{kFile, 0}, out);
  EXPECT_EQ(out, "previous\n{\"dob\":\"REDACTED_CONTENT\",\"data_redacted\":true}\n");
}

// --- invalid records ------------------------------------------------------------------------

TEST(Redactor, InvalidJsonBecomesTheExactMarkerWithoutOriginalBytes) {
  Redactor redactor({seed_rule()});
  const std::vector<std::string> records = {
      R"({"dob":"SECRET")",                       // truncated
      R"({"dob":"SECRET"} x)",                    // trailing garbage
      R"({"dob":"SECRET"}{})",                    // two documents
      "{\"dob\":\"SECRET\xff\"}",                 // invalid UTF-8
      "{\"dob\":\"SECRET\xc0\xaf\"}",             // overlong encoding
      "{\"dob\":\"SECRET\x01\"}",                 // raw control character
      std::string("{\"dob\":\"SECRET\"}\0", 17),  // NUL after the document
      R"({"dob":"SECRET\ud800"})",                // lone surrogate escape
      R"({"dob":"SECRET",})",                     // trailing comma
      R"({'dob':'SECRET'})",                      // single quotes
      "\xEF\xBB\xBF{\"dob\":\"SECRET\"}",         // byte order mark
      "",                                         // empty record
      "   ",                                      // whitespace only
      R"({"dob":SECRET})"};
  for (const std::string& record : records) {
    const auto p = run(redactor, record, 42);
    EXPECT_EQ(p.outcome, RedactOutcome::invalid) << record;
    EXPECT_EQ(p.out, marker(kFile, 42, record.size())) << record;
    EXPECT_EQ(p.out.find("SECRET"), std::string::npos);
    members_of(body(p));
  }
}

TEST(Redactor, NonObjectTopLevelIsInvalid) {
  Redactor redactor({seed_rule()});
  for (const char* record : {R"([{"dob":"SECRET"}])", R"("SECRET")", "42", "null", "true", "[]"}) {
    const auto p = run(redactor, record, 7);
    EXPECT_EQ(p.outcome, RedactOutcome::invalid) << record;
    EXPECT_EQ(p.out, marker(kFile, 7, std::string_view(record).size()));
  }
}

// simdjson 3.0.1's DOM rejects numbers it cannot hold in a double or a 64-bit integer, and
// nesting deeper than 1024: such records are invalid (fail-closed), never passed unparsed.
TEST(Redactor, NumbersOutsideSimdjsonRangeMakeTheRecordInvalid) {
  Redactor redactor({seed_rule()});
  for (const char* value : {"1e400", "-1e400", "123456789012345678901234567890",
                            "18446744073709551616", "-9223372036854775809"}) {
    const std::string record = R"({"data_share_consent":true,"n":)" + std::string(value) + "}";
    const auto p = run(redactor, record);
    EXPECT_EQ(p.outcome, RedactOutcome::invalid) << value;
    EXPECT_EQ(p.out, marker(kFile, 0, record.size()));
  }
  // In range, or underflowing to zero: valid.
  for (const char* value : {"18446744073709551615", "-9223372036854775808", "1e-400", "1.5e308"}) {
    const std::string record = R"({"data_share_consent":true,"n":)" + std::string(value) + "}";
    EXPECT_EQ(run(redactor, record).outcome, RedactOutcome::passed) << value;
  }
  const std::string deep = R"({"a":)" + std::string(1100, '[') + std::string(1100, ']') + "}";
  EXPECT_EQ(run(redactor, deep).outcome, RedactOutcome::invalid);
}

TEST(Redactor, InvalidMarkerEscapesAndRepairsTheFileName) {
  Redactor redactor({seed_rule()});
  std::string out;
  redactor.process("x", RecordOrigin{"dir/a\"b\\c\n.log", 1}, out);
  EXPECT_EQ(
      out,
      "{\"ferry_invalid_record\":true,\"ferry_file\":\"dir/a\\\"b\\\\c\\n.log\",\"ferry_offset\":1,"
      "\"ferry_length\":1}\n");
  out.clear();
  redactor.process(
      "x", RecordOrigin{"\xff\xfe-\xe2\x82-\xf0\x9f\x98\x80-\xed\xa0\x80", 18446744073709551615u},
      out);
  EXPECT_EQ(out,
            "{\"ferry_invalid_record\":true,\"ferry_file\":\"\xEF\xBF\xBD\xEF\xBF\xBD-\xEF\xBF\xBD-"
            "\xf0\x9f\x98\x80-\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\",\"ferry_offset\":"
            "18446744073709551615,"
            "\"ferry_length\":1}\n");
  members_of(out.substr(0, out.size() - 1));
}

// A marker shares no name with a record's fields (a Wickr message's `file` is a struct): every
// member is prefixed, whatever the record held.
TEST(Redactor, InvalidMarkerMembersAreAllPrefixed) {
  Redactor redactor({seed_rule()});
  std::string out;
  EXPECT_EQ(redactor.process(R"({"file":{"guid":"G"},"offset":1,"length":2,)",
                             RecordOrigin{"/in/m.txt", 7}, out),
            RedactOutcome::invalid);
  const Members members = members_of(out.substr(0, out.size() - 1));
  ASSERT_EQ(members.size(), 4u);
  EXPECT_EQ(members[0], (std::pair<std::string, std::string>{std::string(kMarkerFlag), "true"}));
  EXPECT_EQ(members[1],
            (std::pair<std::string, std::string>{std::string(kMarkerFile), "\"/in/m.txt\""}));
  EXPECT_EQ(members[2], (std::pair<std::string, std::string>{std::string(kMarkerOffset), "7"}));
  EXPECT_EQ(members[3], (std::pair<std::string, std::string>{std::string(kMarkerLength), "43"}));
  for (const auto& [name, value] : members) EXPECT_TRUE(name.starts_with("ferry_")) << name;
}

// --- properties over many records -----------------------------------------------------------

TEST(Redactor, RandomRecordsNeverLeakAProtectedValue) {
  const std::vector<std::string> keys = {R"("dob")",
                                         R"("d\u006fb")",
                                         R"("ssn_no")",
                                         R"("ss\u006e_no")",
                                         R"("data_share_consent")",
                                         R"("data_\u0073hare_consent")",
                                         R"("data_redacted")",
                                         R"("name")",
                                         R"("")",
                                         R"("c")"};
  const std::vector<std::string> values = {
      "true",           "false",         "null",   R"("true")",        "1",     "{}", "[]",
      R"({"dob":"n"})", R"([1,"]",{}])", "-1.5e3", R"("esc\"aped\\")", R"("}")"};
  const std::vector<std::string> spaces = {"", " ", "\t", "\r\n "};
  std::mt19937 rng(7);
  auto space = [&] { return spaces[rng() % spaces.size()]; };
  const std::vector<RedactionRule> rules = {seed_rule()};
  Redactor redactor(rules);
  for (int round = 0; round < 5000; ++round) {
    std::string record = space() + "{";
    const size_t count = rng() % 6;
    for (size_t i = 0; i < count; ++i) {
      if (i > 0) record += space() + ",";
      const size_t k = rng() % keys.size();
      const std::string& key = keys[k];
      const bool is_protected = k < 4;  // the spellings of dob and ssn_no
      // Protected keys get a unique secret half of the time; nothing else ever holds one.
      const std::string value =
          is_protected && rng() % 2 ? cat("\"SECRET", round, "\"") : values[rng() % values.size()];
      record += space() + key + space() + ":" + space() + value + space();
    }
    record += "}" + space();
    // Sometimes one stray byte: mostly invalid, and when still valid it may rename a key.
    const bool corrupted = rng() % 20 == 0;
    if (corrupted) record.insert(rng() % record.size(), 1, "{}[],:\"\\x\x01\xff"[rng() % 11]);
    const auto p = run(redactor, record);
    expect_guarantees(record, p, rules);
    if (p.outcome != RedactOutcome::passed && !corrupted) {
      ASSERT_EQ(p.out.find("SECRET"), std::string::npos) << record << "\n" << p.out;
    }
    if (HasFatalFailure() || HasFailure()) FAIL() << "round " << round << ": " << record;
  }
}

TEST(Redactor, RandomRulesMatchTheMemberLevelModel) {
  const std::vector<std::string> names = {"a", "b", "c", "f", ""};
  std::mt19937 rng(11);
  auto name = [&] { return names[rng() % names.size()]; };
  for (int round = 0; round < 2000; ++round) {
    std::vector<RedactionRule> rules(1 + rng() % 3);
    for (RedactionRule& rule : rules) {
      rule.consent_field = name();
      rule.fields = {name(), name()};
      rule.replacement = cat("R", rng() % 3);
      rule.flag_field = name();
    }
    std::string record = "{";
    const size_t count = rng() % 5;
    for (size_t i = 0; i < count; ++i) {
      static const char* values[] = {"true", "false", "1", R"("s")", "{}", "null"};
      record += cat(i ? "," : "", "\"", name(), "\":", values[rng() % 6]);
    }
    record += "}";
    Redactor redactor(rules);
    expect_guarantees(record, run(redactor, record), rules);
    if (HasFailure()) FAIL() << "round " << round << ": " << record;
  }
}

TEST(Redactor, SteadyStateProcessingDoesNotAllocate) {
  Redactor redactor({seed_rule()});
  const std::vector<std::string> records = {R"({"dob":"x","data_share_consent":true})",
                                            R"({"dob":"x","ssn_no":[1,2],"a":{"b":1}})",
                                            R"({"dob":"x")",
                                            "[1]",
                                            "{}",
                                            R"({"data_redacted":false})"};
  std::string out;
  out.reserve(1 << 16);
  for (const std::string& record : records) redactor.process(record, RecordOrigin{"\xff", 0}, out);
  out.clear();
  const long before = g_allocations.load();
  for (int i = 0; i < 100; ++i) {
    for (const std::string& record : records)
      redactor.process(record, RecordOrigin{"\xff", 0}, out);
    out.clear();
  }
  EXPECT_EQ(g_allocations.load() - before, 0);
}

TEST(Redactor, SteadyStateNestedPathsModesAndPatternsDoNotAllocate) {
  RedactionRule nested{"", {"file.localfilename", "r[*].email"}, "X", "f"};
  nested.redacted_at_field = "at";
  RedactionRule hmac{"", {"sender"}, "", ""};
  hmac.mode = RedactMode::hmac;
  hmac.hmac_key = "0123456789abcdef";
  RedactionRule removal{"", {"file.guid", "r[*]"}, "", ""};
  removal.mode = RedactMode::remove;
  RedactionRule patterns;
  patterns.patterns = {"us_ssn", "email", "credit_card", "phone_e164"};
  patterns.every_string = true;
  Redactor redactor({nested, hmac, removal, patterns});
  const std::vector<std::string> records = {
      R"({"file":{"guid":"g","localfilename":"/tmp/a"},"sender":"bob@example.com","m":"x"})",
      R"({"r":[{"email":"a@b.io"},2],"m":"ssn 123-45-6789 card 4111 1111 1111 1111"})",
      R"({"m":"nothing","n":[1,{"k":"+14155552671"}]})", "[1]", "{}"};
  std::string out;
  out.reserve(1 << 16);
  for (const std::string& record : records) redactor.process(record, RecordOrigin{"f", 0}, out);
  out.clear();
  const long before = g_allocations.load();
  for (int i = 0; i < 100; ++i) {
    for (const std::string& record : records) redactor.process(record, RecordOrigin{"f", 0}, out);
    out.clear();
  }
  EXPECT_EQ(g_allocations.load() - before, 0);
}

// --- public corpora -------------------------------------------------------------------------

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

TEST(Redactor, JsonTestSuiteDocumentsAreRedactedOrInvalidNeverLeaked) {
  const std::filesystem::path dir = FERRY_TESTDATA "/JSONTestSuite/test_parsing";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << "absent: " << dir;
  RedactionRule rule = seed_rule();
  rule.fields = {"a", "", "asd", "dob", "title"};
  const std::vector<RedactionRule> rules = {rule};
  Redactor redactor(rules);
  int y_objects = 0, n_files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    const std::string record = read_file(entry.path());
    const auto p = run(redactor, record);
    SCOPED_TRACE(name);
    expect_guarantees(record, p, rules);
    if (name.starts_with("n_")) {
      ++n_files;
      EXPECT_EQ(p.outcome, RedactOutcome::invalid);
    } else if (name.starts_with("y_")) {
      const bool object = record.find_first_not_of(" \t\r\n") != std::string::npos &&
                          record[record.find_first_not_of(" \t\r\n")] == '{';
      if (object) {
        ++y_objects;
        EXPECT_EQ(p.outcome, RedactOutcome::redacted);  // none carries the consent field
      } else {
        EXPECT_EQ(p.outcome, RedactOutcome::invalid);
      }
    }
  }
  EXPECT_GT(y_objects, 10);
  EXPECT_GT(n_files, 150);
}

TEST(Redactor, WickrSampleMessagesAreRedactedAndStayValid) {
  const std::string path = FERRY_TESTDATA "/wickr-messages-sample.jsonl";
  ASSERT_TRUE(std::filesystem::exists(path)) << "absent: " << path;
  const std::vector<RedactionRule> rules = {
      RedactionRule{"data_share_consent", {"message"}, "REDACTED_CONTENT", "data_redacted"}};
  Redactor redactor(rules);
  std::istringstream lines(read_file(path));
  std::string line;
  int records = 0, messages = 0;
  while (std::getline(lines, line)) {
    ++records;
    const Members original = members_of(line);
    const auto p = run(redactor, line);
    expect_guarantees(line, p, rules);
    EXPECT_EQ(p.outcome, RedactOutcome::redacted);
    for (const auto& [key, value] : original) {
      if (key != "message") continue;
      ++messages;
      EXPECT_EQ(p.out.find(value), std::string::npos);
    }
    for (const auto& [key, value] : members_of(body(p))) {
      if (key == "message") {
        EXPECT_EQ(value, R"("REDACTED_CONTENT")");
      }
    }
  }
  EXPECT_EQ(records, 5);
  EXPECT_EQ(messages, 2);
}

}  // namespace
}  // namespace ferry
