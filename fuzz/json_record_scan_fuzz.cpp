// libFuzzer target for the redactor's fast path: whatever scan_json_record accepts, simdjson's
// DOM parser accepts as an object with the same string values in the same order; and a
// Redactor taking the fast path writes the same bytes and returns the same outcome and audit as
// one sending every record through the DOM.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/assert.hpp"
#include "core/json/json_record_scan.hpp"
#include "core/redact/redactor.hpp"

namespace {

std::chrono::system_clock::time_point fixed_now() {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(1795492898123));
}

// Every built-in over every string, with a flag and a time field: the fast path's usual rule.
std::vector<ferry::RedactionRule> rules() {
  ferry::RedactionRule rule;
  rule.patterns = {"us_ssn", "email", "credit_card", "phone_e164"};
  rule.every_string = true;
  rule.flag_field = "redacted";
  rule.redacted_at_field = "redacted_at";
  return {rule};
}

// Every string value (keys excluded) in document order, decoded by simdjson.
void dom_strings(simdjson::dom::element element, std::vector<std::string_view>& out) {
  std::string_view text;
  simdjson::dom::object object;
  simdjson::dom::array array;
  if (element.get_string().get(text) == simdjson::SUCCESS) {
    out.push_back(text);
  } else if (element.get_object().get(object) == simdjson::SUCCESS) {
    for (auto field : object) dom_strings(field.value, out);
  } else if (element.get_array().get(array) == simdjson::SUCCESS) {
    for (auto item : array) dom_strings(item, out);
  }
}

void check_scan(std::string_view record) {
  static ferry::ScannedRecord scan;
  static simdjson::dom::parser parser;
  static std::vector<std::string_view> expected;
  static std::string decoded;
  if (!ferry::scan_json_record(record, scan)) return;  // "not sure": nothing promised
  simdjson::dom::element root;
  FERRY_ASSERT(parser.parse(record.data(), record.size(), true).get(root) == simdjson::SUCCESS);
  FERRY_ASSERT(root.is_object());
  expected.clear();
  dom_strings(root, expected);
  FERRY_ASSERT(scan.strings.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    const ferry::ScannedString& string = scan.strings[i];
    ferry::decode_scanned_string(record.substr(string.begin, string.end - string.begin), decoded);
    FERRY_ASSERT(decoded == expected[i]);
  }
}

void check_redactors(std::string_view record) {
  static ferry::Redactor fast(rules(), &fixed_now);
  static ferry::Redactor dom(rules(), &fixed_now);
  static const bool dom_only = (dom.set_fast_path(false), true);
  FERRY_ASSERT(dom_only);
  static std::string fast_out, dom_out;
  static std::vector<ferry::RuleAudit> fast_audit, dom_audit;
  fast_out.clear();
  dom_out.clear();
  const ferry::RecordOrigin origin{"fuzz.log", 7};
  const ferry::RedactOutcome fast_outcome = fast.process(record, origin, fast_out);
  const ferry::RedactOutcome dom_outcome = dom.process(record, origin, dom_out);
  FERRY_ASSERT(fast_outcome == dom_outcome);
  FERRY_ASSERT(fast_out == dom_out);
  fast_audit.clear();
  dom_audit.clear();
  fast.take_audit(fast_audit);
  dom.take_audit(dom_audit);
  FERRY_ASSERT(fast_audit.size() == dom_audit.size());
  for (size_t r = 0; r < fast_audit.size(); ++r) {
    FERRY_ASSERT(fast_audit[r].records == dom_audit[r].records);
    FERRY_ASSERT(fast_audit[r].values == dom_audit[r].values);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view record(reinterpret_cast<const char*>(data), size);
  check_scan(record);
  check_redactors(record);
  return 0;
}
