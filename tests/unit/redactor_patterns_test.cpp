// Unit tests for pattern rules: each built-in (Luhn for cards), custom expressions, which
// strings are scanned, replace / hmac of each match, and a property test that plants secrets of
// every built-in at random places in random JSON documents and finds none in the output.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/crypto.hpp"
#include "core/redact/hmac_sha256.hpp"
#include "core/redact/pattern_set.hpp"
#include "core/redact/redactor.hpp"
#include "core/text.hpp"
#include "tests/support/json_strings.hpp"

namespace ferry {
namespace {

const std::string kKey = "0123456789abcdef0123456789abcdef";

RedactionRule pattern_rule(std::vector<std::string> patterns, std::vector<std::string> fields = {},
                           RedactMode mode = RedactMode::replace) {
  RedactionRule rule;
  rule.patterns = std::move(patterns);
  rule.fields = std::move(fields);
  rule.every_string = rule.fields.empty();
  rule.mode = mode;
  rule.hmac_key = kKey;
  return rule;
}

struct Out {
  RedactOutcome outcome;
  std::string text;
};

Out run(Redactor& redactor, std::string_view record) {
  Out out;
  out.outcome = redactor.process(record, RecordOrigin{"f", 0}, out.text);
  EXPECT_TRUE(!out.text.empty() && out.text.back() == '\n');
  if (!out.text.empty()) out.text.pop_back();
  return out;
}

std::string redact(const RedactionRule& rule, std::string_view record) {
  Redactor redactor({rule});
  return run(redactor, record).text;
}

std::vector<std::string> builtins() {
  return {"us_ssn", "email", "credit_card", "phone_e164"};
}

// --- the built-ins --------------------------------------------------------------------------

TEST(RedactorPatterns, UsSsnWithDashesOrSpaces) {
  const RedactionRule rule = pattern_rule({"us_ssn"});
  EXPECT_EQ(redact(rule, R"({"m":"ssn 123-45-6789, alt 123 45 6789."})"),
            R"({"m":"ssn REDACTED_CONTENT, alt REDACTED_CONTENT."})");
  for (const char* kept :
       {"123-45-67890", "1234-56-789", "123-456-789", "123-45 6789", "x123-45-6789"}) {
    const std::string record = cat(R"({"m":")", kept, R"("})");
    EXPECT_EQ(redact(rule, record), record) << kept;
  }
}

TEST(RedactorPatterns, CreditCardNeedsTheLuhnCheck) {
  const RedactionRule rule = pattern_rule({"credit_card"});
  for (const char* card : {"4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111",
                           "378282246310005", "6011000990139424"}) {
    EXPECT_EQ(redact(rule, cat(R"({"m":"card )", card, R"( ok"})")),
              R"({"m":"card REDACTED_CONTENT ok"})")
        << card;
  }
  for (const char* kept :
       {"4111111111111112", "4111 1111 1111 1112", "123456789012", "41111111111111110000"}) {
    const std::string record = cat(R"({"m":"card )", kept, R"("})");
    EXPECT_EQ(redact(rule, record), record) << kept;
  }
}

TEST(RedactorPatterns, EmailAndE164Phone) {
  EXPECT_EQ(redact(pattern_rule({"email", "phone_e164"}),
                   R"({"m":"mail bob.smith+x@mail.example.co.uk or call +14155552671 now"})"),
            R"({"m":"mail REDACTED_CONTENT or call REDACTED_CONTENT now"})");
  const std::string kept = R"({"m":"bob@localhost, +1234, 4155552671"})";
  EXPECT_EQ(redact(pattern_rule({"email", "phone_e164"}), kept), kept);
}

TEST(RedactorPatterns, CustomExpressionsAndCompileErrors) {
  EXPECT_EQ(
      redact(pattern_rule({R"(\bAKIA[0-9A-Z]{16}\b)"}), R"({"m":"key AKIAIOSFODNN7EXAMPLE"})"),
      R"({"m":"key REDACTED_CONTENT"})");
  EXPECT_EQ(PatternSet::compile({"email", "a("}).error().message.substr(0, 16),
            "pattern 1 \"a(\": ");
  EXPECT_FALSE(PatternSet::compile({"x*"}).ok());  // matches the empty string
  EXPECT_EQ(PatternSet::compile({"emial"}).error().message.substr(0, 35),
            "pattern 0 \"emial\": unknown built-in");
}

// Anchors mean the start and end of each string value.
TEST(RedactorPatterns, AnchoredCustomExpressionsMatchAtStringEdges) {
  const RedactionRule rule = pattern_rule({"^tok_[a-z]+$", R"(\Ask-[0-9]+)"});
  EXPECT_EQ(redact(rule, R"({"a":"tok_abc","b":"x tok_abc","c":"sk-42 rest"})"),
            R"({"a":"REDACTED_CONTENT","b":"x tok_abc","c":"REDACTED_CONTENT rest"})");
}

// Matches that touch the quotes (whole strings, first and last characters) are replaced, and
// strings and keys right beside a match are left alone.
TEST(RedactorPatterns, MatchesAtTheEdgesOfStringsNextToUntouchedStrings) {
  const RedactionRule rule = pattern_rule(builtins());
  EXPECT_EQ(
      redact(rule, R"({"a":"123-45-6789","b":"x","c":"a@b.io","d":"+14155552671","e":"1"})"),
      R"({"a":"REDACTED_CONTENT","b":"x","c":"REDACTED_CONTENT","d":"REDACTED_CONTENT","e":"1"})");
  // A number beside a string is no part of it: "123-45-" then 6789 as a number is no SSN.
  EXPECT_EQ(redact(rule, R"({"a":"123-45-","b":6789,"k123-45-6789":"v"})"),
            R"({"a":"123-45-","b":6789,"k123-45-6789":"v"})");
}

TEST(RedactorPatterns, AuditCountsRecordsChangedAndValuesRedactedPerRule) {
  RedactionRule consent;
  consent.consent_field = "ok";
  consent.fields = {"ssn", "file.name"};
  consent.flag_field = "redacted";
  Redactor redactor({consent, pattern_rule(builtins())});
  run(redactor, R"({"ok":true,"ssn":"1","m":"mail a@b.io or c@d.io"})");
  run(redactor, R"({"ssn":"1","file":{"name":"x"},"m":"nothing"})");
  run(redactor, R"({"m":"nothing"})");
  run(redactor, "not json at all");
  std::vector<RuleAudit> audit;
  redactor.take_audit(audit);
  ASSERT_EQ(audit.size(), 2u);
  // The consent rule: two records did not consent (one only flagged), two values replaced.
  EXPECT_EQ(audit[0].records, 2u);
  EXPECT_EQ(audit[0].values, 2u);
  // The pattern rule: one record, two matches.
  EXPECT_EQ(audit[1].records, 1u);
  EXPECT_EQ(audit[1].values, 2u);
  // Taking the audit starts the count again; the counts add into what the caller holds.
  run(redactor, R"({"m":"a@b.io"})");
  redactor.take_audit(audit);
  EXPECT_EQ(audit[0].records, 3u);
  EXPECT_EQ(audit[1].records, 2u);
  EXPECT_EQ(audit[1].values, 3u);
}

TEST(RedactorPatterns, DescribeNamesTheRuleWithoutItsKey) {
  RedactionRule consent;
  consent.consent_field = "data_share_consent";
  consent.fields = {"dob", "ssn_no"};
  EXPECT_EQ(describe(consent), "consent data_share_consent, fields dob, ssn_no (replace)");
  EXPECT_EQ(describe(pattern_rule({"email", "us_ssn"}, {}, RedactMode::hmac)),
            "patterns email, us_ssn in * (hmac)");
  EXPECT_EQ(describe(pattern_rule({"email"}, {"message", "edit.text"})).find(kKey),
            std::string::npos);
  EXPECT_EQ(describe(pattern_rule({"email"}, {"message", "edit.text"})),
            "patterns email in message, edit.text (replace)");
}

// --- what is scanned and how it is replaced --------------------------------------------------

TEST(RedactorPatterns, EscapedSecretsAreFoundInTheDecodedText) {
  const std::string out =
      redact(pattern_rule(builtins()), R"({"m":"123\u002d45-6789 bob\u0040example.com \"q\""})");
  EXPECT_EQ(out, R"({"m":"REDACTED_CONTENT REDACTED_CONTENT \"q\""})");
}

TEST(RedactorPatterns, FieldsLimitTheScanAndStarScansEveryStringButNoKey) {
  const std::string record =
      R"({"message":"a@b.io","edit":{"text":"c@d.io","n":["e@f.io"]},"other":"g@h.io",)"
      R"("x@y.io":1,"l":[{"z":["i@j.io"]}],"num":4111111111111111})";
  EXPECT_EQ(redact(pattern_rule({"email"}, {"message", "edit.text"}), record),
            R"({"message":"REDACTED_CONTENT","edit":{"text":"REDACTED_CONTENT","n":["e@f.io"]},)"
            R"("other":"g@h.io","x@y.io":1,"l":[{"z":["i@j.io"]}],"num":4111111111111111})");
  EXPECT_EQ(redact(pattern_rule({"email"}, {"edit"}), record),
            R"({"message":"a@b.io","edit":{"text":"REDACTED_CONTENT","n":["REDACTED_CONTENT"]},)"
            R"("other":"g@h.io","x@y.io":1,"l":[{"z":["i@j.io"]}],"num":4111111111111111})");
  EXPECT_EQ(
      redact(pattern_rule({"email"}), record),
      R"({"message":"REDACTED_CONTENT","edit":{"text":"REDACTED_CONTENT","n":["REDACTED_CONTENT"]},)"
      R"("other":"REDACTED_CONTENT","x@y.io":1,"l":[{"z":["REDACTED_CONTENT"]}],)"
      R"("num":4111111111111111})");
}

TEST(RedactorPatterns, HmacModeReplacesEachMatchByItsMac) {
  const HmacSha256::Hex hex = HmacSha256(kKey).hex("bob@example.com");
  EXPECT_EQ(redact(pattern_rule({"email"}, {}, RedactMode::hmac), R"({"m":"to bob@example.com!"})"),
            cat(R"({"m":"to )", std::string(hex.data(), hex.size()), R"(!"})"));
}

TEST(RedactorPatterns, NoMatchPassesByteForByteAndSetsNoFlag) {
  RedactionRule rule = pattern_rule(builtins());
  rule.flag_field = "data_redacted";
  Redactor redactor({rule});
  const std::string clean = R"({ "m" : "nothing here", "n": 123456789 })";
  const Out passed = run(redactor, clean);
  EXPECT_EQ(passed.outcome, RedactOutcome::passed);
  EXPECT_EQ(passed.text, clean);
  const Out redacted = run(redactor, R"({"m":"ssn 123-45-6789"})");
  EXPECT_EQ(redacted.outcome, RedactOutcome::redacted);
  EXPECT_EQ(redacted.text, R"({"m":"ssn REDACTED_CONTENT","data_redacted":true})");
}

TEST(RedactorPatterns, PatternRulesComposeWithFieldRules) {
  RedactionRule drop;
  drop.fields = {"file"};
  drop.mode = RedactMode::remove;
  Redactor redactor({pattern_rule({"email"}), drop});
  EXPECT_EQ(run(redactor, R"({"m":"a@b.io","file":{"x":"c@d.io"}})").text,
            R"({"m":"REDACTED_CONTENT"})");
  RedactionRule replace;
  replace.fields = {"m"};
  replace.replacement = "call +14155552671";
  Redactor later({replace, pattern_rule({"phone_e164"})});
  EXPECT_EQ(run(later, R"({"m":"x"})").text, R"({"m":"call REDACTED_CONTENT"})");
}

// Both orders of a pattern rule on every string and an hmac rule on the users (the order the
// configuration warns about, core/redact/redaction_order.hpp): only hmac first keeps users apart.
TEST(RedactorPatterns, HmacBeforePatternsKeepsUsersApartAndTheOtherOrderDoesNot) {
  RedactionRule users;
  users.fields = {"sender"};
  users.mode = RedactMode::hmac;
  users.hmac_key = kKey;
  const std::string alice = R"({"sender":"alice@example.com","message":"bob@example.com hi"})";
  const std::string carol = R"({"sender":"carol@example.com","message":"hi"})";
  const auto sender_of = [](std::string_view text) {
    simdjson::dom::parser parser;
    return std::string(parser.parse(text).get_object()["sender"].get_string().value());
  };
  Redactor hmac_first({users, pattern_rule({"email"})});
  const std::string a1 = sender_of(run(hmac_first, alice).text);
  const std::string c1 = sender_of(run(hmac_first, carol).text);
  EXPECT_NE(a1, c1);
  EXPECT_EQ(a1, to_hex(hmac_sha256(kKey, "alice@example.com")));
  EXPECT_EQ(run(hmac_first, alice).text.find("bob@"), std::string::npos);
  Redactor patterns_first({pattern_rule({"email"}), users});
  EXPECT_EQ(sender_of(run(patterns_first, alice).text),
            sender_of(run(patterns_first, carol).text));  // both: HMAC of "REDACTED_CONTENT"
}

TEST(RedactorPatterns, WickrSampleEmailsAndLinksGolden) {
  std::ifstream in(FERRY_TESTDATA "/wickr-messages-sample.jsonl");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 5u) << "wickr sample absent or changed: " FERRY_TESTDATA;
  Redactor redactor(
      {pattern_rule(builtins()), pattern_rule({R"(https?://[^\s"]+)"}, {"message", "edit.text"})});
  const std::string first = run(redactor, lines[0]).text;
  EXPECT_EQ(first.find("@example.com"), std::string::npos) << first;
  EXPECT_NE(first.find(R"("receiver":"REDACTED_CONTENT","sender":"REDACTED_CONTENT")"),
            std::string::npos);
  EXPECT_NE(first.find(R"("message":"Quarterly numbers attached in the next message")"),
            std::string::npos);
  const std::string second = run(redactor, lines[1]).text;
  EXPECT_NE(second.find(R"("message":"Status page: REDACTED_CONTENT")"), std::string::npos)
      << second;
  EXPECT_NE(second.find(R"("links":[{"url":"https://example.com/status"}])"), std::string::npos);
  const std::string fourth = run(redactor, lines[3]).text;
  EXPECT_NE(fourth.find(R"("text":"REDACTED_CONTENT")"), std::string::npos) << fourth;
}

// --- lines that are not JSON ------------------------------------------------------------------

TEST(RedactorPatterns, TextLinesGetThePatternsWhenNoRuleNeedsJson) {
  RedactionRule hmac_rule = pattern_rule({"email"}, {}, RedactMode::hmac);
  Redactor redactor({pattern_rule({"us_ssn", "credit_card"}), hmac_rule});
  EXPECT_TRUE(redactor.scans_raw_lines());
  const HmacSha256::Hex hex = HmacSha256(kKey).hex("bob@example.com");
  const Out text = run(redactor, "2024-05-01 INFO user bob@example.com ssn 123-45-6789 ÿ");
  EXPECT_EQ(text.outcome, RedactOutcome::redacted);
  EXPECT_EQ(text.text, cat("2024-05-01 INFO user ", std::string(hex.data(), hex.size()),
                           " ssn REDACTED_CONTENT ÿ"));
  const Out clean = run(redactor, "2024-05-01 INFO nothing {");
  EXPECT_EQ(clean.outcome, RedactOutcome::passed);
  EXPECT_EQ(clean.text, "2024-05-01 INFO nothing {");
  // JSON objects are still redacted as JSON (escapes decoded).
  EXPECT_EQ(run(redactor, R"({"m":"123-45-6789"})").text, R"({"m":"REDACTED_CONTENT"})");
  // Valid JSON that is not an object is not text: escapes could hide a secret from a byte scan.
  const Out array = run(redactor, R"(["123-45-6789"])");
  EXPECT_EQ(array.outcome, RedactOutcome::invalid);
  EXPECT_EQ(array.text.substr(0, 27), R"({"ferry_invalid_record":tru)");
}

TEST(RedactorPatterns, TextLinesAreInvalidWhenARuleNeedsJson) {
  RedactionRule flagged = pattern_rule({"us_ssn"});
  flagged.flag_field = "f";
  RedactionRule consent = pattern_rule({"us_ssn"});
  consent.consent_field = "ok";
  RedactionRule scoped = pattern_rule({"us_ssn"}, {"message"});
  RedactionRule field;
  field.fields = {"dob"};
  RedactionRule line_break = pattern_rule({"us_ssn"});
  line_break.replacement = "a\nb";
  for (const RedactionRule& second : {flagged, consent, scoped, field, line_break}) {
    Redactor redactor({pattern_rule({"email"}), second});
    EXPECT_FALSE(redactor.scans_raw_lines());
    EXPECT_EQ(run(redactor, "ssn 123-45-6789").outcome, RedactOutcome::invalid);
  }
}

// --- property: planted secrets never survive -------------------------------------------------

class SecretPlanter {
 public:
  explicit SecretPlanter(uint32_t seed) : rng_(seed) {}

  // A secret of built-in `kind` in one of its accepted spellings.
  std::string secret(int kind) {
    switch (kind) {
      case 0: {
        const std::string sep = rng_() % 2 ? "-" : " ";
        return cat(digits(3), sep, digits(2), sep, digits(4));
      }
      case 1:
        return cat(pick({"bob", "a.b+c", "x_9"}), rng_() % 1000, "@",
                   pick({"example.com", "mail.co.uk", "x-y.io"}));
      case 2: {
        std::string card = cat(pick({"4", "5", "37", "6011"}));
        const size_t length = card == "37" ? 15 : 16;
        while (card.size() < length - 1) card += static_cast<char>('0' + rng_() % 10);
        for (char check = '0'; check <= '9'; ++check) {
          if (luhn_ok(card + check)) {
            card += check;
            break;
          }
        }
        if (rng_() % 2) return card;
        const std::string sep = rng_() % 2 ? " " : "-";
        std::string grouped;
        for (size_t i = 0; i < card.size(); ++i)
          grouped += (i && i % 4 == 0 ? sep : "") + std::string(1, card[i]);
        return grouped;
      }
      default: return cat("+", 1 + rng_() % 9, digits(6 + rng_() % 8));
    }
  }

  // A JSON string literal holding `secret` between words, sometimes with escaped characters.
  std::string literal(const std::string& secret) {
    const std::string text =
        cat(pick({"", "call ", "id: ", "(", "x\n"}), secret, pick({"", " ok", ".", ")", ", y"}));
    std::string out = "\"";
    for (char c : text) {
      if (c == '\n') {
        out += "\\n";
      } else if (rng_() % 8 == 0) {
        out += cat("\\u00", to_hex(std::string(1, c)));
      } else {
        out += c;
      }
    }
    return out + "\"";
  }

  // A random document with secrets in random string values; `planted` gets them.
  std::string document(std::vector<std::string>& planted, int depth = 0) {
    std::string out = "{";
    for (size_t i = 0, n = rng_() % 5; i < n; ++i) {
      out += cat(i ? "," : "", "\"k", rng_() % 4, "\":", value(planted, depth));
    }
    return out + "}";
  }

 private:
  std::string value(std::vector<std::string>& planted, int depth) {
    switch (rng_() % (depth > 2 ? 3 : 5)) {
      case 0: {
        planted.push_back(secret(static_cast<int>(rng_() % 4)));
        return literal(planted.back());
      }
      case 1: return cat(rng_() % 100000);
      case 2: return R"("plain words")";
      case 3: return document(planted, depth + 1);
      default: {
        std::string out = "[";
        for (size_t i = 0, n = rng_() % 4; i < n; ++i)
          out += cat(i ? "," : "", value(planted, depth + 1));
        return out + "]";
      }
    }
  }
  std::string digits(size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i) out += static_cast<char>('0' + rng_() % 10);
    return out;
  }
  std::string pick(std::initializer_list<const char*> choices) {
    return *(choices.begin() + rng_() % choices.size());
  }
  static bool luhn_ok(const std::string& digits) {
    int sum = 0;
    for (size_t i = 0; i < digits.size(); ++i) {
      int d = digits[digits.size() - 1 - i] - '0';
      if (i % 2) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    return sum % 10 == 0;
  }
  std::mt19937 rng_;
};

TEST(RedactorPatterns, PlantedSecretsOfEveryBuiltinNeverSurvive) {
  SecretPlanter planter(8);
  Redactor redactor({pattern_rule(builtins())});
  simdjson::dom::parser parser;
  int secrets = 0;
  for (int round = 0; round < 5000; ++round) {
    std::vector<std::string> planted;
    const std::string record = planter.document(planted);
    const Out out = run(redactor, record);
    simdjson::dom::element root;
    ASSERT_EQ(parser.parse(simdjson::padded_string(out.text)).get(root), simdjson::SUCCESS)
        << out.text;
    std::string strings;
    collect_strings(root, strings);
    for (const std::string& secret : planted) {
      ++secrets;
      ASSERT_EQ(strings.find(secret), std::string::npos)
          << "round " << round << " secret " << secret << "\nrecord: " << record
          << "\nout: " << out.text;
    }
    if (planted.empty()) {
      ASSERT_EQ(out.text, record);
    }
  }
  EXPECT_GT(secrets, 5000);
}

}  // namespace
}  // namespace ferry
