// RecordProcessor: what happens to one record of a flow between framing and compression: the
// flow's dataProcessingOptions (the Kinesis Agent's converters), then its redaction rules.
// Shared by the workers (core/batch/batch_processor) and `ferry redact`. One per thread and flow.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/convert/data_processing_chain.hpp"
#include "core/aws/ec2_metadata_cell.hpp"
#include "core/redact/redaction_rule.hpp"
#include "core/redact/redactor.hpp"

namespace ferry {

// What a flow adds around its converters and rules.
struct RecordHooks {
  // ADDEC2METADATA's facts; null, or nothing published yet: records pass that step unchanged.
  const Ec2MetadataCell* ec2 = nullptr;
};

enum class RecordOutcome {
  passed,    // shipped as read (or as converted)
  redacted,  // a rule applied
  invalid,   // replaced by the invalid-record marker
  dropped,   // a converter filtered it out (LOGTOJSON on a line its pattern does not match);
             // the tailer drops fileFooterPattern's footers before they become records
};

class RecordProcessor {
 public:
  RecordProcessor(const std::vector<ProcessingOption>& data_processing,
                  std::vector<RedactionRule> rules, const RecordHooks& hooks = {});

  // Whether records pass byte for byte (no converter or rule): the caller may skip process().
  bool passes_through() const { return chain_.empty() && !redactor_.has_rules(); }

  // Appends what the flow ships for `record` (without its newline), followed by '\n', to `out`
  // (nothing when dropped). `piece`: a piece of a line longer than maxRecordBytes, which
  // becomes the invalid-record marker in a flow with rules (it cannot be vouched for).
  // `now_unix_millis`: ADDMETADATA's time.
  RecordOutcome process(std::string_view record, bool piece, const RecordOrigin& origin,
                        int64_t now_unix_millis, std::string& out);

  // Adds each rule's audit since the last call into `into` (Redactor::take_audit).
  void take_audit(std::vector<RuleAudit>& into) { redactor_.take_audit(into); }

 private:
  const Ec2MetadataCell* ec2_ = nullptr;
  ProcessingChain chain_;
  Redactor redactor_;
  std::string converted_;  // the record after the converters, capacity reused
};

}  // namespace ferry
