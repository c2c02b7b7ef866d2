// One validating pass over a record that is a JSON object, listing its string values or all its
// members and elements with their spans: the redactor's fast paths. It accepts a
// subset of what simdjson's DOM parser accepts and answers "not sure" for everything else
// (\u escapes, numbers near the limits of int64 or double, deep nesting, invalid input), so the
// caller falls back to the DOM parser, which decides. fuzz/json_record_scan_fuzz.cpp checks
// that whatever this accepts, simdjson accepts as an object too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/json/byte_blocks.hpp"

namespace ferry {

// A string value (not a key), at any depth. Offsets are into the record.
struct ScannedString {
  enum Flags : uint8_t {
    kEscaped = 1,       // holds a backslash escape: its text must be decoded
    kPatternStart = 2,  // holds a digit, '@' or '+': where a built-in pattern match can start
    kBitsComplete = 4,  // `bits` describe the whole text (at most 64 bytes, no escape)
  };
  uint32_t item_begin = 0;  // the member's key quote, or the element's first byte
  uint32_t begin = 0;       // the opening quote
  uint32_t end = 0;         // just past the closing quote
  uint32_t container = 0;   // the enclosing '{' or '['
  uint8_t flags = 0;
  byte_blocks::TextBits bits;  // of the text's first 64 bytes (complete: kBitsComplete)
};

// A member of the top-level object: its key without the quotes, and its value's span.
struct ScannedKey {
  uint32_t begin = 0;
  uint32_t end = 0;
  bool escaped = false;
  uint32_t value_begin = 0;  // the value's first byte
  uint32_t value_end = 0;    // just past the value
  uint32_t item = 0;         // its index in ScannedRecord::items (when listed)
};

// A member of an object or an element of an array, at any depth (the top-level object's members
// included). Offsets are into the record.
struct ScannedItem {
  enum class Kind : uint8_t { string, object, array, other };
  uint32_t item_begin = 0;  // the member's key quote, or the element's first byte
  uint32_t key_begin = 0;   // the member's key without the quotes (an element: both 0)
  uint32_t key_end = 0;
  uint32_t value_begin = 0;  // the value's first byte
  uint32_t value_end = 0;    // just past the value
  uint32_t container = 0;    // the enclosing '{' or '['
  uint32_t next = 0;         // the index of the first item after this one's contents
  Kind kind = Kind::other;
  bool escaped = false;  // a string value holding a backslash escape
};

// The bit of ScannedRecord::top_key_sizes for a key of `size` bytes: bit k for k bytes, bit 63
// for 63 or more.
inline uint64_t key_size_bit(size_t size) {
  return uint64_t{1} << (size < 63 ? size : 63);
}

struct ScannedRecord {
  std::vector<ScannedString> strings;  // in document order (when listed)
  std::vector<ScannedKey> top_keys;    // in document order, duplicates kept
  // In document order, a container before its contents, whose items are the indices from its
  // own plus one up to its `next`, stepping by each one's `next` (when listed).
  std::vector<ScannedItem> items;
  bool escaped_keys = false;  // some key, at any depth, holds an escape (when items are listed)
  // key_size_bit of each top-level key as written; every bit if one holds an escape. Rules a
  // key out by its size without looking at the keys.
  uint64_t top_key_sizes = 0;
  uint32_t open_brace = 0;      // the top-level '{'
  uint32_t close_brace = 0;     // the top-level '}'
  uint32_t last_value_end = 0;  // just past the last top-level value (0: none)
};

// What the scan lists besides the top-level members (always listed): nothing more, the string
// values (`ScannedRecord::strings`), or every item (`ScannedRecord::items`).
enum class ScanLists : uint8_t { members, strings, items };

// True: `record` is a JSON object that simdjson's DOM parser accepts, described in `out`.
// False: not sure (the record may still be valid); `out` is then unspecified.
bool scan_json_record(std::string_view record, ScannedRecord& out,
                      ScanLists lists = ScanLists::strings);

// The decoded text of a string whose only escapes are the two-character ones the scan
// accepts (\" \\ \/ \b \f \n \r \t); `quoted` includes the quotes. Replaces `out`.
void decode_scanned_string(std::string_view quoted, std::string& out);

}  // namespace ferry
