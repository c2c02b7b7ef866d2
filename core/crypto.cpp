// SHA-256, HMAC-SHA256 and MD5 through OpenSSL 3's EVP interface.
// OpenSSL failures here mean a broken library or no memory, so they are asserted, not returned.
#include "core/crypto.hpp"

#include <openssl/evp.h>

#include "core/assert.hpp"
#include "core/text.hpp"

namespace ferry {

Sha256Digest sha256(std::span<const unsigned char> data) {
  Sha256Digest out{};
  unsigned int size = 0;
  FERRY_ASSERT(EVP_Digest(data.data(), data.size(), out.data(), &size, EVP_sha256(), nullptr) == 1);
  FERRY_ASSERT(size == out.size());
  return out;
}

std::string sha256_hex(std::span<const unsigned char> data) {
  return to_hex(sha256(data));
}

Sha256Digest hmac_sha256(std::span<const unsigned char> key, std::string_view data) {
  Sha256Digest out{};
  size_t size = 0;
  // EVP_Q_mac is the one-shot MAC of OpenSSL 3 (HMAC_CTX is deprecated there).
  const unsigned char* result =
      EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(),
                out.size(), &size);
  FERRY_ASSERT(result != nullptr);
  FERRY_ASSERT(size == out.size());
  return out;
}

Md5Digest md5(std::span<const unsigned char> data) {
  Md5Digest out{};
  unsigned int size = 0;
  FERRY_ASSERT(EVP_Digest(data.data(), data.size(), out.data(), &size, EVP_md5(), nullptr) == 1);
  FERRY_ASSERT(size == out.size());
  return out;
}

std::string base64(std::span<const unsigned char> bytes) {
  std::string out;
  out.resize(4 * ((bytes.size() + 2) / 3) + 1);  // EVP_EncodeBlock writes a trailing NUL
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                      static_cast<int>(bytes.size()));
  FERRY_ASSERT(written >= 0 && static_cast<size_t>(written) < out.size());
  out.resize(static_cast<size_t>(written));
  return out;
}

void Sha256::Free::operator()(evp_md_ctx_st* ctx) const {
  EVP_MD_CTX_free(ctx);
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  FERRY_ASSERT(ctx_ != nullptr);
  FERRY_ASSERT(EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) == 1);
}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::span<const unsigned char> data) {
  FERRY_ASSERT(ctx_ != nullptr);  // not moved from
  FERRY_ASSERT(EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) == 1);
}

Sha256Digest Sha256::finish() {
  FERRY_ASSERT(ctx_ != nullptr);
  Sha256Digest out{};
  unsigned int size = 0;
  FERRY_ASSERT(EVP_DigestFinal_ex(ctx_.get(), out.data(), &size) == 1);
  FERRY_ASSERT(size == out.size());
  FERRY_ASSERT(EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) == 1);
  return out;
}

}  // namespace ferry
