// FERRY_ASSERT: invariants checked in every build type, release included.
// A broken invariant stops the process loudly instead of corrupting data quietly.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FERRY_ASSERT(cond)                                                                       \
  do {                                                                                           \
    if (!(cond)) [[unlikely]] {                                                                  \
      std::fprintf(stderr, "ferry: assertion failed: %s at %s:%d\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                              \
    }                                                                                            \
  } while (0)
