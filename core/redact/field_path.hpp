// FieldPath: a redaction rule's `fields` entry ("file.localfilename", "recipients[*].email")
// parsed into segments. Pure functions; config validates with it, the redactor compiles with it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace ferry {

// One step of a path: a member of an object (every occurrence of `key`, compared with keys
// after JSON unescaping) or, when `any_element`, every element of an array.
struct PathSegment {
  std::string key;
  bool any_element = false;

  bool operator==(const PathSegment&) const = default;
};
using FieldPath = std::vector<PathSegment>;

// Grammar: a key, then any number of `.key` or `[*]`. A key is any characters other than `.`
// and `[` (possibly none: JSON allows the empty key); `\.`, `\[` and `\\` stand for those
// characters inside a key. Anything else (`[0]`, `[*` , a lone `\`, `[*]` not after a key or
// `[*]`) is an error naming the byte offset. A path starts with a key: records are objects.
Result<FieldPath> parse_field_path(std::string_view text);

// "a.b" also names the top-level key "a.b" (the Kinesis-era reading of a dotted name, and a key
// such records do have): for a path of two or more keys and no [*], the one-segment path of the
// keys joined with '.', which the redactor selects too, so that neither reading leaks.
// Nothing for any other path.
std::optional<FieldPath> dotted_key_path(const FieldPath& path);

}  // namespace ferry
