// Batch: the unit that moves between stages: whole records of one flow with their source
// positions, then the zstd frame made of them (or, for a stream flow, the processed records).
// Reactor fills it, a worker compresses, the shipper appends the frame to an object and returns the
// batch to the pool.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/batch/input_buffer.hpp"
#include "core/redact/redaction_rule.hpp"
#include "core/tail/file_identity.hpp"

namespace ferry {

// Where a file stands after the records of a batch: the checkpoint may move it here once the
// object holding the batch is durable.
struct SourcePosition {
  std::string path;
  FileIdentity identity;
  uint64_t end_offset = 0;
};

struct RecordRef {
  uint32_t begin = 0;   // into Batch::input
  uint32_t length = 0;  // without the newline
  uint32_t source = 0;  // index into Batch::positions
  bool piece = false;   // a max-size piece of an over-long line, not a whole line
  uint64_t offset = 0;  // of the record in its file
};

struct BatchStats {
  uint64_t records = 0;
  uint64_t redacted = 0;
  uint64_t invalid = 0;
  uint64_t dropped = 0;  // filtered out by a dataProcessingOptions converter
  uint64_t input_bytes = 0;
  uint64_t output_bytes = 0;     // NDJSON after redaction, before compression
  std::vector<RuleAudit> rules;  // what each of the flow's redaction rules did, by rule
};

struct Batch {
  enum class Kind {
    records,       // input -> frame
    end_of_input,  // no more batches of this flow: complete the open object (--once, shutdown)
  };
  Kind kind = Kind::records;
  uint32_t flow = 0;
  uint64_t sequence = 0;             // per flow, dense from 0: the shipper restores this order
  uint64_t first_record_millis = 0;  // steady clock, when the first record was added
  InputBuffer input;                 // each record followed by '\n', as NDJSON
  std::vector<RecordRef> records;
  std::vector<SourcePosition> positions;
  // A zstd frame of the processed NDJSON; for a stream flow, that NDJSON itself, uncompressed,
  // with record_ends marking where each record (its '\n' included) ends.
  std::string frame;
  std::vector<uint32_t> record_ends;
  BatchStats stats;

  void reset() {
    kind = Kind::records;
    flow = 0;
    sequence = 0;
    first_record_millis = 0;
    input.clear();
    records.clear();
    positions.clear();
    frame.clear();
    record_ends.clear();
    stats = {};
  }
};

}  // namespace ferry
