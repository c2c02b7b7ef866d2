// Redactor: validates one JSON record and redacts protected top-level fields, fail-closed.
// One per worker thread: owns a simdjson DOM parser and scratch buffers reused across records.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/redaction_rule.hpp"

namespace ferry {

struct RecordOrigin {
  std::string_view file;
  uint64_t offset;
};

// passed: output is the record byte for byte. redacted: at least one rule applied (the record
// did not consent). invalid: the record was replaced by the invalid-record marker.
enum class RedactOutcome { passed, redacted, invalid };

// Semantics (the privacy guarantee):
// - No rules: records pass byte for byte, unparsed.
// - With rules, a record that simdjson's DOM parser rejects (invalid JSON or UTF-8, numbers
//   outside the 64-bit integer / double range, nesting deeper than 1024) or whose top level is
//   not an object becomes exactly
//   {"ferry_invalid_record":true,"file":"<file>","offset":<n>,"length":<bytes>}
//   (invalid UTF-8 in the file name is replaced by U+FFFD); none of its bytes are kept.
// - Rules apply in order, each to the result of the previous ones. A record consents to a rule
//   iff its consent field occurs at the top level and every occurrence is the literal `true`;
//   an empty consent field means the rule always applies. If not consenting: every occurrence of
//   every listed top-level field (keys compared unescaped) gets the replacement as a JSON string,
//   then every occurrence of the flag field gets `true`, or `"<flag>":true` is appended after
//   the last member if there is none.
// - The output is the original bytes with only those value spans changed, plus '\n'.
class Redactor {
 public:
  explicit Redactor(std::vector<RedactionRule> rules);

  bool has_rules() const { return !rules_.empty(); }

  // Appends the processed record followed by '\n' to `out`.
  RedactOutcome process(std::string_view record, const RecordOrigin& origin, std::string& out);

  // Appends the invalid-record marker for `record` (and '\n') without looking at its bytes:
  // for records known to be unsafe to parse on their own, such as a piece of an over-long line.
  void append_invalid_marker(std::string_view record, const RecordOrigin& origin, std::string& out);

 private:
  // A rule with its JSON spellings prepared once.
  struct PreparedRule {
    RedactionRule rule;
    std::string replacement_json;  // the replacement as a JSON string literal
    std::string flag_key_json;     // the flag field as a JSON string literal
  };
  // What a top-level member's value currently is, as rules are applied in order.
  enum class ValueState : uint8_t { original, replaced, flag_true };
  struct Member {
    std::string_view key;  // unescaped (DOM) or, for appended flags, the flag name
    bool original_is_true;
    ValueState state;
    bool appended;       // a flag member that is not in the original bytes
    size_t replaced_by;  // the rule whose replacement the value holds (state replaced)
    size_t appended_by;  // the rule whose flag this is (appended members)
    size_t value_begin;  // value span in the original bytes (original members only)
    size_t value_end;
  };

  bool parse(std::string_view record);
  bool consents(std::string_view consent_field) const;
  bool apply_rules();
  void scan_value_spans(std::string_view record);
  void splice(std::string_view record, std::string& out) const;
  void append_value(const Member& member, std::string& out) const;

  std::vector<PreparedRule> rules_;
  simdjson::dom::parser parser_;
  std::unique_ptr<char[]> padded_;  // record copy with SIMDJSON_PADDING readable bytes after it
  size_t padded_capacity_ = 0;
  std::vector<Member> members_;  // top-level members of the current record, in order
  size_t original_members_ = 0;  // members_ before the appended flags
  size_t close_brace_ = 0;       // offset of the top-level '}' in the current record
  size_t last_value_end_ = 0;    // end of the last original member's value (0: none)
  std::string file_scratch_;     // file name with invalid UTF-8 repaired
};

}  // namespace ferry
