// `ferry redact`: prints what a flow would ship for the lines of a stream, to try rules out.
// Frames and redacts exactly as the workers do (LineFramer, Redactor); no compression, no state.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <ostream>
#include <string_view>
#include <vector>

#include "agent/config/config.hpp"

namespace ferry {

struct RedactCommandCounts {
  uint64_t records = 0;
  uint64_t redacted = 0;
  uint64_t invalid = 0;
  uint64_t dropped = 0;             // filtered out by a dataProcessingOptions converter
  uint64_t unterminated_bytes = 0;  // after the last newline: ferry waits for it, never ships
  std::vector<RuleAudit> rules;     // what each of the flow's rules did
};

// The flow named `which`, or else flows[which] when `which` is a decimal index from 0.
std::optional<size_t> find_flow(const config::Config& config, std::string_view which);

// Reads `in` to its end and writes the NDJSON the flow would ship to `out`.
RedactCommandCounts run_redact_command(const config::Flow& flow, std::istream& in,
                                       std::ostream& out);

}  // namespace ferry
