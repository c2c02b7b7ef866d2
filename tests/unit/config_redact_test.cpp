// Unit tests for the "redact" rules of agent.json: field paths, mode, keyFile (read at load
// time, hex, never quoted in messages) and redactedAtField, with their exact messages.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "agent/config/config.hpp"
#include "core/text.hpp"

namespace ferry::config {
namespace {

std::string with_redact(std::string_view redact) {
  return cat(R"({"flows": [{"filePattern": "/var/log/app/*.log", "s3": {"bucket": "my-bucket"},)",
             R"("redact": )", redact, "}]}");
}

std::string error_of(std::string_view redact) {
  Result<Parsed> result = parse(with_redact(redact));
  if (result.ok()) {
    ADD_FAILURE() << "parsed but should not have: " << redact;
    return {};
  }
  return result.error().message;
}

std::vector<RedactionRule> rules_of(std::string_view redact) {
  Result<Parsed> result = parse(with_redact(redact));
  if (!result.ok()) {
    ADD_FAILURE() << result.error().message;
    return {};
  }
  EXPECT_EQ(result->warnings, std::vector<std::string>{});
  return result->config.flows[0].redact;
}

// A key file in a fresh temporary directory, removed at the end of the test.
class KeyFile {
 public:
  explicit KeyFile(std::string_view content)
      : path_(std::filesystem::temp_directory_path() /
              cat("ferry_key_", ::getpid(), "_", counter_++)) {
    std::ofstream(path_, std::ios::binary) << content;
    std::filesystem::permissions(
        path_, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }
  ~KeyFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

TEST(ConfigRedact, AKeyFileOthersMayReadIsNamedInAWarning) {
  const KeyFile key("00112233445566778899aabbccddeeff");
  std::filesystem::permissions(key.path(), std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  Result<Parsed> result = parse(with_redact(
      cat(R"([{"fields": ["ssn"], "mode": "hmac", "keyFile": ")", key.path(), R"("}])")));
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(result->warnings.size(), 1u);
  EXPECT_EQ(result->warnings[0],
            cat("config: flows[0].redact[0].keyFile: ", key.path(),
                " holds an HMAC key and group or others may read it (mode 0640): chmod 600 ",
                key.path()));
}

TEST(ConfigRedact, NestedPathsAreAcceptedAsWritten) {
  const auto rules =
      rules_of(R"([{"fields": ["file.localfilename", "recipients[*].email", "a\\.b"]}])");
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].fields,
            (std::vector<std::string>{"file.localfilename", "recipients[*].email", "a\\.b"}));
  EXPECT_EQ(rules[0].mode, RedactMode::replace);
}

// A dotted name selects both readings (core/redact/field_path.hpp dotted_key_path): nothing is
// ambiguous, so nothing is warned about.
TEST(ConfigRedact, DottedFieldsNeedNoWarning) {
  Result<Parsed> result =
      parse(with_redact(R"([{"fields": ["dob", "file.localfilename", "a\\.b"]}])"));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->warnings, std::vector<std::string>{});
}

TEST(ConfigRedact, MalformedPathsAreErrors) {
  EXPECT_EQ(error_of(R"([{"fields": ["ok", "a[0]"]}])"),
            "config: flows[0].redact[0].fields[1]: invalid field path at byte 1: only [*] "
            "selects array elements, got \"a[0]\"");
  EXPECT_EQ(error_of(R"([{"fields": ["a..b"]}])"),
            "config: flows[0].redact[0].fields[0]: invalid field path: empty key, got \"a..b\"");
  EXPECT_EQ(error_of(R"([{"fields": ["a."]}])"),
            "config: flows[0].redact[0].fields[0]: invalid field path: empty key, got \"a.\"");
  EXPECT_EQ(error_of(R"([{"fields": ["a\\x"]}])"),
            "config: flows[0].redact[0].fields[0]: invalid field path at byte 1: a \\ must "
            "escape ., [ or \\, got \"a\\\\x\"");
}

TEST(ConfigRedact, ModesAndTheirKeys) {
  EXPECT_EQ(rules_of(R"([{"fields": ["a"], "mode": "remove"}])")[0].mode, RedactMode::remove);
  EXPECT_EQ(rules_of(R"([{"fields": ["a"], "mode": "replace", "replacement": "X"}])")[0].mode,
            RedactMode::replace);
  EXPECT_EQ(error_of(R"([{"fields": ["a"], "mode": "hash"}])").substr(0, 45),
            "config: flows[0].redact[0].mode: must be one ");
  EXPECT_EQ(error_of(R"([{"fields": ["a"], "mode": "remove", "replacement": "X"}])"),
            "config: flows[0].redact[0].replacement: only applies to mode \"replace\", got mode "
            "\"remove\"");
  EXPECT_EQ(error_of(R"([{"fields": ["a"], "mode": "hmac"}])"),
            "config: flows[0].redact[0].keyFile: required key missing");
  EXPECT_EQ(error_of(R"([{"fields": ["a"], "keyFile": "/k"}])"),
            "config: flows[0].redact[0].keyFile: only applies to mode \"hmac\"");
}

TEST(ConfigRedact, HmacKeyIsReadFromTheKeyFileAsHex) {
  const KeyFile key("00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF\n");
  const auto rules =
      rules_of(cat(R"([{"fields": ["sender"], "mode": "hmac", "keyFile": ")", key.path(), "\"}]"));
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].mode, RedactMode::hmac);
  EXPECT_EQ(to_hex(rules[0].hmac_key),
            "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
}

TEST(ConfigRedact, BadKeyFilesAreErrorsThatNeverQuoteTheKey) {
  const auto error_for = [](std::string_view content) {
    const KeyFile key(content);
    return error_of(cat(R"([{"fields": ["s"], "mode": "hmac", "keyFile": ")", key.path(), "\"}]"));
  };
  const std::string not_hex = error_for("secretsecretsecretsecretsecretsecret");
  EXPECT_NE(not_hex.find("must hold the key as hex digits only"), std::string::npos) << not_hex;
  EXPECT_EQ(not_hex.find("secretsecret"), std::string::npos);
  const std::string odd = error_for("0011223344556677889900112233445");
  EXPECT_NE(odd.find("hex digits only"), std::string::npos) << odd;
  const std::string short_key = error_for("00112233445566778899aabbccddee");
  EXPECT_NE(short_key.find("holds a key of 15 bytes; at least 16 are required"), std::string::npos)
      << short_key;
  EXPECT_NE(error_for("").find("holds a key of 0 bytes"), std::string::npos);
  EXPECT_EQ(error_of(R"([{"fields": ["s"], "mode": "hmac", "keyFile": "/nonexistent/ferry.key"}])"),
            "config: flows[0].redact[0].keyFile: cannot read \"/nonexistent/ferry.key\": No such "
            "file or directory");
  EXPECT_EQ(error_of(R"([{"fields": ["s"], "mode": "hmac", "keyFile": "/dev/zero"}])"),
            "config: flows[0].redact[0].keyFile: \"/dev/zero\" must be a regular file of at most "
            "4096 bytes");
  EXPECT_NE(error_for(std::string(5000, 'a')).find("at most 4096 bytes"), std::string::npos);
  EXPECT_EQ(error_of(R"([{"fields": ["s"], "mode": "hmac", "keyFile": "relative.key"}])"),
            "config: flows[0].redact[0].keyFile: must be an absolute path, got \"relative.key\"");
}

TEST(ConfigRedact, RedactedAtFieldRules) {
  EXPECT_EQ(
      rules_of(R"([{"fields": ["a"], "redactedAtField": "redacted_at"}])")[0].redacted_at_field,
      "redacted_at");
  EXPECT_EQ(error_of(R"([{"fields": ["a", "at"], "redactedAtField": "at"}])"),
            "config: flows[0].redact[0].redactedAtField: must not be one of the redacted fields, "
            "got \"at\"");
  EXPECT_EQ(error_of(R"([{"fields": ["a"], "redactedAtField": "f", "flagField": "f"}])"),
            "config: flows[0].redact[0].redactedAtField: must not be the flagField, got \"f\"");
  EXPECT_EQ(error_of(R"([{"fields": ["a"], "redactedAtField": "ok"},
                         {"fields": ["b"], "consentField": "ok"}])"),
            "config: flows[0].redact[0].redactedAtField: must not be a consentField of this "
            "flow, got \"ok\"");
  // A nested path that starts with the flag is not the flag itself.
  EXPECT_EQ(rules_of(R"([{"fields": ["f.x"], "flagField": "f"}])").size(), 1u);
}

TEST(ConfigRedact, PatternRules) {
  const auto rules = rules_of(
      R"([{"patterns": ["us_ssn", "email", "credit_card", "phone_e164", "\\bAKIA[0-9A-Z]{16}\\b"],
          "fields": "*", "flagField": "pii_redacted"}])");
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_TRUE(rules[0].every_string);
  EXPECT_TRUE(rules[0].fields.empty());
  EXPECT_EQ(rules[0].patterns.size(), 5u);
  EXPECT_EQ(rules[0].patterns[4], "\\bAKIA[0-9A-Z]{16}\\b");
  const auto scoped = rules_of(R"([{"patterns": ["email"], "fields": ["message", "edit.text"]}])");
  ASSERT_EQ(scoped.size(), 1u);
  EXPECT_FALSE(scoped[0].every_string);
  EXPECT_EQ(scoped[0].fields, (std::vector<std::string>{"message", "edit.text"}));
}

std::vector<std::string> warnings_of(std::string_view redact) {
  Result<Parsed> result = parse(with_redact(redact));
  if (!result.ok()) {
    ADD_FAILURE() << result.error().message;
    return {};
  }
  return result->warnings;
}

// Rules apply in order, each to the result of the ones before: a rule that changes a value
// before a later one hashes it makes every user the pseudonym of the replacement.
TEST(ConfigRedact, AnOrderThatChangesValuesBeforeTheyAreHashedIsNamed) {
  const KeyFile key("00112233445566778899aabbccddeeff\n");
  const std::string hmac =
      cat(R"({"fields": ["sender", "receiver"], "mode": "hmac", "keyFile": ")", key.path(), "\"}");
  const std::string patterns = R"({"patterns": ["email"], "fields": "*"})";
  EXPECT_EQ(warnings_of(cat("[", patterns, ", ", hmac, "]")),
            (std::vector<std::string>{
                "config: flows[0].redact[0] changes values that flows[0].redact[1] then hashes "
                "(\"sender\"): the pseudonyms would be of the changed values (after a "
                "replacement, every record gets the same one), not of the originals; list "
                "flows[0].redact[1] first, or leave that field out of flows[0].redact[0]"}));
  EXPECT_EQ(warnings_of(cat("[", hmac, ", ", patterns, "]")), std::vector<std::string>{});
  // Paths overlap when one holds the other; removal is named for the audit's sake.
  const auto nested = warnings_of(
      R"([{"fields": ["file"]}, {"fields": ["file.localfilename"], "mode": "remove"}])");
  ASSERT_EQ(nested.size(), 1u);
  EXPECT_EQ(nested[0],
            "config: flows[0].redact[0] changes values that flows[0].redact[1] then removes "
            "(\"file.localfilename\"): they are removed either way, but the audit of "
            "flows[0].redact[0] counts them as redacted; list flows[0].redact[1] first, or leave "
            "that field out of flows[0].redact[0]");
  // Disjoint fields, or a remove before a replace: nothing to say.
  EXPECT_EQ(warnings_of(cat(R"([{"patterns": ["email"], "fields": ["message"]}, )", hmac, "]")),
            std::vector<std::string>{});
  EXPECT_EQ(warnings_of(R"([{"fields": ["a"], "mode": "remove"}, {"fields": ["a"]}])"),
            std::vector<std::string>{});
}

TEST(ConfigRedact, PatternRuleErrors) {
  EXPECT_EQ(error_of(R"([{"patterns": ["emial"], "fields": "*"}])"),
            "config: flows[0].redact[0].patterns: pattern 0 \"emial\": unknown built-in (us_ssn, "
            "email, credit_card, phone_e164; a custom regex with only [a-z0-9_] can be written "
            "(?:...))");
  EXPECT_EQ(error_of(R"([{"patterns": ["email", "a("], "fields": "*"}])"),
            "config: flows[0].redact[0].patterns: pattern 1 \"a(\": Missing close parenthesis for "
            "group started at index 1.");
  EXPECT_EQ(error_of(R"([{"patterns": ["x*"], "fields": "*"}])"),
            "config: flows[0].redact[0].patterns: pattern 0 \"x*\": matches the empty string");
  EXPECT_EQ(error_of(R"([{"patterns": [], "fields": "*"}])"),
            "config: flows[0].redact[0].patterns: must list at least one pattern");
  EXPECT_EQ(error_of(R"([{"patterns": ["email"]}])"),
            "config: flows[0].redact[0].fields: required key missing");
  EXPECT_EQ(error_of(R"([{"fields": "*"}])"),
            "config: flows[0].redact[0].fields: \"*\" (every string) only applies to a rule with "
            "patterns");
  EXPECT_EQ(error_of(R"([{"patterns": ["email"], "fields": "*", "mode": "remove"}])"),
            "config: flows[0].redact[0].mode: must be \"replace\" or \"hmac\" in a rule with "
            "patterns, got \"remove\"");
  EXPECT_EQ(error_of(R"([{"patterns": ["email"], "fields": "all"}])"),
            "config: flows[0].redact[0].fields: must be an array, got string");
}

}  // namespace
}  // namespace ferry::config
