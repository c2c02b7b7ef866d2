// libFuzzer target for Redactor with the seed rule: never crashes, always emits valid JSON, and a
// record that does not consent keeps no dob/ssn_no value that any JSON reader could recover.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/assert.hpp"
#include "core/redactor.hpp"
#include "core/text.hpp"

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
    std::string marker = R"({"ferry_invalid_record":true,"file":)";
    ferry::append_json_string(marker, kFile);
    marker += ferry::cat(R"(,"offset":)", kOffset, R"(,"length":)", record.size(), "}\n");
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

}  // namespace

// Input: [mode][bytes...]. Mode 0 redacts the bytes as they are; the others wrap them around a
// protected member so that most inputs are objects carrying a secret.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static ferry::Redactor redactor({seed_rule()});
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string record;
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
