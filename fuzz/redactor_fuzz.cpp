// libFuzzer target for Redactor: never crashes, always emits valid JSON; with the seed rule a
// record that does not consent keeps no dob/ssn_no value, and with nested rules in every mode no
// value at a redacted path survives (replaced, hashed or gone) that any JSON reader could find.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/assert.hpp"
#include "core/redact/field_path.hpp"
#include "core/redact/redactor.hpp"
#include "core/text.hpp"
#include "tests/support/json_strings.hpp"

namespace {

constexpr std::string_view kFile = "fuzz.log";
constexpr uint64_t kOffset = 77;

ferry::RedactionRule seed_rule() {
  ferry::RedactionRule rule;
  rule.consent_field = "data_share_consent";
  rule.fields = {"dob", "ssn_no"};
  rule.replacement = "REDACTED_CONTENT";
  rule.flag_field = "data_redacted";
  return rule;
}

bool is_protected(std::string_view key) {
  return key == "dob" || key == "ssn_no";
}

// Parses with a checker parser of its own, independent of the redactor's. realloc_if_needed
// copies the bytes into the parser's padded buffer; the DOM then owns its strings.
bool parse(simdjson::dom::parser& parser, std::string_view json, simdjson::dom::element& root) {
  return parser.parse(json.data(), json.size(), true).get(root) == simdjson::SUCCESS;
}

void check(std::string_view record, ferry::RedactOutcome outcome, std::string_view out) {
  static simdjson::dom::parser input_parser, output_parser;
  FERRY_ASSERT(!out.empty() && out.back() == '\n');
  const std::string_view body = out.substr(0, out.size() - 1);

  simdjson::dom::element output;
  FERRY_ASSERT(parse(output_parser, body, output));  // always valid JSON
  simdjson::dom::object out_object;
  FERRY_ASSERT(output.get_object().get(out_object) == simdjson::SUCCESS);

  simdjson::dom::element input;
  simdjson::dom::object in_object;
  if (!parse(input_parser, record, input) || input.get_object().get(in_object)) {
    std::string marker = R"({"ferry_invalid_record":true,"ferry_file":)";
    ferry::append_json_string(marker, kFile);
    marker +=
        ferry::cat(R"(,"ferry_offset":)", kOffset, R"(,"ferry_length":)", record.size(), "}\n");
    FERRY_ASSERT(outcome == ferry::RedactOutcome::invalid);
    FERRY_ASSERT(out == marker);
    return;
  }
  FERRY_ASSERT(outcome != ferry::RedactOutcome::invalid);

  bool consent_seen = false, consent_all_true = true;
  for (auto field : in_object) {
    if (field.key != "data_share_consent") continue;
    consent_seen = true;
    bool value = false;
    consent_all_true =
        consent_all_true && field.value.get_bool().get(value) == simdjson::SUCCESS && value;
  }
  if (consent_seen && consent_all_true) {
    FERRY_ASSERT(outcome == ferry::RedactOutcome::passed);
    FERRY_ASSERT(body == record);
    return;
  }
  FERRY_ASSERT(outcome == ferry::RedactOutcome::redacted);

  // Walk input and output members side by side (order and duplicates kept, keys unescaped).
  auto in = in_object.begin();
  size_t flags = 0;
  for (auto field : out_object) {
    std::string_view value_text;
    if (is_protected(field.key)) {
      // Every occurrence, so first-wins and last-wins readers alike see only the replacement.
      FERRY_ASSERT(field.value.get_string().get(value_text) == simdjson::SUCCESS);
      FERRY_ASSERT(value_text == "REDACTED_CONTENT");
    } else if (field.key == "data_redacted") {
      bool value = false;
      FERRY_ASSERT(field.value.get_bool().get(value) == simdjson::SUCCESS && value);
      ++flags;
    } else {
      FERRY_ASSERT(in != in_object.end());
      FERRY_ASSERT(simdjson::minify(field.value) == simdjson::minify(in.value()));
    }
    if (in != in_object.end()) {
      FERRY_ASSERT(in.key() == field.key);
      ++in;
    } else {
      FERRY_ASSERT(field.key == "data_redacted");  // only the appended flag is new
    }
  }
  FERRY_ASSERT(in == in_object.end());
  FERRY_ASSERT(flags >= 1);
}

// Nested paths in every mode, Wickr-shaped.
std::vector<ferry::RedactionRule> nested_rules() {
  ferry::RedactionRule replace;
  replace.fields = {"file.localfilename", "recipients[*].email", "edit.text"};
  ferry::RedactionRule hmac;
  hmac.fields = {"sender", "recipients[*].name"};
  hmac.mode = ferry::RedactMode::hmac;
  hmac.hmac_key = "fuzz-key-0123456789abcdef";
  ferry::RedactionRule remove;
  remove.fields = {"x[*][*]", "a.b"};
  remove.mode = ferry::RedactMode::remove;
  return {replace, hmac, remove};
}

// Calls `on_value` for every value of `element` that `path` (parsed segments) selects.
template <class OnValue>
void select(simdjson::dom::element element, const ferry::FieldPath& path, size_t step,
            OnValue& on_value) {
  if (step == path.size()) {
    on_value(element);
    return;
  }
  if (path[step].any_element) {
    simdjson::dom::array array;
    if (element.get_array().get(array) != simdjson::SUCCESS) return;
    for (auto item : array) select(item, path, step + 1, on_value);
    return;
  }
  simdjson::dom::object object;
  if (element.get_object().get(object) != simdjson::SUCCESS) return;
  for (auto field : object) {
    if (field.key == path[step].key) select(field.value, path, step + 1, on_value);
  }
}

bool is_hmac_hex(simdjson::dom::element value) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS || text.size() != 64) return false;
  return text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// Every value a nested rule selects in the output is its redaction: nothing was left over.
void check_nested(std::string_view record, ferry::RedactOutcome outcome, std::string_view out) {
  static simdjson::dom::parser input_parser, output_parser;
  FERRY_ASSERT(!out.empty() && out.back() == '\n');
  const std::string_view body = out.substr(0, out.size() - 1);
  simdjson::dom::element output, input;
  FERRY_ASSERT(parse(output_parser, body, output));
  FERRY_ASSERT(output.is_object());
  if (!parse(input_parser, record, input) || !input.is_object()) {
    FERRY_ASSERT(outcome == ferry::RedactOutcome::invalid);
    return;
  }
  FERRY_ASSERT(outcome == ferry::RedactOutcome::redacted);  // no consent field: always applies
  for (const ferry::RedactionRule& rule : nested_rules()) {
    for (const std::string& field : rule.fields) {
      const ferry::FieldPath path = ferry::parse_field_path(field).value();
      auto on_value = [&](simdjson::dom::element value) {
        std::string_view text;
        switch (rule.mode) {
          case ferry::RedactMode::replace:
            FERRY_ASSERT(value.get_string().get(text) == simdjson::SUCCESS);
            FERRY_ASSERT(text == "REDACTED_CONTENT");
            break;
          case ferry::RedactMode::hmac: FERRY_ASSERT(is_hmac_hex(value)); break;
          case ferry::RedactMode::remove: FERRY_ASSERT(false && "a removed value is still there");
        }
      };
      select(output, path, 0, on_value);
    }
  }
}

// Pattern rule with every built-in on every string; secrets planted around the fuzz bytes.
constexpr std::string_view kSecrets[] = {"123-45-6789", "bob@example.com", "4111 1111 1111 1111",
                                         "+14155552671"};

ferry::RedactionRule pattern_rule() {
  ferry::RedactionRule rule;
  rule.patterns = {"us_ssn", "email", "credit_card", "phone_e164"};
  rule.every_string = true;
  return rule;
}

// No planted secret is left in any string a JSON reader decodes from the output.
void check_patterns(std::string_view planted_text, std::string_view record,
                    ferry::RedactOutcome outcome, std::string_view out) {
  static simdjson::dom::parser input_parser, output_parser;
  FERRY_ASSERT(!out.empty() && out.back() == '\n');
  const std::string_view body = out.substr(0, out.size() - 1);
  const auto count = [](std::string_view haystack, std::string_view needle) {
    size_t n = 0;
    for (size_t at = haystack.find(needle); at != std::string_view::npos;
         at = haystack.find(needle, at + 1)) {
      ++n;
    }
    return n;
  };
  simdjson::dom::element output, input;
  if (!parse(input_parser, record, input)) {
    // Not JSON: a text line (the rule needs no JSON structure), scanned as bytes. No planted
    // secret is left, unless the fuzz bytes spell it out elsewhere too.
    FERRY_ASSERT(outcome != ferry::RedactOutcome::invalid);
    for (std::string_view secret : kSecrets) {
      if (count(record, secret) > count(planted_text, secret)) continue;
      FERRY_ASSERT(body.find(secret) == std::string_view::npos);
    }
    return;
  }
  FERRY_ASSERT(parse(output_parser, body, output));
  if (!input.is_object()) {
    FERRY_ASSERT(outcome == ferry::RedactOutcome::invalid);
    return;
  }
  FERRY_ASSERT(outcome == ferry::RedactOutcome::redacted);  // every record holds secrets
  std::string strings, input_strings;
  ferry::collect_strings(output, strings);
  ferry::collect_strings(input, input_strings);
  // A secret the fuzz bytes spell out themselves (escaped or not) may stand where no pattern
  // matches it, as in "+14155552671x": only secrets that the input holds nowhere else than
  // where they were planted are checked.
  for (std::string_view secret :
       {kSecrets[0], kSecrets[1], kSecrets[2], kSecrets[3], std::string_view("x@example.com")}) {
    if (count(input_strings, secret) > count(planted_text, secret)) continue;
    FERRY_ASSERT(strings.find(secret) == std::string::npos);
  }
}

}  // namespace

// Input: [mode][bytes...]. Mode 0 (and 4) redacts the bytes as they are; the others wrap them
// around a protected member so that most inputs are objects carrying a secret. Modes 0-3 use
// the seed rule, 4-7 nested rules in every mode, 8-11 every built-in pattern on every string.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static ferry::Redactor redactor({seed_rule()});
  static ferry::Redactor nested(nested_rules());
  static ferry::Redactor patterns({pattern_rule()});
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string record;
  if (data[0] % 12 >= 8) {
    // The bytes as a string value and as raw members, around secrets of every built-in.
    std::string text;
    ferry::append_json_string(text, ferry::cat(bytes, " ", kSecrets[data[0] % 4], " ", bytes));
    record = ferry::cat(R"({"m":)", text, R"(,"l":[")", kSecrets[(data[0] / 4) % 4], R"("],)",
                        R"("e":"x@example.com",)", bytes, "}");
    std::string out;
    const auto outcome = patterns.process(record, ferry::RecordOrigin{kFile, kOffset}, out);
    const std::string planted =
        ferry::cat(kSecrets[data[0] % 4], "\x01", kSecrets[(data[0] / 4) % 4], "\x01x@example.com");
    check_patterns(planted, record, outcome, out);
    return 0;
  }
  if (data[0] % 12 >= 4) {
    switch (data[0] % 4) {
      case 0: record = bytes; break;
      case 1:
        record = ferry::cat(R"({"recipients":[)", bytes,
                            R"(,{"email":"SECRET","name":"SECRET"}],"file":{"localfilename":)",
                            R"("SECRET"},"sender":"SECRET"})");
        break;
      case 2:
        record = ferry::cat(R"({"a":{)", bytes, R"(},"x":[[1,"SECRET"],)", bytes, "]}");
        break;
      default:
        record = ferry::cat(R"({"edit":{"text":"SECRET",)", bytes, R"(},"file":)", bytes, "}");
    }
    std::string out;
    const auto outcome = nested.process(record, ferry::RecordOrigin{kFile, kOffset}, out);
    check_nested(record, outcome, out);
    return 0;
  }
  switch (data[0] % 4) {
    case 0: record = bytes; break;
    case 1:  // a secret string value built from the bytes (escapes, UTF-8)
      record = R"({"dob":)";
      ferry::append_json_string(record, ferry::cat("SECRET_", bytes));
      record += R"(,"data_share_consent":false})";
      break;
    case 2:  // the bytes supply further members: consent, duplicates, escaped keys
      record = ferry::cat(R"({"ssn_no":"SECRET",)", bytes, "}");
      break;
    default: record = ferry::cat("{", bytes, R"(,"d\u006fb":{"SECRET":["x"]}})"); break;
  }
  std::string out;
  const auto outcome = redactor.process(record, ferry::RecordOrigin{kFile, kOffset}, out);
  check(record, outcome, out);
  return 0;
}
