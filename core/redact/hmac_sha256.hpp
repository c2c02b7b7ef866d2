// HmacSha256: HMAC-SHA256 under one key fixed at construction, for redaction's "hmac" mode.
// The keyed inner and outer states are computed once; each MAC copies them (no allocation).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace ferry {

class HmacSha256 {
 public:
  // The hex output: 64 lowercase characters.
  using Hex = std::array<char, 64>;

  HmacSha256() = default;  // the empty key
  explicit HmacSha256(std::string_view key);

  // RFC 2104 HMAC of `data`, as lowercase hex.
  Hex hex(std::string_view data) const;

 private:
  // SHA256_CTX is 112 bytes in OpenSSL; stored opaquely so includers do not see OpenSSL.
  struct State {
    alignas(8) std::array<unsigned char, 128> bytes;
  };
  State inner_{};  // SHA-256 state after absorbing key ^ ipad
  State outer_{};  // SHA-256 state after absorbing key ^ opad
};

}  // namespace ferry
