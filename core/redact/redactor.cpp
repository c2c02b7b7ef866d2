// Redactor: DOM-validates a record, decides consent per rule, follows field paths through the
// DOM and the bytes in step, and splices the changed values into the original bytes.
#include "core/redact/redactor.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <ctime>

#include "core/assert.hpp"
#include "core/json/utf8.hpp"
#include "core/redact/invalid_record_marker.hpp"
#include "core/text.hpp"

namespace ferry {

namespace {

using json_scan::Item;
using json_scan::skip_string;
using json_scan::skip_value;
using json_scan::skip_whitespace;

void append_decimal(std::string& out, uint64_t value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, result.ptr);
}

// "2026-11-24T04:01:38.123Z" with the quotes, into `out` (replaced).
void format_utc_json(std::chrono::system_clock::time_point now, std::string& out) {
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  const size_t size = std::strftime(text, sizeof text, "\"%Y-%m-%dT%H:%M:%S", &utc);
  FERRY_ASSERT(size > 0);
  out.assign(text, size);
  const auto ms = static_cast<unsigned>(millis % 1000);
  out.push_back('.');
  out.push_back(static_cast<char>('0' + ms / 100));
  out.push_back(static_cast<char>('0' + ms / 10 % 10));
  out.push_back(static_cast<char>('0' + ms % 10));
  out.append("Z\"");
}

}  // namespace

Redactor::Redactor(std::vector<RedactionRule> rules, Clock clock) : clock_(clock) {
  rules_.reserve(rules.size());
  for (auto& rule : rules) {
    // These strings are written into the output; invalid UTF-8 there would make it invalid
    // JSON. Config validation rejects such rules, so reaching here with one is a bug.
    FERRY_ASSERT(simdjson::validate_utf8(rule.replacement.data(), rule.replacement.size()));
    FERRY_ASSERT(simdjson::validate_utf8(rule.flag_field.data(), rule.flag_field.size()));
    FERRY_ASSERT(
        simdjson::validate_utf8(rule.redacted_at_field.data(), rule.redacted_at_field.size()));
    PreparedRule prepared;
    for (const std::string& field : rule.fields) {
      Result<FieldPath> path = parse_field_path(field);
      FERRY_ASSERT(path.ok());  // validated by the configuration
      std::optional<FieldPath> literal = dotted_key_path(*path);
      prepared.paths.push_back(std::move(path).value());
      if (literal) prepared.paths.push_back(std::move(*literal));
    }
    if (rule.mode == RedactMode::hmac) prepared.hmac = HmacSha256(rule.hmac_key);
    if (!rule.patterns.empty()) {
      Result<PatternSet> patterns = PatternSet::compile(rule.patterns);
      FERRY_ASSERT(patterns.ok());  // validated by the configuration
      FERRY_ASSERT(rule.mode != RedactMode::remove);
      prepared.patterns.emplace(std::move(patterns).value());
    }
    append_json_string(prepared.replacement_json, rule.replacement);
    append_json_string(prepared.flag_key_json, rule.flag_field);
    append_json_string(prepared.redacted_at_key_json, rule.redacted_at_field);
    prepared.rule = std::move(rule);
    rules_.push_back(std::move(prepared));
  }
  audit_.resize(rules_.size());
  // Raw lines are scanned only when no rule needs the JSON structure (a consent, a path, a flag
  // or a time), and no replacement could break the line in two.
  raw_lines_ = !rules_.empty();
  for (const PreparedRule& prepared : rules_) {
    const RedactionRule& rule = prepared.rule;
    const bool text_only = !rule.patterns.empty() && rule.every_string && rule.fields.empty() &&
                           rule.consent_field.empty() && rule.flag_field.empty() &&
                           rule.redacted_at_field.empty() &&
                           rule.replacement.find_first_of("\r\n") == std::string::npos;
    raw_lines_ = raw_lines_ && text_only;
  }
  bool strings_only = !rules_.empty();
  bool top_level_members = !rules_.empty();
  bool no_patterns = !rules_.empty();
  for (const PreparedRule& prepared : rules_) {
    const RedactionRule& rule = prepared.rule;
    strings_only = strings_only && prepared.patterns && rule.every_string &&
                   prepared.paths.empty() && rule.consent_field.empty();
    no_patterns = no_patterns && !prepared.patterns;
    top_level_members = top_level_members && !prepared.patterns && rule.mode != RedactMode::hmac &&
                        std::all_of(prepared.paths.begin(), prepared.paths.end(),
                                    [](const FieldPath& path) { return path.size() == 1; });
    for (const std::string* field : {&rule.flag_field, &rule.redacted_at_field}) {
      if (field->empty()) continue;
      reserved_keys_.push_back(*field);
      reserved_key_sizes_ |= key_size_bit(field->size());
    }
  }
  fast_path_rules_ = strings_only        ? FastPath::strings
                     : top_level_members ? FastPath::members
                     : no_patterns       ? FastPath::paths
                                         : FastPath::none;
  fast_path_ = fast_path_rules_;
}

RedactOutcome Redactor::process(std::string_view record, const RecordOrigin& origin,
                                std::string& out) {
  if (rules_.empty()) {
    out.append(record);
    out.push_back('\n');
    return RedactOutcome::passed;
  }
  if (fast_path_ == FastPath::strings) {
    if (const std::optional<RedactOutcome> outcome = process_scanned(record, out)) return *outcome;
  }
  if (fast_path_ == FastPath::members && scan_members(record, ScanLists::members)) {
    return apply_and_write(out);
  }
  if (fast_path_ == FastPath::paths && scan_members(record, ScanLists::items)) {
    if (const std::optional<RedactOutcome> outcome = apply_scanned(out)) return *outcome;
  }
  if (!parse(record)) {
    // Valid JSON that is not an object (an array, a string) is not text: it could hide a
    // secret behind escapes that a byte scan would not decode.
    if (raw_lines_ && !parsed_json_) return process_raw(record, out);
    append_invalid_marker(record, origin, out);
    return RedactOutcome::invalid;
  }
  return apply_and_write(out);
}

RedactOutcome Redactor::apply_and_write(std::string& out) {
  return write(apply_rules(), out);
}

RedactOutcome Redactor::write(bool applied, std::string& out) {
  if (!applied) {
    out.append(record_);
    out.push_back('\n');
    return RedactOutcome::passed;
  }
  splice(out);
  return RedactOutcome::redacted;
}

// A line that is not a JSON object, in a flow whose rules are all patterns over every string
// with nothing that needs JSON structure: a text log line. Each rule's matches are replaced in
// the bytes as they are, in rule order.
RedactOutcome Redactor::process_raw(std::string_view record, std::string& out) {
  bool changed = false;
  raw_scratch_.assign(record);
  for (uint32_t r = 0; r < rules_.size(); ++r) {
    rewritten_.clear();
    NewValue value;
    if (!rewrite(r, raw_scratch_, value)) continue;
    changed = true;
    ++audit_[r].records;
    raw_scratch_.assign(rewritten_, value.text_begin, value.text_size);
  }
  out.append(raw_scratch_);
  out.push_back('\n');
  return changed ? RedactOutcome::redacted : RedactOutcome::passed;
}

// The DOM parser validates the whole record (structure, UTF-8, escapes, number ranges). What it
// rejects is invalid for ferry too, fail-closed: e.g. 1e400 or 123456789012345678901234567890
// (outside double / 64-bit integer range) and nesting deeper than 1024 make a record invalid.
bool Redactor::parse(std::string_view record) {
  const size_t needed = record.size() + simdjson::SIMDJSON_PADDING;
  if (padded_capacity_ < needed) {
    padded_capacity_ = std::max(needed, 2 * padded_capacity_);
    padded_ = std::make_unique_for_overwrite<char[]>(padded_capacity_);
  }
  if (!record.empty()) std::memcpy(padded_.get(), record.data(), record.size());

  simdjson::dom::element root;
  parsed_json_ = false;
  if (parser_.parse(padded_.get(), record.size(), false).get(root) != simdjson::SUCCESS) {
    return false;
  }
  parsed_json_ = true;
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) return false;

  // DOM iteration keeps document order and duplicate keys, and yields unescaped keys.
  start_record(record);
  for (const simdjson::dom::key_value_pair field : object) {
    bool value = false;
    // Filled in place, as scan_members() does (a copied temporary stalls on its bool).
    Member& member = members_.emplace_back();
    member.key = field.key;
    member.value = field.value;
    member.original_is_true = field.value.get_bool().get(value) == simdjson::SUCCESS && value;
  }
  top_members_ = members_.size();
  return true;
}

void Redactor::start_record(std::string_view record) {
  record_ = record;
  members_.clear();
  top_members_ = 0;
  edits_.clear();
  appended_.clear();
  timestamp_json_.clear();
  rewritten_.clear();
  spans_scanned_ = false;
  items_scanned_ = false;
}

Redactor::Edit* Redactor::find_edit(size_t value_begin) {
  for (Edit& edit : edits_) {
    if (edit.value_begin == value_begin) return &edit;
  }
  return nullptr;
}

const Redactor::Edit* Redactor::find_edit(size_t value_begin) const {
  for (const Edit& edit : edits_) {
    if (edit.value_begin == value_begin) return &edit;
  }
  return nullptr;
}

bool Redactor::consents(std::string_view consent_field) const {
  if (consent_field.empty()) return false;
  bool present = false;
  for (const Member& member : members_) {
    if (member.key != consent_field) continue;
    const Edit* edit = spans_scanned_ ? find_edit(member.value_begin) : nullptr;
    if (edit != nullptr && edit->value.action == Action::remove) continue;
    present = true;
    const bool is_true =
        edit != nullptr ? edit->value.action == Action::flag_true : member.original_is_true;
    if (!is_true) return false;  // any occurrence that is not `true` withholds consent
  }
  for (const Appended& member : appended_) {
    if (member.key != consent_field) continue;
    present = true;
    if (member.value.action != Action::flag_true) return false;
  }
  return present;
}

// Applies the rules in order to edits of the current record; returns whether any rule applied.
bool Redactor::apply_rules() {
  bool applied = false;
  for (uint32_t r = 0; r < rules_.size(); ++r) {
    const PreparedRule& prepared = rules_[r];
    const RedactionRule& rule = prepared.rule;
    if (consents(rule.consent_field)) continue;
    if (!spans_scanned_) scan_top_level();
    const uint64_t values_before = audit_[r].values;
    if (prepared.patterns) {
      if (!apply_patterns(r)) continue;  // nothing matched: the record is as it was
    } else {
      for (const FieldPath& path : prepared.paths) apply_path(r, path);
    }
    applied = true;
    if (audit_[r].values != values_before || !rule.flag_field.empty() ||
        !rule.redacted_at_field.empty())
      ++audit_[r].records;
    finish_rule(r);
  }
  return applied;
}

// After rule `rule` applied: its flag and time go last, so that they win over a listed field
// of the same name.
void Redactor::finish_rule(uint32_t rule) {
  const PreparedRule& prepared = rules_[rule];
  if (!prepared.rule.flag_field.empty()) {
    set_top_level(prepared.rule.flag_field, &prepared.flag_key_json,
                  NewValue{Action::flag_true, rule, {}});
  }
  if (!prepared.rule.redacted_at_field.empty()) {
    timestamp_json();  // once per record, before anything reads it
    set_top_level(prepared.rule.redacted_at_field, &prepared.redacted_at_key_json,
                  NewValue{Action::timestamp, rule, {}});
  }
}

// Finds the spans of each original top-level member, in the order the DOM yielded them.
void Redactor::scan_top_level() {
  open_brace_ = skip_whitespace(record_, 0);
  size_t count = 0;
  last_value_end_ = 0;
  close_brace_ = json_scan::for_each_item(record_, open_brace_, [&](const Item& item) {
    FERRY_ASSERT(count < members_.size());
    members_[count].item_begin = item.begin;
    members_[count].value_begin = item.value_begin;
    members_[count].value_end = item.value_end;
    last_value_end_ = item.value_end;
    ++count;
  });
  FERRY_ASSERT(count == members_.size());
  spans_scanned_ = true;
}

template <class Leaf>
void Redactor::follow_top_level(const FieldPath& path, Leaf& leaf) {
  FERRY_ASSERT(!path.empty() && !path[0].any_element);
  for (const Member& member : members_) {
    if (member.key != path[0].key) continue;
    follow_path(path, 1, member.value,
                Item{member.item_begin, member.value_begin, member.value_end}, open_brace_, leaf);
  }
}

// `value` (spans in `item`) is selected by path[0, step); follows the rest of the path through
// the DOM and the bytes in step.
template <class Leaf>
void Redactor::follow_path(const FieldPath& path, size_t step, simdjson::dom::element value,
                           const Item& item, size_t container, Leaf& leaf) {
  if (step == path.size()) {
    leaf(value, item, container);
    return;
  }
  if (find_edit(item.value_begin) != nullptr) return;  // removed, or now a string or `true`
  const PathSegment& segment = path[step];
  if (segment.any_element) {
    simdjson::dom::array array;
    if (value.get_array().get(array) != simdjson::SUCCESS) return;
    auto element = array.begin();
    json_scan::for_each_item(record_, item.value_begin, [&](const Item& inner) {
      FERRY_ASSERT(element != array.end());
      follow_path(path, step + 1, *element, inner, item.value_begin, leaf);
      ++element;
    });
    FERRY_ASSERT(element == array.end());
    return;
  }
  simdjson::dom::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS) return;
  auto member = object.begin();
  json_scan::for_each_item(record_, item.value_begin, [&](const Item& inner) {
    FERRY_ASSERT(member != object.end());
    if (member.key() == segment.key)
      follow_path(path, step + 1, member.value(), inner, item.value_begin, leaf);
    ++member;
  });
  FERRY_ASSERT(member == object.end());
}

void Redactor::apply_path(uint32_t rule, const FieldPath& path) {
  if (items_scanned_) {
    for (const Member& member : members_) {
      if (member.key == path[0].key) redact_scanned(rule, path, 1, member.item);
    }
  } else {
    auto redact = [&](simdjson::dom::element value, const Item& item, size_t container) {
      redact_value(rule, item, container,
                   [&] { return text_of(value, item.value_begin, item.value_end); });
    };
    follow_top_level(path, redact);
  }
  if (path.size() != 1) return;  // appended members hold `true` or a string: nothing inside
  const std::string_view key = path[0].key;
  for (size_t i = 0; i < appended_.size();) {
    Appended& member = appended_[i];
    if (member.key != key || member.value.rule == rule) {
      ++i;
      continue;
    }
    ++audit_[rule].values;
    if (rules_[rule].rule.mode == RedactMode::remove) {
      appended_.erase(appended_.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      member.value = redacted_value(rule, text_of(member.value));
      ++i;
    }
  }
}

// follow_path's steps over the scanned items instead of the DOM and the bytes.
void Redactor::redact_scanned(uint32_t rule, const FieldPath& path, size_t step, uint32_t index) {
  const ScannedItem& item = scanned_.items[index];
  if (step == path.size()) {
    redact_value(rule, Item{item.item_begin, item.value_begin, item.value_end}, item.container,
                 [&] { return text_of(item); });
    return;
  }
  if (find_edit(item.value_begin) != nullptr) return;  // removed, or now a string or `true`
  const PathSegment& segment = path[step];
  if (item.kind != (segment.any_element ? ScannedItem::Kind::array : ScannedItem::Kind::object))
    return;
  for (uint32_t inner = index + 1; inner < item.next; inner = scanned_.items[inner].next) {
    const ScannedItem& child = scanned_.items[inner];
    if (segment.any_element ||
        record_.substr(child.key_begin, child.key_end - child.key_begin) == segment.key)
      redact_scanned(rule, path, step + 1, inner);
  }
}

// A value a path rule selected: replaced, hashed or removed.
template <class OriginalText>
void Redactor::redact_value(uint32_t rule, const Item& item, size_t container,
                            OriginalText&& original_text) {
  Edit* edit = find_edit(item.value_begin);
  if (edit != nullptr && edit->value.action == Action::remove) return;  // gone
  if (edit != nullptr && edit->value.rule == rule) return;              // listed twice in this rule
  if (edit != nullptr) {
    // Redacting a value an earlier rule changed: the new value derives from the current one.
    const std::string_view current = text_of(edit->value);
    edit->value = redacted_value(rule, current);
  } else {
    const std::string_view current =
        rules_[rule].rule.mode == RedactMode::hmac ? original_text() : std::string_view();
    edits_.push_back(Edit{item.begin, item.value_begin, item.value_end, container,
                          redacted_value(rule, current)});
  }
  ++audit_[rule].values;
}

// Pattern rule: scans the string values its fields select (all of them for every_string);
// returns whether any match was replaced.
bool Redactor::apply_patterns(uint32_t rule) {
  patterns_changed_ = false;
  const PreparedRule& prepared = rules_[rule];
  auto scan = [&](simdjson::dom::element value, const Item& item, size_t container) {
    scan_strings(rule, value, item, container);
  };
  if (prepared.rule.every_string) {
    for (const Member& member : members_) {
      scan(member.value, Item{member.item_begin, member.value_begin, member.value_end},
           open_brace_);
    }
  }
  for (const FieldPath& path : prepared.paths) follow_top_level(path, scan);
  return patterns_changed_;
}

// Every string value in `value` (itself, or at any depth inside it), as it currently is.
void Redactor::scan_strings(uint32_t rule, simdjson::dom::element value, const Item& item,
                            size_t container) {
  if (Edit* edit = find_edit(item.value_begin)) {
    if (edit->value.action == Action::remove) return;
    // An earlier rule's result is a string (or `true`): scan what a reader would decode. The
    // copy is needed because rewriting appends to the buffer the text may live in.
    current_scratch_.assign(text_of(edit->value));
    NewValue rewritten;
    if (rewrite(rule, current_scratch_, rewritten)) edit->value = rewritten;
    return;
  }
  const simdjson::dom::element_type type = value.type();
  if (type == simdjson::dom::element_type::STRING) {
    std::string_view text;
    FERRY_ASSERT(value.get_string().get(text) == simdjson::SUCCESS);
    NewValue rewritten;
    if (rewrite(rule, text, rewritten)) {
      edits_.push_back(Edit{item.begin, item.value_begin, item.value_end, container, rewritten});
    }
    return;
  }
  if (type == simdjson::dom::element_type::ARRAY) {
    const simdjson::dom::array array = value.get_array().value_unsafe();
    auto element = array.begin();
    json_scan::for_each_item(record_, item.value_begin, [&](const Item& inner) {
      scan_strings(rule, *element, inner, item.value_begin);
      ++element;
    });
  } else if (type == simdjson::dom::element_type::OBJECT) {
    const simdjson::dom::object object = value.get_object().value_unsafe();
    auto member = object.begin();
    json_scan::for_each_item(record_, item.value_begin, [&](const Item& inner) {
      scan_strings(rule, member.value(), inner, item.value_begin);
      ++member;
    });
  }
}

// Writes `text` with each match replaced into rewritten_; false (and nothing written) when
// there is no match.
bool Redactor::rewrite(uint32_t rule, std::string_view text, NewValue& value, uint8_t possible,
                       const byte_blocks::TextBits* bits) {
  PreparedRule& prepared = rules_[rule];
  prepared.patterns->find(text, spans_, possible, bits);
  if (spans_.empty()) return false;
  value = NewValue{Action::rewritten, rule, {}, rewritten_.size(), 0};
  size_t cursor = 0;
  for (const MatchSpan& span : spans_) {
    rewritten_.append(text.substr(cursor, span.begin - cursor));
    if (prepared.rule.mode == RedactMode::hmac) {
      const HmacSha256::Hex hex = prepared.hmac.hex(text.substr(span.begin, span.end - span.begin));
      rewritten_.append(hex.data(), hex.size());
    } else {
      rewritten_.append(prepared.rule.replacement);
    }
    cursor = span.end;
  }
  rewritten_.append(text.substr(cursor));
  value.text_size = rewritten_.size() - value.text_begin;
  audit_[rule].values += spans_.size();
  patterns_changed_ = true;
  return true;
}

Redactor::NewValue Redactor::redacted_value(uint32_t rule, std::string_view current_text) const {
  const PreparedRule& prepared = rules_[rule];
  switch (prepared.rule.mode) {
    case RedactMode::replace: return NewValue{Action::replace, rule, {}};
    case RedactMode::remove: return NewValue{Action::remove, rule, {}};
    case RedactMode::hmac: return NewValue{Action::hmac, rule, prepared.hmac.hex(current_text)};
  }
  FERRY_ASSERT(false && "unknown mode");
  return {};
}

// The text an HMAC covers for a value a rule already changed: what a reader would decode.
std::string_view Redactor::text_of(const NewValue& value) const {
  switch (value.action) {
    case Action::replace: return rules_[value.rule].rule.replacement;
    case Action::hmac: return {value.hex.data(), value.hex.size()};
    case Action::flag_true: return "true";
    case Action::timestamp:
      FERRY_ASSERT(timestamp_json_.size() >= 2);
      return std::string_view(timestamp_json_).substr(1, timestamp_json_.size() - 2);
    case Action::rewritten:
      return std::string_view(rewritten_).substr(value.text_begin, value.text_size);
    case Action::remove: break;
  }
  FERRY_ASSERT(false && "a removed value has no text");
  return {};
}

// The text an HMAC covers for a value of the original bytes: a string's decoded UTF-8; a
// number, boolean or null as written; an object or array as simdjson minifies it, after the
// changes earlier rules made inside it (as if each rule ran on the previous one's output).
std::string_view Redactor::text_of(simdjson::dom::element value, size_t begin, size_t end) {
  std::string_view text;
  if (value.get_string().get(text) == simdjson::SUCCESS) return text;
  if (!value.is_object() && !value.is_array()) return record_.substr(begin, end - begin);
  // Rare (hmac of a whole object or array): allocates.
  const bool edited_inside = std::any_of(edits_.begin(), edits_.end(), [&](const Edit& edit) {
    return edit.value_begin > begin && edit.value_end <= end;
  });
  if (!edited_inside) {
    text_scratch_ = simdjson::minify(value);
    return text_scratch_;
  }
  plan_ops(begin, end);
  std::string current;
  const size_t cursor = apply_ops(begin, end, current);
  current.append(record_.substr(cursor, end - cursor));
  simdjson::dom::element reparsed;
  // The spliced text of a valid value is valid; the assert guards that claim.
  FERRY_ASSERT(nested_parser_.parse(simdjson::padded_string(current)).get(reparsed) ==
               simdjson::SUCCESS);
  text_scratch_ = simdjson::minify(reparsed);
  return text_scratch_;
}

// Sets every live top-level occurrence of `key` (original or appended) to `value`, or appends
// the member when there is none.
void Redactor::set_top_level(std::string_view key, const std::string* key_json, NewValue value) {
  bool found = false;
  for (const Member& member : members_) {
    if (member.key != key) continue;
    Edit* edit = find_edit(member.value_begin);
    if (edit == nullptr) {
      edits_.push_back(
          Edit{member.item_begin, member.value_begin, member.value_end, open_brace_, value});
    } else if (edit->value.action == Action::remove) {
      continue;
    } else {
      edit->value = value;
    }
    found = true;
  }
  for (Appended& member : appended_) {
    if (member.key != key) continue;
    member.value = value;
    found = true;
  }
  if (!found) appended_.push_back(Appended{key, key_json, value});
}

const std::string& Redactor::timestamp_json() {
  if (timestamp_json_.empty()) format_utc_json(clock_(), timestamp_json_);
  return timestamp_json_;
}

// Turns removed members and elements into deletions that keep the separators right: a removed
// item before the last kept one takes the bytes up to the next item; the removed items after
// it take the bytes from the kept item's value end, comma included.
// Only the containers inside [begin, end) are planned.
void Redactor::plan_removals(size_t begin, size_t end) {
  removals_.clear();
  for (const Edit& edit : edits_) {
    if (edit.value.action == Action::remove && edit.container >= begin && edit.container < end) {
      removals_.push_back(&edit);
    }
  }
  top_survivors_ = top_members_ != 0;
  if (removals_.empty()) return;
  std::sort(removals_.begin(), removals_.end(), [](const Edit* a, const Edit* b) {
    return a->container != b->container ? a->container < b->container
                                        : a->value_begin < b->value_begin;
  });
  for (size_t group = 0; group < removals_.size();) {
    const size_t container = removals_[group]->container;
    size_t group_end = group;
    while (group_end < removals_.size() && removals_[group_end]->container == container) {
      ++group_end;
    }
    size_t next = group;
    bool have_kept = false, have_pending = false;
    Item kept{}, pending{};
    size_t pending_begin = 0;
    auto removed = [&](const Item& item) {
      while (next < group_end && removals_[next]->value_begin < item.value_begin) ++next;
      return next < group_end && removals_[next]->value_begin == item.value_begin;
    };
    json_scan::for_each_item(record_, container, [&](const Item& item) {
      if (removed(item)) {
        if (!have_pending) pending_begin = item.begin;
        have_pending = true;
        pending = item;
      } else {
        // A run of removed items before a kept one: delete from its first key to this one.
        if (have_pending) ops_.push_back(Op{pending_begin, item.begin, nullptr});
        have_pending = false;
        have_kept = true;
        kept = item;
      }
    });
    if (have_pending) {
      // A trailing run: it takes the comma after the last kept item, or everything.
      ops_.push_back(Op{have_kept ? kept.value_end : pending_begin, pending.value_end, nullptr});
    }
    if (container == open_brace_) top_survivors_ = have_kept;
    group = group_end;
  }
}

void Redactor::append_value(const NewValue& value, std::string& out) const {
  switch (value.action) {
    case Action::flag_true: out.append("true"); return;
    case Action::replace: out.append(rules_[value.rule].replacement_json); return;
    case Action::hmac:
      out.push_back('"');
      out.append(value.hex.data(), value.hex.size());
      out.push_back('"');
      return;
    case Action::timestamp: out.append(timestamp_json_); return;
    case Action::rewritten:
      append_json_string(out,
                         std::string_view(rewritten_).substr(value.text_begin, value.text_size));
      return;
    case Action::remove: break;
  }
  FERRY_ASSERT(false && "a removed value is not written");
}

// The changes inside the value [begin, end) (or the whole record), outer spans first.
void Redactor::plan_ops(size_t begin, size_t end) {
  ops_.clear();
  plan_removals(begin, end);
  for (const Edit& edit : edits_) {
    if (edit.value.action == Action::remove) continue;
    const bool inside = edit.value_begin >= begin && edit.value_end <= end &&
                        (edit.value_end - edit.value_begin) < (end - begin);
    if (inside) ops_.push_back(Op{edit.value_begin, edit.value_end, &edit.value});
  }
  // An op inside an earlier one is covered by it (a later rule replaced the container an
  // earlier rule edited inside).
  std::sort(ops_.begin(), ops_.end(), [](const Op& a, const Op& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
}

// Appends record_[begin, end) with the planned ops applied; returns where it stopped.
size_t Redactor::apply_ops(size_t begin, size_t end, std::string& out) const {
  size_t cursor = begin;
  for (const Op& op : ops_) {
    if (op.begin < cursor) {
      FERRY_ASSERT(op.end <= cursor);  // spans nest or are disjoint
      continue;
    }
    FERRY_ASSERT(op.end <= end);
    out.append(record_.substr(cursor, op.begin - cursor));
    if (op.value != nullptr) append_value(*op.value, out);
    cursor = op.end;
  }
  return cursor;
}

void Redactor::splice(std::string& out) {
  plan_ops(0, record_.size());
  // Appended members go right after the last member (or inside an empty object); every op is
  // inside a member, so none spans that point.
  const size_t insert_at = top_members_ == 0 ? close_brace_ : last_value_end_;
  size_t cursor = apply_ops(0, insert_at, out);
  FERRY_ASSERT(cursor <= insert_at);
  out.append(record_.substr(cursor, insert_at - cursor));
  bool comma = top_survivors_;
  for (const Appended& member : appended_) {
    if (comma) out.push_back(',');
    comma = true;
    out.append(*member.key_json);
    out.push_back(':');
    append_value(member.value, out);
  }
  out.append(record_.substr(insert_at));
  out.push_back('\n');
}

void Redactor::take_audit(std::vector<RuleAudit>& into) {
  if (into.size() < audit_.size()) into.resize(audit_.size());
  for (size_t r = 0; r < audit_.size(); ++r) {
    into[r] += audit_[r];
    audit_[r] = RuleAudit{};
  }
}

void Redactor::append_invalid_marker(std::string_view record, const RecordOrigin& origin,
                                     std::string& out) {
  // The names are plain ASCII: no escaping needed.
  const auto append_key = [&out](std::string_view key) {
    out.push_back('"');
    out.append(key);
    out.append("\":");
  };
  out.push_back('{');
  append_key(kMarkerFlag);
  out.append("true,");
  append_key(kMarkerFile);
  if (simdjson::validate_utf8(origin.file.data(), origin.file.size())) {
    append_json_string(out, origin.file);
  } else {
    repair_utf8(origin.file, file_scratch_);
    append_json_string(out, file_scratch_);
  }
  out.push_back(',');
  append_key(kMarkerOffset);
  append_decimal(out, origin.offset);
  out.push_back(',');
  append_key(kMarkerLength);
  append_decimal(out, record.size());
  out.append("}\n");
}

}  // namespace ferry
