// UTF-8 as RFC 3629 defines it, for bytes that come from outside (file names, server answers):
// where a valid sequence starts, and two exact ways to carry arbitrary bytes in valid UTF-8.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ferry {

// The length (1-4) of the valid UTF-8 sequence starting at `in[at]`, or 0 if none starts there.
size_t utf8_sequence_length(std::string_view in, size_t at);

// Replaces each maximal invalid UTF-8 subsequence by U+FFFD (lossy, for display).
void repair_utf8(std::string_view in, std::string& out);

// Arbitrary bytes as valid UTF-8, exactly and reversibly: each byte b >= 0x80 that is not part
// of a valid sequence becomes the private-use character U+10FF00 + b (U+10FF80..U+10FFFF), and
// so do the bytes of a genuine character in that range; everything else is copied. Like
// Python's surrogateescape, but legal in JSON. decode_utf8_bytes(encode_utf8_bytes(x)) == x.
void encode_utf8_bytes(std::string_view bytes, std::string& out);
std::string decode_utf8_bytes(std::string_view text);

}  // namespace ferry
