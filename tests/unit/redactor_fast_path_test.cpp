// Differential test of the redactor's fast path (core/redact/redactor_fast_path.cpp): for rule sets
// it applies to, a Redactor with it and one without (every record through the DOM) must write the
// same bytes, return the same outcome and count the same audit, record by record. Records: the
// Wickr sample, random records with planted secrets (nested, next to escapes, among multi-byte
// UTF-8) and mutations of them (mostly invalid).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/json/json_record_scan.hpp"
#include "core/redact/redactor.hpp"
#include "core/text.hpp"
#include "tests/support/cpp_literal.hpp"
#include "tests/support/json_strings.hpp"

namespace ferry {
namespace {

const std::string kKey = "fast-path-test-key-0123456789";
std::chrono::system_clock::time_point fixed_now() {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(1795492898123));
}

RedactionRule every_string(std::vector<std::string> patterns) {
  RedactionRule rule;
  rule.patterns = std::move(patterns);
  rule.every_string = true;
  return rule;
}

std::vector<std::string> builtins() {
  return {"us_ssn", "email", "credit_card", "phone_e164"};
}

// The rule sets the fast path applies to, by name.
struct RuleSet {
  const char* name;
  std::vector<RedactionRule> rules;
};

std::vector<RuleSet> rule_sets() {
  std::vector<RuleSet> sets;
  sets.push_back({"builtins", {every_string(builtins())}});

  RedactionRule flagged = every_string(builtins());
  flagged.flag_field = "redacted";
  flagged.redacted_at_field = "redacted_at";
  sets.push_back({"flag and time", {flagged}});

  RedactionRule hmac = every_string(builtins());
  hmac.mode = RedactMode::hmac;
  hmac.hmac_key = kKey;
  hmac.flag_field = "hashed";
  sets.push_back({"hmac", {hmac}});

  // A regular expression makes every string a candidate, not only those with [0-9@+].
  sets.push_back({"custom and builtins", {every_string({"secret[0-9]+", "us_ssn", "email"})}});
  sets.push_back({"custom without digits", {every_string({"tok_[a-z]{4}", "phone_e164"})}});

  // The first rule's replacement is itself an e-mail and holds a digit: the second rule must
  // rescan the rewritten text, and the third the second's hashes.
  RedactionRule first = every_string({"us_ssn", "credit_card", "secret[0-9]+"});
  first.replacement = "X@y.zz 4111111111111111";
  RedactionRule second = every_string({"email"});
  second.replacement = "+14155552671";
  second.flag_field = "second";
  RedactionRule third = every_string({"phone_e164", "credit_card"});
  third.mode = RedactMode::hmac;
  third.hmac_key = kKey;
  third.redacted_at_field = "at";
  sets.push_back({"rules in sequence", {first, second, third}});

  // A replacement that needs escaping in JSON, and an empty one.
  RedactionRule escaped = every_string({"email", "phone_e164"});
  escaped.replacement = "a\"b\\c\nd\x01 \xC3\xA9";
  RedactionRule empty = every_string({"us_ssn", "credit_card"});
  empty.replacement = "";
  sets.push_back({"escaped and empty replacements", {escaped, empty}});

  // Flag and time fields that records hold at their top level (the generator's keys k0..k3,
  // and the Wickr sample's "time_iso"): such records fall back to the DOM.
  RedactionRule clashing = every_string(builtins());
  clashing.flag_field = "k1";
  clashing.redacted_at_field = "time_iso";
  RedactionRule clashing_escaped = every_string({"email"});
  clashing_escaped.flag_field = "k/2";  // spelled k\/2 by the generator now and then
  sets.push_back({"flag field present", {clashing, clashing_escaped}});

  // Top-level fields with consent (the members fast path): duplicate keys, a consent key that
  // is sometimes `true`, flag and time fields the records may already hold, a removal before a
  // replacement, and a consent key the generator sometimes escapes (k\/2: the DOM decides).
  RedactionRule consent;
  consent.consent_field = "k1";
  consent.fields = {"k0", "k2"};
  consent.replacement = "REDACTED_CONTENT";
  consent.flag_field = "k3";
  consent.redacted_at_field = "at";
  sets.push_back({"consent and top-level fields", {consent}});
  RedactionRule removal;
  removal.fields = {"k3", "k0"};
  removal.mode = RedactMode::remove;
  removal.consent_field = "k/2";
  RedactionRule after_removal;
  after_removal.fields = {"k0", "k1", "k\n"};
  after_removal.flag_field = "k2";
  sets.push_back({"removal then replacement", {removal, after_removal}});

  // Rules without patterns on nested paths (the paths fast path): records hold objects and
  // arrays under k0..k3 at any depth; an hmac of an object or array, and an escaped key
  // anywhere, send a record to the DOM.
  RedactionRule nested;
  nested.consent_field = "k3";
  nested.fields = {"k0.k1", "k2[*].k0", "k1[*][*]", "k0.k0.k2"};
  nested.flag_field = "flagged";
  RedactionRule hashed;
  hashed.fields = {"k1", "k0.k2", "k3[*]", "k0.k1"};
  hashed.mode = RedactMode::hmac;
  hashed.hmac_key = kKey;
  hashed.redacted_at_field = "at";
  RedactionRule dropped;
  // Into values an earlier rule replaced: they select nothing.
  dropped.fields = {"k2.k1", "k0[*]", "k0.k1.k2", "k2[*].k0[*]", "k2", "k1.k0"};
  dropped.mode = RedactMode::remove;
  sets.push_back({"nested paths, hmac and removal", {nested, hashed, dropped}});
  RedactionRule leaves;
  leaves.fields = {"k0.k0", "k1.k1.k1", "k2[*]", "k3"};
  leaves.mode = RedactMode::hmac;
  leaves.hmac_key = kKey;
  leaves.flag_field = "k2";  // the records' own key: set after the hashes
  sets.push_back({"hmac of nested values", {leaves}});

  // The Wickr bot's fields: message text replaced, people hashed, the attachment's id removed.
  RedactionRule content;
  content.fields = {"message", "edit.text", "file.localfilename"};
  content.flag_field = "data_redacted";
  RedactionRule people;
  people.fields = {"sender", "receiver", "file.uploadedbyuser", "members[*]"};
  people.mode = RedactMode::hmac;
  people.hmac_key = kKey;
  RedactionRule guid;
  guid.fields = {"file.guid"};
  guid.mode = RedactMode::remove;
  sets.push_back({"wickr fields", {content, people, guid}});
  return sets;
}

// --- records ----------------------------------------------------------------------------------

// Random records with secrets of every built-in (and "secret<digits>", "tok_abcd") planted in
// string values at any depth, often next to simple escapes and among multi-byte UTF-8; a
// fraction are mutated byte-wise (mostly invalid then).
class Planter {
 public:
  explicit Planter(uint32_t seed) : rng_(seed) {}

  // A record; `planted` gets the secrets in it (only meaningful when not mutated).
  std::string record(std::vector<std::string>& planted, bool& mutated) {
    std::string out = space();
    object(out, planted, 0);
    out += space();
    mutated = rng_() % 4 == 0;
    if (mutated) mutate(out);
    return out;
  }

 private:
  std::string secret() {
    switch (rng_() % 6) {
      case 0: {
        const char* sep = rng_() % 2 ? "-" : " ";
        return cat(digits(3), sep, digits(2), sep, digits(4));
      }
      case 1:
        return cat(pick({"bob", "a.b+c", "x_9", "Z"}), rng_() % 1000, "@",
                   pick({"example.com", "mail.co.uk", "x-y.io"}));
      case 2: return card();
      case 3: return cat("+", 1 + rng_() % 9, digits(6 + rng_() % 8));
      case 4: return cat("secret", digits(1 + rng_() % 5));
      default: return "tok_abcd";
    }
  }

  std::string card() {
    std::string number = pick({"4", "5", "37", "6011"});
    const size_t length = number == "37" ? 15 : 16;
    while (number.size() < length - 1) number += static_cast<char>('0' + rng_() % 10);
    for (char check = '0'; check <= '9'; ++check) {
      int sum = 0;
      const std::string candidate = number + check;
      for (size_t i = 0; i < candidate.size(); ++i) {
        int d = candidate[candidate.size() - 1 - i] - '0';
        if (i % 2) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        sum += d;
      }
      if (sum % 10 == 0) return candidate;
    }
    return number;
  }

  // A JSON string holding text around a secret (or none), written with simple escapes.
  std::string string_value(std::vector<std::string>& planted) {
    std::string out = "\"";
    out += pick({"", "", "call ", "id: ", "(", "\\n", "\\\"", "\\\\", "\\t", "x\\/y ",
                 "caf\xC3\xA9 ", "\xE6\x97\xA5\xE6\x9C\xAC ", "\xF0\x9F\x98\x80 "});
    if (rng_() % 3 != 0) {
      planted.push_back(secret());
      out += planted.back();
      out += pick({"", "", " ok", ".", ")", ", y", "\\n", "\\\"", "\\\\", "\\r\\n",
                   " \xF0\x9F\x98\x80", " \xC3\xA9t\xC3\xA9"});
      if (rng_() % 4 == 0) {  // a second one in the same string
        planted.push_back(secret());
        out += cat(" and ", planted.back());
      }
    } else {
      out += pick({"plain words", "v1.2", "2024-05-01T10:00:00Z", "a@", "+", "12 34", "a\\\\b",
                   "\\u00e9t\\u00e9", ""});
    }
    if (rng_() % 5 == 0) out += " " + std::string(rng_() % 40, 'w');  // past a 16-byte block
    return out + "\"";
  }

  std::string key() {
    switch (rng_() % 8) {
      case 0: return "\"k\\/2\"";
      case 1: return "\"k\\n\"";
      default: return cat("\"k", rng_() % 4, "\"");
    }
  }

  void object(std::string& out, std::vector<std::string>& planted, int depth) {
    out += '{';
    for (size_t i = 0, n = rng_() % 5; i < n; ++i) {
      out += cat(i ? "," : "", space(), key(), space(), ":", space());
      value(out, planted, depth);
      out += space();  // between the last value and '}' too: flags go before it
    }
    out += '}';
  }

  void value(std::string& out, std::vector<std::string>& planted, int depth) {
    switch (rng_() % (depth > 3 ? 4 : 6)) {
      case 0:
      case 1: out += string_value(planted); return;
      case 2:
        out += pick({"1", "-0", "1.5e10", "0.25", "123456789012345678", "true", "null"});
        return;
      case 3: out += cat(rng_() % 100000); return;
      case 4: object(out, planted, depth + 1); return;
      default: {
        out += '[';
        for (size_t i = 0, n = rng_() % 4; i < n; ++i) {
          out += cat(i ? "," : "", space());
          value(out, planted, depth + 1);
        }
        out += ']';
      }
    }
  }

  void mutate(std::string& s) {
    static const char kBytes[] = {'"', '\\', '{', '}', '[',  ']',    ',',    ':',    '0',
                                  '@', '+',  'u', ' ', '\n', '\x00', '\x80', '\xC3', '\xFF'};
    for (size_t m = 0, count = 1 + rng_() % 2; m < count; ++m) {
      const size_t at = rng_() % (s.size() + 1);
      switch (rng_() % 3) {
        case 0: s.insert(at, 1, kBytes[rng_() % sizeof kBytes]); break;
        case 1:
          if (at < s.size()) s.erase(at, 1);
          break;
        default:
          if (at < s.size()) s[at] = kBytes[rng_() % sizeof kBytes];
      }
    }
  }

  const char* space() { return rng_() % 6 == 0 ? pick({" ", "\t", " \n "}) : ""; }
  std::string digits(size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i) out += static_cast<char>('0' + rng_() % 10);
    return out;
  }
  const char* pick(std::initializer_list<const char*> choices) {
    return *(choices.begin() + rng_() % choices.size());
  }

  std::mt19937 rng_;
};

struct TestRecord {
  std::string bytes;
  std::vector<std::string> planted;  // secrets in it, when it is a valid unmutated record
  bool mutated = false;
};

std::vector<TestRecord> records() {
  std::vector<TestRecord> all;
  std::ifstream in(FERRY_TESTDATA "/wickr-messages-sample.jsonl");
  for (std::string line; std::getline(in, line);) all.push_back({line, {}, false});
  EXPECT_EQ(all.size(), 5u) << "wickr sample absent";
  Planter planter(20240501);
  for (int i = 0; i < 6000; ++i) {
    TestRecord record;
    record.bytes = planter.record(record.planted, record.mutated);
    all.push_back(std::move(record));
  }
  return all;
}

// --- the tests --------------------------------------------------------------------------------

TEST(RedactorFastPath, TheRecordMixIsMostlyScannable) {
  ScannedRecord scan;
  size_t accepted = 0;
  const std::vector<TestRecord> all = records();
  for (const TestRecord& record : all) accepted += scan_json_record(record.bytes, scan);
  EXPECT_GT(accepted, all.size() / 2) << accepted << " of " << all.size();
  // Every Wickr line is.
  for (size_t i = 0; i < 5 && i < all.size(); ++i) {
    EXPECT_TRUE(scan_json_record(all[i].bytes, scan)) << all[i].bytes;
  }
}

// The paths fast path takes records whose keys hold no escape: a good share of the mix, and every
// Wickr line.
TEST(RedactorFastPath, TheRecordMixHasItemsToFollow) {
  ScannedRecord scan;
  size_t followed = 0;
  const std::vector<TestRecord> all = records();
  for (const TestRecord& record : all) {
    followed += scan_json_record(record.bytes, scan, ScanLists::items) && !scan.escaped_keys;
  }
  EXPECT_GT(followed, all.size() / 5) << followed << " of " << all.size();
  for (size_t i = 0; i < 5 && i < all.size(); ++i) {
    EXPECT_TRUE(scan_json_record(all[i].bytes, scan, ScanLists::items)) << all[i].bytes;
    EXPECT_FALSE(scan.escaped_keys) << all[i].bytes;
  }
}

TEST(RedactorFastPath, SameBytesOutcomeAndAuditAsTheDomPath) {
  const std::vector<TestRecord> all = records();
  for (RuleSet& set : rule_sets()) {
    SCOPED_TRACE(set.name);
    Redactor fast(set.rules, &fixed_now);
    Redactor dom(set.rules, &fixed_now);
    dom.set_fast_path(false);
    std::vector<RuleAudit> fast_audit, dom_audit;
    std::string fast_out, dom_out;
    for (const TestRecord& record : all) {
      fast_out.clear();
      dom_out.clear();
      const RecordOrigin origin{"f.log", 42};
      const RedactOutcome fast_outcome = fast.process(record.bytes, origin, fast_out);
      const RedactOutcome dom_outcome = dom.process(record.bytes, origin, dom_out);
      fast_audit.clear();
      dom_audit.clear();
      fast.take_audit(fast_audit);
      dom.take_audit(dom_audit);
      bool audit_equal = fast_audit.size() == dom_audit.size();
      for (size_t r = 0; audit_equal && r < fast_audit.size(); ++r) {
        audit_equal = fast_audit[r].records == dom_audit[r].records &&
                      fast_audit[r].values == dom_audit[r].values;
      }
      ASSERT_TRUE(fast_out == dom_out && fast_outcome == dom_outcome && audit_equal)
          << "record: " << cpp_literal(record.bytes) << "\nfast: " << cpp_literal(fast_out)
          << "\ndom:  " << cpp_literal(dom_out) << "\noutcomes " << static_cast<int>(fast_outcome)
          << " / " << static_cast<int>(dom_outcome) << ", audit equal " << audit_equal;
    }
  }
}

// With every built-in and the custom expressions in replace mode, no planted secret survives in
// any string a reader decodes from the output (the fast path is what redacts most of them).
TEST(RedactorFastPath, PlantedSecretsNeverSurvive) {
  const std::vector<TestRecord> all = records();
  std::vector<std::string> patterns = builtins();
  patterns.push_back("secret[0-9]+");
  patterns.push_back("tok_[a-z]{4}");
  RedactionRule rule = every_string(patterns);
  rule.flag_field = "redacted";
  Redactor redactor({rule}, &fixed_now);
  simdjson::dom::parser parser;
  int secrets = 0;
  for (const TestRecord& record : all) {
    if (record.mutated) continue;  // unmutated records are valid JSON objects
    std::string out;
    redactor.process(record.bytes, RecordOrigin{"f.log", 0}, out);
    simdjson::dom::element root;
    ASSERT_EQ(parser.parse(out.data(), out.size(), true).get(root), simdjson::SUCCESS) << out;
    std::string strings;
    collect_strings(root, strings);
    for (const std::string& secret : record.planted) {
      ++secrets;
      ASSERT_EQ(strings.find(secret), std::string::npos)
          << "secret " << secret << "\nrecord: " << cpp_literal(record.bytes) << "\nout: " << out;
    }
  }
  EXPECT_GT(secrets, 3000);
}

}  // namespace
}  // namespace ferry
