// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum S3 verifies per part when
// a request carries x-amz-checksum-crc32c. Pure functions, safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ferry {

// Continues `crc` (0 to start) over `data`: crc32c(a + b) == crc32c_extend(crc32c(a), b).
// Uses the SSE4.2 crc32 instruction when the CPU has it, a table otherwise.
uint32_t crc32c_extend(uint32_t crc, std::span<const unsigned char> data);
inline uint32_t crc32c(std::span<const unsigned char> data) {
  return crc32c_extend(0, data);
}
inline uint32_t crc32c(std::string_view data) {
  return crc32c({reinterpret_cast<const unsigned char*>(data.data()), data.size()});
}

// The table path alone, whatever the CPU (so tests can check both paths agree).
uint32_t crc32c_extend_portable(uint32_t crc, std::span<const unsigned char> data);

// The form S3 sends and expects: standard base64 of the four big-endian bytes ("AAAAAA==").
std::string crc32c_base64(uint32_t crc);

}  // namespace ferry
