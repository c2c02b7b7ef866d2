// steady_millis(): the monotonic clock in milliseconds, for the deadlines of the reactor and the
// shipper (batch linger, object age, retry pauses).
#pragma once

#include <chrono>
#include <cstdint>

namespace ferry {

inline uint64_t steady_millis() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace ferry
