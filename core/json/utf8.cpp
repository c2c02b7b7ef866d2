// UTF-8 validation per RFC 3629's table, the lossy repair and the exact byte encoding.
#include "core/json/utf8.hpp"

#include "core/assert.hpp"

namespace ferry {

namespace {

// U+10FF80..U+10FFFF encode as F4 8F BE 80..F4 8F BF BF: the escape of byte b is
// F4 8F (BE | BF) (80 | (b & 0x3F)), the third byte carrying b's bit 6.
constexpr unsigned char kEscape0 = 0xF4, kEscape1 = 0x8F;

bool is_escape_at(std::string_view in, size_t at) {
  return in.size() - at >= 4 && static_cast<unsigned char>(in[at]) == kEscape0 &&
         static_cast<unsigned char>(in[at + 1]) == kEscape1 &&
         (static_cast<unsigned char>(in[at + 2]) & 0xFE) == 0xBE &&
         (static_cast<unsigned char>(in[at + 3]) & 0xC0) == 0x80;
}

void append_escape(std::string& out, unsigned char byte) {
  FERRY_ASSERT(byte >= 0x80);
  out.push_back(static_cast<char>(kEscape0));
  out.push_back(static_cast<char>(kEscape1));
  out.push_back(static_cast<char>(0xBE | ((byte >> 6) & 1)));
  out.push_back(static_cast<char>(0x80 | (byte & 0x3F)));
}

// The expected length of the sequence a lead byte starts (0: not a lead byte) and how many of
// its bytes are valid (the maximal subpart, at least 1).
size_t scan_sequence(std::string_view in, size_t at, size_t& valid) {
  FERRY_ASSERT(at < in.size());
  valid = 1;
  const auto c = static_cast<unsigned char>(in[at]);
  if (c < 0x80) return 1;
  size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte (RFC 3629 table)
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c == 0xE0) {
    len = 3, lo = 0xA0;
  } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
    len = 3;
  } else if (c == 0xED) {
    len = 3, hi = 0x9F;
  } else if (c == 0xF0) {
    len = 4, lo = 0x90;
  } else if (c >= 0xF1 && c <= 0xF3) {
    len = 4;
  } else if (c == 0xF4) {
    len = 4, hi = 0x8F;
  } else {
    return 0;
  }
  while (valid < len && at + valid < in.size()) {
    const auto b = static_cast<unsigned char>(in[at + valid]);
    if (b < (valid == 1 ? lo : 0x80) || b > (valid == 1 ? hi : 0xBF)) break;
    ++valid;
  }
  return len;
}

}  // namespace

size_t utf8_sequence_length(std::string_view in, size_t at) {
  size_t valid = 0;
  const size_t len = scan_sequence(in, at, valid);
  return len != 0 && valid == len ? len : 0;
}

void repair_utf8(std::string_view in, std::string& out) {
  out.clear();
  size_t i = 0;
  while (i < in.size()) {
    size_t valid = 0;
    const size_t len = scan_sequence(in, i, valid);
    if (len != 0 && valid == len)
      out.append(in.substr(i, len));
    else
      out.append("\xEF\xBF\xBD");
    i += valid;
  }
}

void encode_utf8_bytes(std::string_view bytes, std::string& out) {
  out.clear();
  out.reserve(bytes.size());
  size_t i = 0;
  while (i < bytes.size()) {
    const size_t len = utf8_sequence_length(bytes, i);
    if (len != 0 && !is_escape_at(bytes, i)) {
      out.append(bytes.substr(i, len));
      i += len;
    } else if (len == 4) {  // a genuine U+10FF80..U+10FFFF: its bytes are escaped one by one
      for (size_t k = 0; k < 4; ++k) append_escape(out, static_cast<unsigned char>(bytes[i + k]));
      i += 4;
    } else {
      append_escape(out, static_cast<unsigned char>(bytes[i]));
      ++i;
    }
  }
}

std::string decode_utf8_bytes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (is_escape_at(text, i)) {
      out.push_back(static_cast<char>(((static_cast<unsigned char>(text[i + 2]) & 1) << 6) |
                                      (static_cast<unsigned char>(text[i + 3]) & 0x3F) | 0x80));
      i += 4;
    } else {
      out.push_back(text[i]);
      ++i;
    }
  }
  return out;
}

}  // namespace ferry
