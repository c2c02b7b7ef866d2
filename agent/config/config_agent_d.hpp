// The Kinesis Agent's agent.d directory (internal to agent/config/config.cpp): the "flows" of every
// regular file in it join those of agent.json, files in name order.
#pragma once

#include <string>
#include <vector>

#include "agent/config/config.hpp"
#include "agent/config/config_sections.hpp"

namespace ferry::config {

// Appends the flows of every regular file of `directory` (none when the directory does not
// exist) to `flows`, which came from `main_file`. Messages of a file's flows are
// "config: <file>: flows[N]..."; keys other than "flows" are warned about and ignored, and a file
// that cannot be read, is not JSON, has no "flows" or a flow in error is skipped with a warning
// (as the Kinesis Agent does), its flows not run.
// An unnamed flow is "flow<N>" with N counted across all files; names must be unique across
// all files. Relative paths in a file are taken relative to `directory`.
Status add_agent_d_flows(const std::string& directory, const std::string& main_file,
                         std::vector<Flow>& flows, ParseContext& context);

}  // namespace ferry::config
