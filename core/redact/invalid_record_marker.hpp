// The invalid-record marker's member names: what a flow with rules ships in place of a record it
// cannot vouch for. Written by core/redact/redactor.cpp; declared as columns by `ferry athena-ddl`.
#pragma once

#include <string_view>

namespace ferry {

// Every member carries the `ferry_` prefix, so that no marker can share a name with a field of
// the flow's records (a Wickr message's `file` is a struct; a marker's file is a string):
//   {"ferry_invalid_record":true,"ferry_file":"<file>","ferry_offset":<n>,"ferry_length":<n>}
inline constexpr std::string_view kMarkerFlag = "ferry_invalid_record";
inline constexpr std::string_view kMarkerFile = "ferry_file";
inline constexpr std::string_view kMarkerOffset = "ferry_offset";
inline constexpr std::string_view kMarkerLength = "ferry_length";

// Markers written before the prefix (ferry's first builds) named the last three `file`, `offset`
// and `length`; objects holding them stay readable, so what reads markers accepts both spellings.
inline constexpr std::string_view kLegacyMarkerFile = "file";
inline constexpr std::string_view kLegacyMarkerOffset = "offset";
inline constexpr std::string_view kLegacyMarkerLength = "length";

}  // namespace ferry
