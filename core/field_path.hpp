// FieldPath: a redaction rule's `fields` entry ("file.localfilename", "recipients[*].email")
// parsed into segments. Pure functions; config validates with it, the redactor compiles with it.
#pragma once

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

}  // namespace ferry
