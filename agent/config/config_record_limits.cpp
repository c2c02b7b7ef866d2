// A flow's record limits once its destination is known (see config_record_limits.hpp).
#include "agent/config/config_record_limits.hpp"

#include <algorithm>

#include "core/aws/stream_calls.hpp"
#include "core/text.hpp"

namespace ferry::config {
namespace {

bool is_line_break(char c) {
  return c == '\r' || c == '\n';
}

// The longest line a stream record holds: the service's record limit, less the partition key
// ferry sends with every Kinesis record and the line's own '\n'.
uint64_t stream_line_limit(const StreamDestination& stream) {
  const bool firehose = stream.kind == StreamDestination::Kind::firehose;
  const uint64_t record = firehose ? kFirehoseMaxRecordBytes : kKinesisMaxRecordBytes;
  return record - (firehose ? 0 : kPartitionKeyBytes) - 1;
}

void fit_to_stream(Flow& flow, const StreamDestination& stream, const RecordLimitKeys& keys,
                   std::vector<std::string>& warnings) {
  auto& terminator = flow.truncated_record_terminator;
  if (!terminator) {
    terminator.emplace();  // the Kinesis Agent's default "\n", which is the record's own
  } else if (!terminator->empty() && terminator->back() == '\n') {
    terminator->pop_back();  // its last line break ends the record, as every record's does
  }
  const uint64_t limit = stream_line_limit(stream);
  if (flow.max_record_bytes <= limit) return;
  if (!keys.record_bytes_where.empty()) {
    warnings.push_back(cat("config: ", keys.record_bytes_where, ": ", flow.max_record_bytes,
                           " is above the stream's record limit; a longer line is truncated at ",
                           limit, " bytes, as the Kinesis Agent does"));
  }
  flow.max_record_bytes = limit;
}

void fit_to_objects(Flow& flow, const RecordLimitKeys& keys, std::vector<std::string>& warnings) {
  auto& terminator = flow.truncated_record_terminator;
  if (!terminator) return;
  // The Kinesis Agent's default "\n" is the newline every shipped record ends with anyway.
  if (*terminator == "\n") {
    terminator->clear();
    return;
  }
  if (std::none_of(terminator->begin(), terminator->end(), is_line_break)) return;
  // A stream record may hold line breaks (the Kinesis Agent sends them); an object holds one
  // record per line, so there they would split the truncated record.
  std::erase_if(*terminator, is_line_break);
  warnings.push_back(cat("config: ", keys.terminator_where,
                         ": its line breaks are left out in this flow's objects (one record per "
                         "line); read as ",
                         quote_value(*terminator)));
}

}  // namespace

Status settle_record_limits(Flow& flow, const std::optional<StreamDestination>& stream,
                            const RecordLimitKeys& keys, std::vector<std::string>& warnings) {
  if (stream) {
    fit_to_stream(flow, *stream, keys, warnings);
  } else {
    fit_to_objects(flow, keys, warnings);
  }
  if (flow.truncated_record_terminator &&
      flow.truncated_record_terminator->size() >= flow.max_record_bytes) {
    return config_error(
        keys.terminator_where,
        cat("must be shorter than ", stream ? "a line of this flow" : "maxRecordBytes", " (",
            flow.max_record_bytes, " bytes)"));
  }
  return Ok{};
}

}  // namespace ferry::config
