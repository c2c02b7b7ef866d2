// CRC32C: a hardware path (SSE4.2, 8 bytes per instruction) chosen once at run time, and a
// portable slicing-by-one table for other CPUs. Both give the same result (unit tested).
#include "core/crc32c.hpp"

#include <array>
#include <cstring>

#include "core/crypto.hpp"  // base64

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace ferry {
namespace {

constexpr uint32_t kPolynomial = 0x82F63B78u;  // reflected Castagnoli

constexpr std::array<uint32_t, 256> make_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? kPolynomial : 0u);
    table[i] = crc;
  }
  return table;
}
constexpr std::array<uint32_t, 256> kTable = make_table();

uint32_t extend_table(uint32_t state, std::span<const unsigned char> data) {
  for (const unsigned char byte : data) state = (state >> 8) ^ kTable[(state ^ byte) & 0xffu];
  return state;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t extend_sse42(uint32_t state,
                                                        std::span<const unsigned char> data) {
  const unsigned char* p = data.data();
  size_t n = data.size();
  uint64_t wide = state;
  while (n >= 8) {
    uint64_t word = 0;
    std::memcpy(&word, p, 8);  // unaligned-safe; x86 is little-endian as the CRC wants
    wide = _mm_crc32_u64(wide, word);
    p += 8;
    n -= 8;
  }
  state = static_cast<uint32_t>(wide);
  while (n > 0) {
    state = _mm_crc32_u8(state, *p++);
    --n;
  }
  return state;
}

bool cpu_has_sse42() {
  static const bool has = __builtin_cpu_supports("sse4.2");
  return has;
}
#endif

}  // namespace

uint32_t crc32c_extend_portable(uint32_t crc, std::span<const unsigned char> data) {
  return ~extend_table(~crc, data);
}

uint32_t crc32c_extend(uint32_t crc, std::span<const unsigned char> data) {
#if defined(__x86_64__)
  if (cpu_has_sse42()) return ~extend_sse42(~crc, data);
#endif
  return crc32c_extend_portable(crc, data);
}

std::string crc32c_base64(uint32_t crc) {
  const std::array<unsigned char, 4> big_endian = {
      static_cast<unsigned char>(crc >> 24), static_cast<unsigned char>(crc >> 16),
      static_cast<unsigned char>(crc >> 8), static_cast<unsigned char>(crc)};
  return base64(big_endian);
}

}  // namespace ferry
