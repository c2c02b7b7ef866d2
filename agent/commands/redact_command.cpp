// `ferry redact`: stdin through the flow's framer, converters and redactor to stdout, record by
// record as core/batch/batch_processor.cpp treats them (empty lines skipped, pieces of long lines
// invalid).
#include "agent/commands/redact_command.hpp"

#include <charconv>
#include <string>

#include "core/tail/line_framer.hpp"
#include "core/redact/record_processor.hpp"
#include "io/steady_clock.hpp"

namespace ferry {

std::optional<size_t> find_flow(const config::Config& config, std::string_view which) {
  for (size_t i = 0; i < config.flows.size(); ++i) {
    if (config.flows[i].name == which) return i;
  }
  size_t index = 0;
  const auto [end, error] = std::from_chars(which.data(), which.data() + which.size(), index);
  if (error != std::errc() || end != which.data() + which.size() || index >= config.flows.size()) {
    return std::nullopt;
  }
  return index;
}

RedactCommandCounts run_redact_command(const config::Flow& flow, std::istream& in,
                                       std::ostream& out) {
  RedactCommandCounts counts;
  LineFramer framer(0, flow.max_record_bytes);
  RecordProcessor processor(flow.data_processing, flow.redact);
  std::string chunk(1 << 16, '\0');
  std::string shipped;
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto got = static_cast<size_t>(in.gcount());
    if (got == 0) break;
    shipped.clear();
    framer.feed(std::string_view(chunk.data(), got),
                [&](std::string_view record, uint64_t offset, uint64_t end) {
                  const bool piece = end == offset + record.size();
                  if (record.empty() && !piece) return;  // an empty line carries no record
                  ++counts.records;
                  const RecordOrigin origin{"<stdin>", offset};
                  switch (processor.process(record, piece, origin, unix_millis(), shipped)) {
                    case RecordOutcome::passed: break;
                    case RecordOutcome::redacted: ++counts.redacted; break;
                    case RecordOutcome::invalid: ++counts.invalid; break;
                    case RecordOutcome::dropped: ++counts.dropped; break;
                  }
                });
    out << shipped;
  }
  counts.unterminated_bytes = framer.pending_bytes();
  processor.take_audit(counts.rules);
  return counts;
}

}  // namespace ferry
