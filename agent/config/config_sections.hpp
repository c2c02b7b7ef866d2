// Parsers for the parts of a flow in agent.json (internal to agent/config/config*.cpp): the flow's own
// keys, its "s3" / "directory" destination, and its "redact" rules. Pure functions, any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "agent/config/config.hpp"
#include "agent/config/config_values.hpp"

namespace ferry::config {

// What parsing one document carries along.
struct ParseContext {
  // Relative paths (checkpointFile, filePattern, directory.path) are taken relative to this
  // directory: the configuration file's, when loaded from a file. Empty: they are errors.
  std::string base_directory;
  std::vector<std::string> warnings;
  std::vector<std::string> notes;  // Parsed::notes
};

// flows[index]. The name defaults to "flow<index + 1>"; uniqueness is checked by the caller.
Result<Flow> parse_flow(element value, std::size_t index, ParseContext& context);

// The "s3" (when `s3`) or "directory" block at `path`, into flow.object and flow.destination.
Status parse_destination(element value, std::string_view path, bool s3, Flow& flow,
                         ParseContext& context);

// The "redact" array at `path`.
Result<std::vector<RedactionRule>> parse_redact_rules(element value, std::string_view path,
                                                      ParseContext& context);

}  // namespace ferry::config
