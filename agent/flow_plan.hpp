// How a reload changes the running flows: by checkpoint entry (a flow's identity), which flows
// it keeps as they are, changes, adds and removes; and whether a running pipeline can take the
// new configuration flow by flow, or only by starting again (a setting every flow shares).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agent/config/config.hpp"

namespace ferry {

struct FlowPlan {
  std::vector<std::pair<size_t, size_t>> kept;     // (running index, next index): equal
  std::vector<std::pair<size_t, size_t>> changed;  // (running index, next index): same entry
  std::vector<size_t> added;                       // next index
  std::vector<size_t> removed;                     // running index
};

FlowPlan plan_flows(const std::vector<config::Flow>& running,
                    const std::vector<config::Flow>& next);

// The shared setting `next` changes, e.g. "s3.*" (the S3 client every S3 flow shares); nullopt
// when every difference is inside flows (or in settings a reload applies alone).
std::optional<std::string> shared_settings_change(const config::Config& running,
                                                  const config::Config& next);

}  // namespace ferry
