// Redaction and framing of one batch; a flow without rules compresses its input as it is.
#include "core/batch/batch_processor.hpp"

#include "core/assert.hpp"

namespace ferry {

BatchProcessor::BatchProcessor(const FlowProcessingTable& table) : table_(table) {}

void BatchProcessor::catch_up() {
  const uint64_t version = table_.version();
  if (version == table_version_) return;
  FlowProcessingTable::View view = table_.since(static_cast<uint32_t>(flows_.size()));
  for (const FlowProcessing* flow : view.added)
    flows_.push_back(std::make_unique<FlowState>(*flow));
  for (const uint32_t ended : view.ended)
    if (ended < flows_.size()) flows_[ended].reset();
  table_version_ = view.version;
}

void BatchProcessor::process(Batch& batch, int64_t now_unix_millis) {
  FERRY_ASSERT(batch.kind == Batch::Kind::records);
  catch_up();
  FERRY_ASSERT(batch.flow < flows_.size() && flows_[batch.flow] != nullptr);
  FlowState& state = *flows_[batch.flow];
  batch.stats.records = batch.records.size();
  batch.stats.input_bytes = batch.input.size();
  batch.frame.clear();
  if (batch.records.empty()) return;  // positions only: nothing to ship

  if (state.records.passes_through()) {
    // Input already is NDJSON: records each followed by '\n', byte for byte.
    batch.stats.output_bytes = batch.input.size();
    if (state.keep_records) {
      for (const RecordRef& ref : batch.records) {
        FERRY_ASSERT(ref.begin + ref.length < batch.input.size() &&
                     batch.input[ref.begin + ref.length] == '\n');
        batch.record_ends.push_back(ref.begin + ref.length + 1);
      }
    }
    finish(state, batch.input.view(), batch);
    return;
  }
  scratch_.clear();
  scratch_.reserve(batch.input.size() + batch.input.size() / 8);
  for (const RecordRef& ref : batch.records) {
    FERRY_ASSERT(ref.source < batch.positions.size());
    const std::string_view record(batch.input.data() + ref.begin, ref.length);
    const RecordOrigin origin{batch.positions[ref.source].path, ref.offset};
    switch (state.records.process(record, ref.piece, origin, now_unix_millis, scratch_)) {
      case RecordOutcome::passed: break;
      case RecordOutcome::redacted: ++batch.stats.redacted; break;
      case RecordOutcome::invalid: ++batch.stats.invalid; break;
      case RecordOutcome::dropped: ++batch.stats.dropped; continue;
    }
    if (state.keep_records) batch.record_ends.push_back(static_cast<uint32_t>(scratch_.size()));
  }
  batch.stats.output_bytes = scratch_.size();
  state.records.take_audit(batch.stats.rules);
  finish(state, scratch_, batch);
}

void BatchProcessor::finish(FlowState& state, std::string_view ndjson, Batch& batch) {
  if (!state.keep_records) {
    state.compressor.compress_frame(ndjson, batch.frame);
    return;
  }
  FERRY_ASSERT(batch.record_ends.empty() || batch.record_ends.back() == ndjson.size());
  batch.frame.assign(ndjson);
}

}  // namespace ferry
