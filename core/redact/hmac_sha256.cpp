// HMAC-SHA256 with precomputed pads over OpenSSL's low-level SHA256_CTX. That interface is
// deprecated in OpenSSL 3 but it is the one whose state is a plain struct: EVP contexts
// allocate on every copy, and redaction MACs many values per record.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "core/redact/hmac_sha256.hpp"

#include <openssl/sha.h>

#include <cstring>

#include "core/assert.hpp"

namespace ferry {

namespace {

static_assert(sizeof(SHA256_CTX) <= 128);
constexpr size_t kBlock = 64;

SHA256_CTX* as_ctx(void* bytes) {
  return static_cast<SHA256_CTX*>(bytes);
}

}  // namespace

HmacSha256::HmacSha256(std::string_view key) {
  unsigned char block[kBlock] = {};
  if (key.size() > kBlock) {
    // A key longer than the block is replaced by its digest (RFC 2104, section 2).
    SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), block);
  } else if (!key.empty()) {
    std::memcpy(block, key.data(), key.size());
  }
  unsigned char pad[kBlock];
  for (size_t i = 0; i < kBlock; ++i) pad[i] = block[i] ^ 0x36;
  FERRY_ASSERT(SHA256_Init(as_ctx(inner_.bytes.data())) == 1);
  SHA256_Update(as_ctx(inner_.bytes.data()), pad, kBlock);
  for (size_t i = 0; i < kBlock; ++i) pad[i] = block[i] ^ 0x5c;
  FERRY_ASSERT(SHA256_Init(as_ctx(outer_.bytes.data())) == 1);
  SHA256_Update(as_ctx(outer_.bytes.data()), pad, kBlock);
}

HmacSha256::Hex HmacSha256::hex(std::string_view data) const {
  SHA256_CTX ctx;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  std::memcpy(&ctx, inner_.bytes.data(), sizeof ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(digest, &ctx);
  std::memcpy(&ctx, outer_.bytes.data(), sizeof ctx);
  SHA256_Update(&ctx, digest, sizeof digest);
  SHA256_Final(digest, &ctx);
  static constexpr char kDigits[] = "0123456789abcdef";
  Hex out;
  for (size_t i = 0; i < sizeof digest; ++i) {
    out[2 * i] = kDigits[digest[i] >> 4];
    out[2 * i + 1] = kDigits[digest[i] & 0xf];
  }
  return out;
}

}  // namespace ferry
