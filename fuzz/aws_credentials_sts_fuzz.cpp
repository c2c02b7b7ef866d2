// libFuzzer target for core/aws/aws_credentials_sts: STS answers are outside bytes. Accepted
// answers always carry a key pair, a session token and an expiration.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/aws/aws_credentials.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  const auto parsed = ferry::parse_sts_credentials(xml);
  if (parsed.ok() &&
      (parsed->credentials.access_key_id.empty() || parsed->credentials.secret_access_key.empty() ||
       parsed->credentials.session_token.empty() || !parsed->expiration)) {
    std::abort();
  }
  return 0;
}
