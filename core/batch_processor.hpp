// BatchProcessor: a worker's CPU work on one batch: redact every record (flows with rules),
// then compress the NDJSON into one zstd frame. One per worker thread, one state per flow.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/batch.hpp"
#include "core/compressor.hpp"
#include "core/redaction_rule.hpp"
#include "core/redactor.hpp"

namespace ferry {

struct FlowProcessing {
  std::vector<RedactionRule> rules;
  int compression_level = 3;
};

class BatchProcessor {
 public:
  explicit BatchProcessor(const std::vector<FlowProcessing>& flows);

  // Fills batch.frame and batch.stats from batch.input / records / positions.
  void process(Batch& batch);

 private:
  struct FlowState {
    explicit FlowState(const FlowProcessing& flow)
        : redactor(flow.rules), compressor(flow.compression_level) {}
    Redactor redactor;
    ZstdFrameCompressor compressor;
  };
  std::vector<std::unique_ptr<FlowState>> flows_;
  std::string scratch_;  // redacted NDJSON of the current batch, capacity reused
};

}  // namespace ferry
