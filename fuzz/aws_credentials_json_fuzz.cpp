// libFuzzer target for core/aws/aws_credentials_json (and the ISO-8601 reader it uses): the
// answers of the container endpoint, instance metadata and credential_process are outside
// bytes. Accepted answers always carry both halves of a key pair.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/aws/aws_credentials.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = ferry::parse_credentials_json(text);
  if (parsed.ok() && (parsed->credentials.access_key_id.empty() ||
                      parsed->credentials.secret_access_key.empty())) {
    std::abort();
  }
  (void)ferry::parse_iso8601(text);
  return 0;
}
