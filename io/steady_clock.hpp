// steady_millis(): the monotonic clock in milliseconds, for the deadlines of the reactor and the
// shipper (batch linger, object age, retry pauses).
#pragma once

#include <chrono>
#include <cstdint>

namespace ferry {

// Wall-clock time in milliseconds since the epoch (for metrics that report ages).
inline int64_t unix_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline uint64_t steady_millis() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace ferry
