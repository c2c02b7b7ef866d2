// A flow's record limits once its destination is known (internal to agent/config/config*.cpp):
// maxRecordBytes and truncatedRecordTerminator checked against each other, fitted to a stream's
// record limit, and the terminator's line breaks settled for the destination.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agent/config/config.hpp"
#include "agent/config/config_values.hpp"

namespace ferry::config {

struct RecordLimitKeys {
  std::string record_bytes_where;  // "flows[N].maxRecordBytes" if set
  std::string terminator_where;    // "flows[N].truncatedRecordTerminator" if set
};

// On a stream flow, as the Kinesis Agent: every line over the service's record limit is
// truncated to it (the terminator defaults to the Agent's "\n"), and a terminator's final line
// break is the record's own. On an object flow, the terminator's line breaks are left out.
Status settle_record_limits(Flow& flow, const std::optional<StreamDestination>& stream,
                            const RecordLimitKeys& keys, std::vector<std::string>& warnings);

}  // namespace ferry::config
