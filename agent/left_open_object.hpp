// What a start asks a flow's destination about the object an earlier run left open: whether it
// was completed, whether its upload still holds its acknowledged parts (then it is continued, or
// completed with them), or else that it is built again; and the abort of an upload begun with no
// part recorded. Only requests and the writer: no shipper state, so it may run on a thread of
// its own while the other flows ship (a destination that stalls holds up its own flow alone).
// The Shipper applies the outcome to the checkpoint (agent/shipper_recovery.cpp).
#pragma once

#include <optional>
#include <string>

#include "core/checkpoint/checkpoint.hpp"
#include "core/result.hpp"
#include "io/object_writer.hpp"

namespace ferry {

// A flow's leftovers in the checkpoint, copied: the writer is the flow's, used by nobody else
// until the outcome is applied.
struct LeftOpen {
  std::string flow;  // its name, for the log
  ObjectWriter* writer = nullptr;
  std::optional<OpenObject> open;        // the object left open
  std::optional<StartedUpload> started;  // an upload begun with no part recorded
};

struct Settled {
  enum class Outcome : uint8_t {
    none,       // nothing was open
    delivered,  // complete at the destination (before the restart, or completed now)
    rebuild,    // not complete: read again from the committed offsets, same key, new upload
    continued,  // the writer continues its upload after the acknowledged parts
  };
  // An error: the destination could not be asked now; nothing was decided and the flow fails.
  Status status = Ok{};
  Outcome outcome = Outcome::none;
};

// Asks the destination and settles `left`: blocking, bounded by the writer's request deadlines
// and attempts. The started upload is aborted unless the open object continues it (a failed
// abort is logged: a lifecycle rule removes the upload).
Settled settle_at_destination(const LeftOpen& left);

}  // namespace ferry
