// libFuzzer target for the redactor's fast paths: whatever scan_json_record accepts, simdjson's
// DOM parser accepts as an object with the same string values, top-level members and members and
// elements at every depth in the same order; and a Redactor taking a fast path (strings, members,
// paths) writes the same bytes and returns the same outcome and audit as one sending every record
// through the DOM.
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

// Every built-in over every string, with a flag and a time field: the strings fast path's
// usual rule.
std::vector<ferry::RedactionRule> pattern_rules() {
  ferry::RedactionRule rule;
  rule.patterns = {"us_ssn", "email", "credit_card", "phone_e164"};
  rule.every_string = true;
  rule.flag_field = "redacted";
  rule.redacted_at_field = "redacted_at";
  return {rule};
}

// Top-level fields under a consent field, then a removal: the members fast path (short keys,
// so that mutated inputs hit them).
std::vector<ferry::RedactionRule> member_rules() {
  ferry::RedactionRule consent;
  consent.consent_field = "c";
  consent.fields = {"a", "b"};
  consent.flag_field = "f";
  consent.redacted_at_field = "t";
  ferry::RedactionRule removal;
  removal.fields = {"b", "d"};
  removal.mode = ferry::RedactMode::remove;
  return {consent, removal};
}

// Nested paths in every mode under a consent field (the paths fast path; short keys, so that
// mutated inputs hit them): an hmac of an object or array sends the record to the DOM.
std::vector<ferry::RedactionRule> path_rules() {
  ferry::RedactionRule nested;
  nested.consent_field = "c";
  nested.fields = {"a.b", "b[*].a", "d[*][*]"};
  nested.flag_field = "f";
  ferry::RedactionRule hashed;
  hashed.fields = {"a", "b.a", "d[*]"};
  hashed.mode = ferry::RedactMode::hmac;
  hashed.hmac_key = "fuzz-hmac-key-0123456789abcdef";
  hashed.redacted_at_field = "t";
  ferry::RedactionRule removal;
  removal.fields = {"a.b.a", "b", "d.a"};
  removal.mode = ferry::RedactMode::remove;
  return {nested, hashed, removal};
}

// Every member and element through the DOM, in document order, a container before its contents:
// its value minified, and the member's key (nullptr for an element).
struct DomItem {
  std::string value;
  std::string_view key;
  bool member;
};
void dom_items(simdjson::dom::element element, std::vector<DomItem>& out) {
  simdjson::dom::object object;
  simdjson::dom::array array;
  if (element.get_object().get(object) == simdjson::SUCCESS) {
    for (auto field : object) {
      out.push_back(DomItem{simdjson::minify(field.value), field.key, true});
      dom_items(field.value, out);
    }
  } else if (element.get_array().get(array) == simdjson::SUCCESS) {
    for (auto item : array) {
      out.push_back(DomItem{simdjson::minify(item), {}, false});
      dom_items(item, out);
    }
  }
}

// A Redactor on the fast path and one sending every record through the DOM.
struct RedactorPair {
  explicit RedactorPair(const std::vector<ferry::RedactionRule>& rules)
      : fast(rules, &fixed_now), dom(rules, &fixed_now) {
    dom.set_fast_path(false);
  }
  ferry::Redactor fast;
  ferry::Redactor dom;
};

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
  // The top-level members: the DOM's, in order, each value's span holding that value.
  static ferry::ScannedRecord members;
  FERRY_ASSERT(ferry::scan_json_record(record, members, ferry::ScanLists::members));
  FERRY_ASSERT(members.strings.empty());
  const simdjson::dom::object object = root.get_object().value_unsafe();
  FERRY_ASSERT(members.top_keys.size() == object.size());
  static simdjson::dom::parser value_parser;
  size_t k = 0;
  for (const simdjson::dom::key_value_pair field : object) {
    const ferry::ScannedKey& key = members.top_keys[k++];
    const std::string_view bytes = record.substr(key.begin, key.end - key.begin);
    FERRY_ASSERT(key.escaped || bytes == field.key);
    const std::string_view value = record.substr(key.value_begin, key.value_end - key.value_begin);
    simdjson::dom::element parsed;
    FERRY_ASSERT(value_parser.parse(value.data(), value.size(), true).get(parsed) ==
                 simdjson::SUCCESS);
    FERRY_ASSERT(simdjson::minify(parsed) == simdjson::minify(field.value));
  }
  // Every member and element: the DOM's, in order, with its key, each value's span holding it.
  static ferry::ScannedRecord items;
  static std::vector<DomItem> expected_items;
  FERRY_ASSERT(ferry::scan_json_record(record, items, ferry::ScanLists::items));
  expected_items.clear();
  dom_items(root, expected_items);
  FERRY_ASSERT(items.items.size() == expected_items.size());
  for (size_t i = 0; i < expected_items.size(); ++i) {
    const ferry::ScannedItem& item = items.items[i];
    FERRY_ASSERT(item.next > i && item.next <= items.items.size());
    FERRY_ASSERT((item.key_end != 0) == expected_items[i].member);
    if (expected_items[i].member) {
      const std::string_view key = record.substr(item.key_begin, item.key_end - item.key_begin);
      FERRY_ASSERT(key.find('\\') != std::string_view::npos || key == expected_items[i].key);
    }
    const std::string_view value =
        record.substr(item.value_begin, item.value_end - item.value_begin);
    simdjson::dom::element parsed;
    FERRY_ASSERT(value_parser.parse(value.data(), value.size(), true).get(parsed) ==
                 simdjson::SUCCESS);
    FERRY_ASSERT(simdjson::minify(parsed) == expected_items[i].value);
  }
}

void check_redactors(std::string_view record, RedactorPair& pair) {
  ferry::Redactor& fast = pair.fast;
  ferry::Redactor& dom = pair.dom;
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
  static RedactorPair patterns(pattern_rules());
  static RedactorPair members(member_rules());
  static RedactorPair paths(path_rules());
  check_scan(record);
  check_redactors(record, patterns);
  check_redactors(record, members);
  check_redactors(record, paths);
  return 0;
}
