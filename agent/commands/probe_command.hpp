// `ferry --check-config --probe`: for every S3 destination, the requests ferry will need, tried
// once on a probe object of its own, so that a missing permission shows before the first unclean
// stop needs it (HeadObject and ListParts are only used by recovery). Calling thread.
#pragma once

#include <ostream>

#include "agent/config/config.hpp"

namespace ferry {

// Prints one line per request and destination; returns 0 when every request went through, 1
// otherwise (2 when S3 cannot be reached at all: no credentials).
int run_probe(const config::Config& config, std::ostream& out);

}  // namespace ferry
