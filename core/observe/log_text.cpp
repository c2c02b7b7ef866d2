// The log escaper: one pass over the message, UTF-8 sequences checked, then the middle cut.
#include "core/observe/log_text.hpp"

#include "core/assert.hpp"
#include "core/text.hpp"
#include "core/json/utf8.hpp"

namespace ferry {

namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_byte_escape(std::string& out, unsigned char byte) {
  out.append("\\x");
  out.push_back(kHex[byte >> 4]);
  out.push_back(kHex[byte & 0xF]);
}

// Code points a terminal or viewer acts on: C1 controls, line/paragraph separators, and the
// bidirectional embeddings, overrides and isolates ("Trojan Source").
bool is_active_code_point(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

uint32_t code_point(std::string_view sequence) {
  const auto lead = static_cast<unsigned char>(sequence[0]);
  uint32_t cp = sequence.size() == 2   ? lead & 0x1F
                : sequence.size() == 3 ? lead & 0x0F
                                       : lead & 0x07;
  for (size_t k = 1; k < sequence.size(); ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(sequence[k]) & 0x3F);
  return cp;
}

// Appends `message` escaped until `out` reaches `budget` bytes; returns the bytes consumed.
size_t append_inert(std::string& out, std::string_view message, size_t budget) {
  size_t i = 0;
  while (i < message.size() && out.size() < budget) {
    const auto c = static_cast<unsigned char>(message[i]);
    if (c >= 0x20 && c < 0x7F) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    const size_t len = utf8_sequence_length(message, i);
    if (c == '\n') {
      out.append("\\n");
    } else if (c == '\r') {
      out.append("\\r");
    } else if (c == '\t') {
      out.append("\\t");
    } else if (len <= 1) {  // another C0 byte, DEL, or a byte that starts no UTF-8 sequence
      append_byte_escape(out, c);
    } else if (const uint32_t cp = code_point(message.substr(i, len)); is_active_code_point(cp)) {
      out.append("\\u{");
      for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(cp >> shift) & 0xF]);
      out.push_back('}');
    } else {
      out.append(message.substr(i, len));
    }
    i += len == 0 ? 1 : len;
  }
  return i;
}

}  // namespace

std::string inert_log_text(std::string_view message, size_t max_bytes) {
  FERRY_ASSERT(max_bytes >= 64);
  std::string out;
  out.reserve(message.size() < max_bytes ? message.size() : max_bytes);
  const size_t tail_bytes = max_bytes / 8;
  const size_t consumed = append_inert(out, message, max_bytes - tail_bytes);
  if (consumed == message.size()) return out;  // within the budget whole
  // The message's last tail_bytes bytes, unless the head already reached them.
  const size_t tail_start =
      message.size() - consumed > tail_bytes ? message.size() - tail_bytes : consumed;
  std::string tail;
  append_inert(tail, message.substr(tail_start), std::string::npos);
  if (tail_start > consumed) out.append(cat("...[", tail_start - consumed, " bytes cut]..."));
  out.append(tail);
  return out;
}

}  // namespace ferry
