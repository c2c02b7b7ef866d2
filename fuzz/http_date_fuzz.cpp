// libFuzzer target for core/http/http_date: the Date header of an S3 answer is outside bytes. A date
// that parses must be exactly what the C library prints for that instant (a strict round trip).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <string_view>

#include "core/http/http_date.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto seconds = ferry::parse_http_date(text);
  if (!seconds) return 0;
  const std::time_t t = static_cast<std::time_t>(*seconds);
  std::tm tm{};
  if (::gmtime_r(&t, &tm) == nullptr) std::abort();
  char printed[64];
  const size_t n = std::strftime(printed, sizeof printed, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (std::string_view(printed, n) != text) std::abort();
  return 0;
}
