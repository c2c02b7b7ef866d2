// Bytes written as a C++ string literal, for failure messages that must show a record exactly
// (and can be pasted back into a test).
#pragma once

#include <string>
#include <string_view>

namespace ferry {

// `bytes` as a C++ string literal: printable ASCII as is, anything else as an octal escape.
inline std::string cpp_literal(std::string_view bytes) {
  static constexpr char kOctal[] = "01234567";
  std::string out = "\"";
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7F && c != '"' && c != '\\' && c != '?') {
      out += c;
    } else {
      out += {'\\', kOctal[b >> 6], kOctal[(b >> 3) & 7], kOctal[b & 7]};
    }
  }
  return out + "\"";
}

}  // namespace ferry
