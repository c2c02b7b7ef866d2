// A flow's identity: what it reads and where it ships (the Kinesis Agent's checkpoint key), the
// key of its entry in the checkpoint, and the rule that two flows may not share either. Pure.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "agent/config/config.hpp"

namespace ferry::config {

// "s3://bucket/keyPrefix", "directory:/path", "firehose:name" or "kinesis:name", then " <- " and
// the file pattern: the same files into the same destination.
std::string source_and_destination(const Flow& flow);

// The flow's checkpoint entry: its "name" when one is given, else source_and_destination(), so
// that adding, removing or reordering flows (and agent.d files) never hands one flow's positions
// to another. Names are letters, digits, '_', '.' and '-', so the two kinds never meet.
std::string checkpoint_key_of(const Flow& flow, bool named);

// The first pair of flows that cannot live side by side: the same name, or the same files into
// the same destination (the Kinesis Agent refuses such a duplicate: every record would be
// shipped twice). `problem` says which, naming the earlier flow by `where(earlier)`.
struct FlowClash {
  std::size_t earlier = 0;
  std::size_t later = 0;
  bool same_name = false;
};
std::optional<FlowClash> find_flow_clash(const std::vector<Flow>& flows);
std::string describe_clash(const std::vector<Flow>& flows, const FlowClash& clash,
                           const std::string& earlier_where);

}  // namespace ferry::config
