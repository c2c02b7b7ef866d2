// BatchProcessor: a worker's CPU work on one batch: convert and redact every record (flows with
// dataProcessingOptions or rules), then compress the NDJSON into one zstd frame. One per worker
// thread, one state per flow.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/batch.hpp"
#include "core/compressor.hpp"
#include "core/record_processor.hpp"
#include "core/redaction_rule.hpp"

namespace ferry {

struct FlowProcessing {
  std::vector<ProcessingOption> data_processing;  // the Kinesis Agent's converters, first
  std::vector<RedactionRule> rules;
  int compression_level = 3;
};

class BatchProcessor {
 public:
  explicit BatchProcessor(const std::vector<FlowProcessing>& flows);

  // Fills batch.frame and batch.stats from batch.input / records / positions. `now_unix_millis`
  // is the time ADDMETADATA writes (read once per batch by the caller).
  void process(Batch& batch, int64_t now_unix_millis);

 private:
  struct FlowState {
    explicit FlowState(const FlowProcessing& flow)
        : records(flow.data_processing, flow.rules), compressor(flow.compression_level) {}
    RecordProcessor records;
    ZstdFrameCompressor compressor;
  };
  std::vector<std::unique_ptr<FlowState>> flows_;
  std::string scratch_;  // processed NDJSON of the current batch, capacity reused
};

}  // namespace ferry
