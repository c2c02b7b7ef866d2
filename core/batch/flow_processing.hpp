// FlowProcessing: what the workers do to one flow's records: the Kinesis Agent's converters,
// redaction, and compression (or, for a stream flow, records kept as they are).
#pragma once

#include <vector>

#include "core/convert/data_processing.hpp"
#include "core/redact/record_processor.hpp"
#include "core/redact/redaction_rule.hpp"

namespace ferry {

struct FlowProcessing {
  std::vector<ProcessingOption> data_processing;  // the Kinesis Agent's converters, first
  std::vector<RedactionRule> rules;
  int compression_level = 3;
  // A Kinesis / Firehose flow: records are sent one by one, so the frame stays uncompressed
  // NDJSON and the batch says where each record ends.
  bool keep_records = false;
  RecordHooks hooks;  // fileFooterPattern, ADDEC2METADATA's metadata
};

}  // namespace ferry
