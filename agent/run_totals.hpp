// What ferry did, read from the metrics registry (the one source of the counts): the `done:`
// line of the whole process, and the summary of one run between reloads (the totals at its end
// less those at its start). The registry's counters survive reloads; a flow removed by one
// keeps what it did.
#pragma once

#include <cstdint>
#include <string>

#include "core/observe/metrics.hpp"

namespace ferry {

struct RunTotals {
  uint64_t records = 0;  // read and processed (shipped, or a marker, or dropped)
  uint64_t redacted = 0;
  uint64_t invalid = 0;
  uint64_t dropped = 0;
  uint64_t truncated = 0;
  uint64_t bytes_read = 0;
  uint64_t objects = 0;
  uint64_t bytes_shipped = 0;  // compressed bytes of completed objects; record bytes of streams
  uint64_t stream_calls = 0;

  RunTotals& operator-=(const RunTotals& earlier);
};

// Over every flow registered since the start, active or not.
RunTotals run_totals(const Metrics& metrics);

// "21 records (15 redacted, 1 invalid, 0 dropped), 5060 bytes read, 2 objects, 1485 bytes
// shipped, 94 ms, 53.4 kB/s" (stream calls and truncations when there were any).
std::string describe_totals(const RunTotals& totals, uint64_t millis);

}  // namespace ferry
