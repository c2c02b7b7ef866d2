// Hashes and MACs ferry needs (SHA-256, HMAC-SHA256, MD5) over OpenSSL's EVP interface.
// Pure functions plus one incremental hasher; safe from any thread, an Sha256 object from one.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of every includer's headers

namespace ferry {

using Sha256Digest = std::array<unsigned char, 32>;
using Md5Digest = std::array<unsigned char, 16>;

inline std::span<const unsigned char> byte_span(std::string_view s) {
  return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};
}
inline std::span<const unsigned char> byte_span(std::span<const char> s) {
  return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};
}

Sha256Digest sha256(std::span<const unsigned char> data);
inline Sha256Digest sha256(std::string_view data) {
  return sha256(byte_span(data));
}
// Lowercase hex of SHA-256: the form SigV4 puts in canonical requests and x-amz-content-sha256.
std::string sha256_hex(std::span<const unsigned char> data);
inline std::string sha256_hex(std::string_view data) {
  return sha256_hex(byte_span(data));
}

Sha256Digest hmac_sha256(std::span<const unsigned char> key, std::string_view data);
inline Sha256Digest hmac_sha256(std::string_view key, std::string_view data) {
  return hmac_sha256(byte_span(key), data);
}

Md5Digest md5(std::span<const unsigned char> data);
inline Md5Digest md5(std::string_view data) {
  return md5(byte_span(data));
}

// Standard base64 with padding (Content-MD5 carries the MD5 this way).
std::string base64(std::span<const unsigned char> bytes);

// SHA-256 over data that arrives in pieces (a part assembled from many compressed frames).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::span<const unsigned char> data);
  void update(std::string_view data) { update(byte_span(data)); }
  // Returns the digest and starts over, so one object can hash many messages.
  Sha256Digest finish();

 private:
  struct Free {
    void operator()(evp_md_ctx_st* ctx) const;
  };
  std::unique_ptr<evp_md_ctx_st, Free> ctx_;
};

}  // namespace ferry
