// libFuzzer target for core/json/utf8: file names and server answers are outside bytes. Their
// encoding is always valid UTF-8 and decodes to exactly the same bytes; the repair is valid too.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/json/utf8.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::string encoded;
  ferry::encode_utf8_bytes(bytes, encoded);
  if (!simdjson::validate_utf8(encoded.data(), encoded.size())) std::abort();
  if (ferry::decode_utf8_bytes(encoded) != bytes) std::abort();
  (void)ferry::decode_utf8_bytes(bytes);  // any text decodes without harm
  std::string repaired;
  ferry::repair_utf8(bytes, repaired);
  if (!simdjson::validate_utf8(repaired.data(), repaired.size())) std::abort();
  return 0;
}
