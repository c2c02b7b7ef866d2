// Redactor's fast paths. Rules that only rewrite string values (pattern rules over every string,
// without consent) need no DOM: one scan (core/json/json_record_scan) validates the record and
// lists its strings, each rule rewrites them in document order exactly as apply_patterns() would,
// and splice() writes the result. Records the scan is unsure of, and records whose top level
// already holds a rule's flag or time field (a value the rule would overwrite), take the DOM
// path, which decides them.
// Rules whose fields are all top-level keys, replaced or removed (the consent rule of the seed
// corpus), need only the top-level members: a scan that validates the record like the DOM and
// lists each member's key and value span stands in for the DOM's members, and the rules then
// run exactly as on the DOM path. Records the scan is unsure of, or with an escaped top-level
// key (compared decoded), take the DOM path.
#include <cstring>

#include "core/redact/redactor.hpp"

namespace ferry {

bool Redactor::scanned_keys_are_reserved() const {
  for (const ScannedKey& key : scanned_.top_keys) {
    if (key.escaped) return true;  // could be any of them once decoded
    const size_t size = key.end - key.begin;
    for (const std::string& reserved : reserved_keys_) {
      if (reserved.size() == size &&
          std::memcmp(reserved.data(), record_.data() + key.begin, size) == 0)
        return true;
    }
  }
  return false;
}

// What a reader decodes from a scanned string that no rule has changed yet.
std::string_view Redactor::scanned_text(const ScannedString& string) {
  const std::string_view quoted = record_.substr(string.begin, string.end - string.begin);
  if ((string.flags & ScannedString::kEscaped) == 0) return quoted.substr(1, quoted.size() - 2);
  decode_scanned_string(quoted, decoded_);
  return decoded_;
}

bool Redactor::scan_members(std::string_view record) {
  if (!scan_json_record(record, scanned_, ScanStrings::no)) return false;
  start_record(record);
  for (const ScannedKey& key : scanned_.top_keys) {
    if (key.escaped) return false;  // compared unescaped: the DOM decodes it
    const std::string_view value = record.substr(key.value_begin, key.value_end - key.value_begin);
    // Filled in place: a temporary's byte-sized field read back as a whole vector stalls the
    // store-to-load forwarding (it was most of this loop's time).
    Member& member = members_.emplace_back();
    member.key = record.substr(key.begin, key.end - key.begin);
    member.original_is_true = value == "true";
    member.item_begin = key.begin - 1;  // the key's opening quote starts the member
    member.value_begin = key.value_begin;
    member.value_end = key.value_end;
  }
  use_scanned_layout();
  spans_scanned_ = true;
  return true;
}

void Redactor::use_scanned_layout() {
  top_members_ = scanned_.top_keys.size();
  open_brace_ = scanned_.open_brace;
  close_brace_ = scanned_.close_brace;
  last_value_end_ = scanned_.last_value_end;
}

std::optional<RedactOutcome> Redactor::process_scanned(std::string_view record, std::string& out) {
  if (!scan_json_record(record, scanned_)) return std::nullopt;
  start_record(record);
  if (!reserved_keys_.empty() && scanned_keys_are_reserved()) return std::nullopt;
  use_scanned_layout();
  bool applied = false;
  for (uint32_t r = 0; r < rules_.size(); ++r) {
    // A built-in match starts at a digit, '@' or '+'; a string without one has none (decoding
    // the scan's escapes makes none of them either). Custom expressions see every string.
    const bool builtins_only = rules_[r].patterns->builtins_only();
    patterns_changed_ = false;
    for (const ScannedString& string : scanned_.strings) {
      NewValue rewritten;
      // Only an earlier rule can have changed it (each rule visits a string once).
      if (Edit* edit = r == 0 ? nullptr : find_edit(string.begin)) {
        // An earlier rule rewrote it: scan what a reader would decode now (a copy, because
        // rewriting appends to the buffer the text lives in).
        current_scratch_.assign(text_of(edit->value));
        if (rewrite(r, current_scratch_, rewritten)) edit->value = rewritten;
        continue;
      }
      uint8_t possible = PatternSet::kAnyBuiltin;
      if (builtins_only) {
        if ((string.flags & ScannedString::kPatternStart) == 0) continue;
        if ((string.flags & ScannedString::kBitsComplete) != 0) {
          // The scan saw every byte of the text: narrow the built-ins without looking again.
          possible = possible_builtins(scanned_text(string), string.bits, kAllBuiltins);
          if (possible == 0) continue;
        }
      }
      if (rewrite(r, scanned_text(string), rewritten, possible)) {
        edits_.push_back(
            Edit{string.item_begin, string.begin, string.end, string.container, rewritten});
      }
    }
    if (!patterns_changed_) continue;  // nothing matched: the record is as it was
    applied = true;
    ++audit_[r].records;
    finish_rule(r);
  }
  if (!applied) {
    out.append(record);
    out.push_back('\n');
    return RedactOutcome::passed;
  }
  splice(out);
  return RedactOutcome::redacted;
}

}  // namespace ferry
