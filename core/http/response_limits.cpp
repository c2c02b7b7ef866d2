// Body caps and request deadlines (see the header).
#include "core/http/response_limits.hpp"

#include <algorithm>
#include <limits>

#include "core/assert.hpp"

namespace ferry {
namespace {

// What a std::string holds without allocating (its small buffer) counts as within any cap.
size_t grown_limit(size_t cap) {
  return std::max(cap, std::string().capacity());
}

}  // namespace

bool append_within_cap(std::string& body, std::string_view data, size_t cap) {
  FERRY_ASSERT(body.size() <= cap);
  if (data.size() > cap - body.size()) return false;
  const size_t needed = body.size() + data.size();
  if (needed > body.capacity()) {
    // Doubling, clamped to the cap. A fresh string gets exactly what it reserves (a reserve on
    // a grown string may round up to twice its old capacity, past the cap).
    const size_t doubled = body.capacity() > cap / 2 ? cap : body.capacity() * 2;
    std::string grown;
    grown.reserve(std::min(cap, std::max({needed, doubled, size_t{4096}})));
    FERRY_ASSERT(grown.capacity() <= grown_limit(cap));
    grown.append(body);
    body.swap(grown);
  }
  body.append(data);
  FERRY_ASSERT(body.size() <= cap);
  return true;
}

size_t body_cap_for_status(long status, size_t success_cap, size_t error_cap) {
  return status >= 200 && status < 300 ? success_cap : error_cap;
}

uint64_t request_deadline_millis(uint64_t body_bytes, uint64_t base_millis,
                                 uint64_t min_bytes_per_second) {
  FERRY_ASSERT(min_bytes_per_second > 0 && min_bytes_per_second <= (uint64_t{1} << 40));
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  const uint64_t seconds = body_bytes / min_bytes_per_second;
  const uint64_t rest = body_bytes % min_bytes_per_second;
  if (seconds > kMax / 1000) return kMax;
  const uint64_t transfer = seconds * 1000 + (rest * 1000 + min_bytes_per_second - 1) /
                                                 min_bytes_per_second;  // rest < speed: no overflow
  return transfer > kMax - base_millis ? kMax : base_millis + transfer;
}

}  // namespace ferry
