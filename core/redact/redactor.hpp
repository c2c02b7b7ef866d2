// Redactor: validates one JSON record and redacts the values its rules select, fail-closed.
// One per worker thread: owns a simdjson DOM parser and scratch buffers reused across records.
#pragma once

#include <simdjson.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json/json_record_scan.hpp"
#include "core/json/json_scan.hpp"
#include "core/redact/field_path.hpp"
#include "core/redact/hmac_sha256.hpp"
#include "core/redact/pattern_set.hpp"
#include "core/redact/redaction_rule.hpp"

namespace ferry {

struct RecordOrigin {
  std::string_view file;
  uint64_t offset;
};

// passed: output is the record byte for byte. redacted: at least one rule applied (the record
// did not consent). invalid: the record was replaced by the invalid-record marker.
enum class RedactOutcome { passed, redacted, invalid };

// Semantics (the privacy guarantee; docs/redaction.md is the user's version):
// - No rules: records pass byte for byte, unparsed.
// - With rules, a record that simdjson's DOM parser rejects (invalid JSON or UTF-8, numbers
//   outside the 64-bit integer / double range, nesting deeper than 1024) or whose top level is
//   not an object becomes exactly
//   {"ferry_invalid_record":true,"ferry_file":"<file>","ferry_offset":<n>,"ferry_length":<bytes>}
//   (core/redact/invalid_record_marker.hpp; invalid UTF-8 in the file name is replaced by U+FFFD);
//   none of its bytes are kept. The
//   exception: when every rule is a pattern rule over every string without consent, flag or
//   time field, such a line is text and gets each rule's pattern matches replaced in its bytes.
// - Rules apply in order, each to the result of the previous ones. A record consents to a rule
//   iff its consent field occurs at the top level and every occurrence is the literal `true`;
//   an empty consent field means the rule always applies. If not consenting: every value that
//   a field path selects (every occurrence of each key, keys compared unescaped; `[*]` every
//   array element; a step that meets anything but an object / array selects nothing) is
//   replaced by the replacement string, by the hex HMAC of its text, or removed with its key;
//   then every top-level occurrence of the flag field gets `true` and of the redacted-at field
//   the time, or the member is appended after the last member if there is none.
// - The output is the original bytes with only those spans changed, plus '\n'.
class Redactor {
 public:
  using Clock = std::chrono::system_clock::time_point (*)();

  // `clock` gives the time written into redactedAtField (tests fix it).
  explicit Redactor(std::vector<RedactionRule> rules,
                    Clock clock = &std::chrono::system_clock::now);

  bool has_rules() const { return !rules_.empty(); }
  // Whether lines that are not JSON objects get the patterns applied to their bytes instead of
  // becoming the invalid-record marker (see the constructor for when).
  bool scans_raw_lines() const { return raw_lines_; }

  // Appends the processed record followed by '\n' to `out`.
  RedactOutcome process(std::string_view record, const RecordOrigin& origin, std::string& out);

  // Adds what each rule did since the last call to `into[rule]` (resized to the rule count
  // if smaller) and starts counting again.
  void take_audit(std::vector<RuleAudit>& into);

  // Appends the invalid-record marker for `record` (and '\n') without looking at its bytes:
  // for records known to be unsafe to parse on their own, such as a piece of an over-long line.
  void append_invalid_marker(std::string_view record, const RecordOrigin& origin, std::string& out);

  // Whether records may take a fast path (core/redact/redactor_fast_path.cpp) when the rules allow
  // it; on by default. Off, every record goes through the DOM: tests and the fuzz target
  // compare the two, which must agree byte for byte.
  void set_fast_path(bool on) { fast_path_ = on ? fast_path_rules_ : FastPath::none; }

 private:
  // A rule with its paths parsed and its JSON spellings prepared once.
  struct PreparedRule {
    RedactionRule rule;
    std::vector<FieldPath> paths;
    HmacSha256 hmac;
    std::optional<PatternSet> patterns;  // pattern rules
    std::string replacement_json;        // the replacement as a JSON string literal
    std::string flag_key_json;           // the flag field as a JSON string literal
    std::string redacted_at_key_json;    // the redacted-at field as a JSON string literal
  };
  // What a value has become, as rules are applied in order.
  // rewritten: a string whose pattern matches a rule replaced; its decoded text is in
  // rewritten_[text_begin, text_begin + text_size).
  enum class Action : uint8_t { replace, hmac, remove, flag_true, timestamp, rewritten };
  struct NewValue {
    Action action;
    uint32_t rule;        // whose replacement (replace)
    HmacSha256::Hex hex;  // (hmac)
    size_t text_begin = 0;
    size_t text_size = 0;
  };
  // A value of the original bytes that a rule changed; one per value span (later rules
  // overwrite it in place), possibly inside another edit's span (the outer one wins).
  struct Edit {
    size_t item_begin;  // the member's key, or the array element
    size_t value_begin;
    size_t value_end;
    size_t container;  // offset of the enclosing '{' or '['
    NewValue value;
  };
  struct Member {                  // an original top-level member
    std::string_view key;          // unescaped (DOM)
    simdjson::dom::element value;  // none on the fast paths (they never read it)
    bool original_is_true = false;
    size_t item_begin = 0;  // spans: by scan_top_level() once a rule applies, or scan_members()
    size_t value_begin = 0;
    size_t value_end = 0;
    uint32_t item = 0;  // the paths fast path: its index in scanned_.items
  };
  struct Appended {  // a flag or redacted-at member that is not in the original bytes
    std::string_view key;
    const std::string* key_json;
    NewValue value;
  };
  struct Op {  // one change to the original bytes, for splice()
    size_t begin;
    size_t end;
    const NewValue* value;  // nullptr: delete the span
  };

  // Which fast path the rules allow. strings: every rule rewrites string values only (pattern
  // rules over every string without consent). members: every rule's fields are top-level keys,
  // replaced or removed (no patterns, no hmac), with or without consent. paths: no rule has
  // patterns (any field paths, any mode, with or without consent).
  enum class FastPath : uint8_t { none, strings, members, paths };

  bool parse(std::string_view record);
  // The strings fast path: one validating scan instead of the DOM; nothing when the scan is
  // unsure or the record needs the DOM path.
  std::optional<RedactOutcome> process_scanned(std::string_view record, std::string& out);
  // The members and paths fast paths: fill members_ (and their spans) from one validating scan
  // instead of the DOM, listing every item too for the paths; false when the scan is unsure or a
  // key it must compare (a top-level one; with the items, any) is escaped.
  bool scan_members(std::string_view record, ScanLists lists);
  // The paths fast path: applies the rules to the scanned items; nothing when a rule needs the
  // DOM after all (the hmac of an object or array: its minified text).
  std::optional<RedactOutcome> apply_scanned(std::string& out);
  // Takes the top-level object's member count and brace and value offsets from scanned_.
  void use_scanned_layout();
  // Applies the rules to the parsed (or scanned) record and writes the result.
  RedactOutcome apply_and_write(std::string& out);
  // Writes the record: as it was, or with the rules' changes when `applied`.
  RedactOutcome write(bool applied, std::string& out);
  // Whether a top-level key of the scanned record is (or, escaped, may be) a rule's flag or
  // time field.
  bool scanned_keys_are_reserved() const;
  std::string_view scanned_text(const ScannedString& string);
  void start_record(std::string_view record);
  void finish_rule(uint32_t rule);
  RedactOutcome process_raw(std::string_view record, std::string& out);
  bool consents(std::string_view consent_field) const;
  bool apply_rules();
  void scan_top_level();
  // Calls leaf(value, item, container) for every value `path` selects; a step into a value
  // some rule already changed (removed, or now a string) selects nothing.
  template <class Leaf>
  void follow_top_level(const FieldPath& path, Leaf& leaf);
  template <class Leaf>
  void follow_path(const FieldPath& path, size_t step, simdjson::dom::element value,
                   const json_scan::Item& item, size_t container, Leaf& leaf);
  void apply_path(uint32_t rule, const FieldPath& path);
  // follow_path over scanned_.items, from the item at `index` (selected by path[0, step)),
  // redacting what the path selects for rule `rule`.
  void redact_scanned(uint32_t rule, const FieldPath& path, size_t step, uint32_t index);
  // `original_text()` gives the value's text for an hmac, when it is needed.
  template <class OriginalText>
  void redact_value(uint32_t rule, const json_scan::Item& item, size_t container,
                    OriginalText&& original_text);
  bool apply_patterns(uint32_t rule);
  void scan_strings(uint32_t rule, simdjson::dom::element value, const json_scan::Item& item,
                    size_t container);
  // `possible` and `bits`: what PatternSet::find may be told about `text`, if known.
  bool rewrite(uint32_t rule, std::string_view text, NewValue& value,
               uint8_t possible = PatternSet::kAnyBuiltin,
               const byte_blocks::TextBits* bits = nullptr);
  Edit* find_edit(size_t value_begin);
  const Edit* find_edit(size_t value_begin) const;
  NewValue redacted_value(uint32_t rule, std::string_view current_text) const;
  std::string_view text_of(const NewValue& value) const;
  std::string_view text_of(simdjson::dom::element value, size_t begin, size_t end);
  // The same for a scanned item; an object or array sets needs_dom_ (nothing is returned).
  std::string_view text_of(const ScannedItem& item);
  void set_top_level(std::string_view key, const std::string* key_json, NewValue value);
  void splice(std::string& out);
  void plan_removals(size_t begin, size_t end);
  void plan_ops(size_t begin, size_t end);
  size_t apply_ops(size_t begin, size_t end, std::string& out) const;
  void append_value(const NewValue& value, std::string& out) const;
  const std::string& timestamp_json();

  std::vector<PreparedRule> rules_;
  std::vector<RuleAudit> audit_;  // by rule, since the last take_audit()
  Clock clock_;
  bool raw_lines_ = false;
  bool parsed_json_ = false;                   // the current record is valid JSON (of any type)
  FastPath fast_path_rules_ = FastPath::none;  // what the rules allow
  FastPath fast_path_ = FastPath::none;        // what records take (none: set_fast_path(false))
  ScannedRecord scanned_;
  std::vector<std::string> reserved_keys_;  // the rules' flag and time fields
  uint64_t reserved_key_sizes_ = 0;         // their sizes, as ScannedRecord::top_key_sizes
  std::string decoded_;                     // a scanned string's decoded text
  std::string raw_scratch_;                 // a raw line between pattern rules
  simdjson::dom::parser parser_;
  std::unique_ptr<char[]> padded_;  // record copy with SIMDJSON_PADDING readable bytes after it
  size_t padded_capacity_ = 0;
  // The current record.
  std::string_view record_;
  std::vector<Member> members_;  // the DOM path's; empty on the fast path
  size_t top_members_ = 0;       // how many members the top-level object has
  bool spans_scanned_ = false;
  bool items_scanned_ = false;           // the paths fast path: members_ have their scanned items
  bool needs_dom_ = false;               // the paths fast path met what only the DOM path can do
  std::vector<RuleAudit> audit_before_;  // audit_ before the paths fast path tried a record
  size_t open_brace_ = 0;                // offset of the top-level '{'
  size_t close_brace_ = 0;               // offset of the top-level '}'
  size_t last_value_end_ = 0;            // end of the last original member's value (0: none)
  std::vector<Edit> edits_;
  std::vector<Appended> appended_;
  std::string timestamp_json_;     // "<time>" of the current record, empty until needed
  std::string rewritten_;          // decoded texts of strings pattern rules rewrote
  bool patterns_changed_ = false;  // the current pattern rule replaced a match
  // Scratch reused across records.
  std::vector<Op> ops_;
  std::vector<const Edit*> removals_;
  std::string text_scratch_;             // a value's text for the HMAC
  simdjson::dom::parser nested_parser_;  // re-reads an hmac'd container edited inside
  std::string file_scratch_;             // file name with invalid UTF-8 repaired
  std::vector<MatchSpan> spans_;
  std::string current_scratch_;  // an edited string's text while it is rescanned
  bool top_survivors_ = false;   // whether any original top-level member is kept
};

}  // namespace ferry
