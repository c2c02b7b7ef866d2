// Fuzz target: checkpoint decoding sees whatever is on disk. Never crash; anything accepted
// re-encodes and decodes to the same checkpoint. The input is tried as it is and, so that the
// fuzzer reaches the JSON reader behind the checksum, as a body with a valid checksum appended.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/assert.hpp"
#include "core/checkpoint/checkpoint.hpp"
#include "core/crypto.hpp"

namespace {

void check(std::string_view text) {
  auto decoded = ferry::decode_checkpoint(text);
  if (!decoded.ok()) return;
  const std::string again = ferry::encode_checkpoint(decoded.value());
  auto round = ferry::decode_checkpoint(again);
  FERRY_ASSERT(round.ok());
  FERRY_ASSERT(ferry::encode_checkpoint(round.value()) == again);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  check(body);
  check(std::string(body) + ",\"sha256\":\"" + ferry::sha256_hex(body) + "\"}\n");
  return 0;
}
