// Backoff between tries: a pause that doubles from a first value up to a cap, and jitter, so
// that many clients that lost the same endpoint do not come back at the same moment.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>

#include "core/assert.hpp"

namespace ferry {

// The pause before try `n` + 1 after `n` failures in a row (n = 0 counts as 1): `first`,
// doubled with each failure, never more than `cap`.
inline uint64_t doubling_backoff(uint64_t first, uint64_t cap, uint64_t n) {
  FERRY_ASSERT(first > 0 && first <= cap);
  uint64_t pause = first;
  for (uint64_t i = 1; i < n && pause < cap; ++i) pause *= 2;
  return std::min(pause, cap);
}

// "Equal jitter": uniform in [pause / 2, pause]; waits at least half the pause.
template <class Random>
uint64_t equal_jitter(uint64_t pause, Random& random) {
  return std::uniform_int_distribution<uint64_t>(pause / 2, pause)(random);
}

// "Full jitter": uniform in [0, pause]; spreads tries the most (one request's attempts).
template <class Random>
uint64_t full_jitter(uint64_t pause, Random& random) {
  return std::uniform_int_distribution<uint64_t>(0, pause)(random);
}

}  // namespace ferry
