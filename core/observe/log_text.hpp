// What a log line may hold: whatever a message carries (file names, S3 error messages, config
// values, record excerpts) comes out as inert, bounded text that cannot forge a line, move a
// terminal's cursor or reorder what is shown.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ferry {

// Above this a message loses its middle (the start and the end say the most).
inline constexpr size_t kMaxLogMessageBytes = 16 * 1024;

// `message` as valid UTF-8 with no control character: line breaks and tabs as \n \r \t, other
// C0 bytes, DEL and bytes that are not UTF-8 as \xNN, C1 controls, line/paragraph separators
// and bidirectional overrides as \u{NNNN}. Longer than `max_bytes`: the middle is replaced by
// "...[N bytes cut]...", so the result stays within about `max_bytes` + 32.
std::string inert_log_text(std::string_view message, size_t max_bytes = kMaxLogMessageBytes);

}  // namespace ferry
