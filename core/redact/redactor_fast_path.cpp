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
// Other rules without patterns (nested paths, [*], hmac) follow their paths through a scan that
// lists every member and element instead of the DOM. Records the scan is unsure of, with an
// escaped key at any depth, or where an hmac covers an object or array (whose text is simdjson's
// minified form) take the DOM path.
#include <cstring>

#include "core/redact/redactor.hpp"

namespace ferry {

bool Redactor::scanned_keys_are_reserved() const {
  // Most records have no top-level key of a reserved key's size.
  if ((scanned_.top_key_sizes & reserved_key_sizes_) == 0) return false;
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

namespace {

// What a reader decodes from the scanned string `quoted` (quotes included), in `decoded` if it
// holds an escape.
std::string_view text_of_quoted(std::string_view quoted, bool escaped, std::string& decoded) {
  if (!escaped) return quoted.substr(1, quoted.size() - 2);
  decode_scanned_string(quoted, decoded);
  return decoded;
}

}  // namespace

// What a reader decodes from a scanned string that no rule has changed yet.
std::string_view Redactor::scanned_text(const ScannedString& string) {
  return text_of_quoted(record_.substr(string.begin, string.end - string.begin),
                        (string.flags & ScannedString::kEscaped) != 0, decoded_);
}

std::string_view Redactor::text_of(const ScannedItem& item) {
  const std::string_view value =
      record_.substr(item.value_begin, item.value_end - item.value_begin);
  switch (item.kind) {
    case ScannedItem::Kind::string: return text_of_quoted(value, item.escaped, decoded_);
    case ScannedItem::Kind::other: return value;  // a number or literal as written, as the DOM's
    case ScannedItem::Kind::object:
    case ScannedItem::Kind::array: break;
  }
  needs_dom_ = true;
  return {};
}

bool Redactor::scan_members(std::string_view record, ScanLists lists) {
  if (!scan_json_record(record, scanned_, lists)) return false;
  if (scanned_.escaped_keys) return false;  // compared unescaped: the DOM decodes them
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
    member.item = key.item;
  }
  use_scanned_layout();
  spans_scanned_ = true;
  items_scanned_ = lists == ScanLists::items;
  return true;
}

std::optional<RedactOutcome> Redactor::apply_scanned(std::string& out) {
  audit_before_.assign(audit_.begin(), audit_.end());
  needs_dom_ = false;
  const bool applied = apply_rules();
  if (needs_dom_) {
    audit_.assign(audit_before_.begin(), audit_before_.end());  // the DOM path counts it again
    return std::nullopt;
  }
  return write(applied, out);
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
      const byte_blocks::TextBits* bits = nullptr;
      if (builtins_only && (string.flags & ScannedString::kPatternStart) == 0) continue;
      // Decoded once (an escaped string into decoded_), for the narrowing and the rewrite.
      const std::string_view text = scanned_text(string);
      if (builtins_only && (string.flags & ScannedString::kBitsComplete) != 0) {
        // The scan saw every byte of the text: narrow the built-ins, and later start the
        // matchers, without looking again.
        possible = possible_builtins(text, string.bits, kAllBuiltins);
        if (possible == 0) continue;
        bits = &string.bits;
      }
      if (rewrite(r, text, rewritten, possible, bits)) {
        edits_.push_back(
            Edit{string.item_begin, string.begin, string.end, string.container, rewritten});
      }
    }
    if (!patterns_changed_) continue;  // nothing matched: the record is as it was
    applied = true;
    ++audit_[r].records;
    finish_rule(r);
  }
  return write(applied, out);
}

}  // namespace ferry
