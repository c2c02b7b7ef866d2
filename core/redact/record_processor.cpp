// Converters, then redaction, for one record.
#include "core/redact/record_processor.hpp"

#include "core/assert.hpp"

namespace ferry {

RecordProcessor::RecordProcessor(const std::vector<ProcessingOption>& data_processing,
                                 std::vector<RedactionRule> rules, const RecordHooks& hooks)
    : ec2_(hooks.ec2), chain_(data_processing), redactor_(std::move(rules)) {
  if (!chain_.uses_ec2_metadata()) ec2_ = nullptr;  // no lock per record for nothing
}

RecordOutcome RecordProcessor::process(std::string_view record, bool piece,
                                       const RecordOrigin& origin, int64_t now_unix_millis,
                                       std::string& out) {
  if (piece && redactor_.has_rules()) {
    redactor_.append_invalid_marker(record, origin, out);
    return RecordOutcome::invalid;
  }
  std::string_view shipped = record;
  if (!chain_.empty()) {
    // A converter that fails leaves the record as read (the Java agent ships it raw); the
    // rules below still apply to it, fail-closed.
    // The snapshot stays alive while this record uses it, whatever the refresher publishes.
    const std::shared_ptr<const Ec2Metadata> ec2 = ec2_ ? ec2_->current() : nullptr;
    const ProcessingResult result =
        chain_.apply(record, ProcessingContext{now_unix_millis, ec2.get()}, converted_);
    if (result.status == ProcessingStatus::dropped) return RecordOutcome::dropped;
    shipped = converted_;
  }
  switch (redactor_.process(shipped, origin, out)) {
    case RedactOutcome::passed: return RecordOutcome::passed;
    case RedactOutcome::redacted: return RecordOutcome::redacted;
    case RedactOutcome::invalid: return RecordOutcome::invalid;
  }
  return RecordOutcome::passed;
}

}  // namespace ferry
