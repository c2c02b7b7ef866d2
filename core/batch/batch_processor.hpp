// BatchProcessor: a worker's CPU work on one batch: convert and redact every record (flows with
// dataProcessingOptions or rules), then compress the NDJSON into one zstd frame (or, for stream
// flows, keep it as records). One per worker thread, one state per flow.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/batch/batch.hpp"
#include "core/batch/compressor.hpp"
#include "core/batch/flow_processing.hpp"
#include "core/batch/flow_processing_table.hpp"
#include "core/redact/record_processor.hpp"

namespace ferry {

class BatchProcessor {
 public:
  // Flows as the table has them, caught up with before each batch; ended ones are dropped.
  explicit BatchProcessor(const FlowProcessingTable& table);

  // Fills batch.frame and batch.stats from batch.input / records / positions. `now_unix_millis`
  // is the time ADDMETADATA writes (read once per batch by the caller).
  void process(Batch& batch, int64_t now_unix_millis);

 private:
  struct FlowState;
  // The processed NDJSON `ndjson` becomes the batch's frame: compressed, or kept as it is.
  static void finish(FlowState& state, std::string_view ndjson, Batch& batch);

  struct FlowState {
    explicit FlowState(const FlowProcessing& flow)
        : records(flow.data_processing, flow.rules, flow.hooks),
          compressor(flow.compression_level),
          keep_records(flow.keep_records) {}
    RecordProcessor records;
    ZstdFrameCompressor compressor;
    const bool keep_records;
  };
  // Takes the flows added to and ended in table_ since the last look.
  void catch_up();

  std::vector<std::unique_ptr<FlowState>> flows_;  // by flow number; null once ended
  const FlowProcessingTable& table_;
  uint64_t table_version_ = 0;
  std::string scratch_;  // processed NDJSON of the current batch, capacity reused
};

}  // namespace ferry
