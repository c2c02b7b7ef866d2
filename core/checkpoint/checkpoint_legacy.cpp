// Carrying position-keyed checkpoint entries ("flow2") over to the flows' keys (see the header).
#include "core/checkpoint/checkpoint_legacy.hpp"

#include <algorithm>

#include "core/tail/path_glob.hpp"
#include "core/text.hpp"

namespace ferry {
namespace {

bool some_file_matches(const FlowCheckpoint& entry, const std::string& pattern) {
  if (entry.files.empty()) return true;
  return std::any_of(entry.files.begin(), entry.files.end(), [&](const FileCheckpoint& file) {
    return matches_file_pattern(pattern, file.path);
  });
}

}  // namespace

std::vector<std::string> adopt_position_keyed_entries(Checkpoint& checkpoint,
                                                      std::span<const FlowKeys> flows) {
  std::vector<std::string> moved;
  for (const FlowKeys& flow : flows) {
    // A named flow's key is its name: its entry is its own already.
    if (flow.key == flow.name || checkpoint.find_flow(flow.key) != nullptr) continue;
    auto entry = std::find_if(checkpoint.flows.begin(), checkpoint.flows.end(),
                              [&](const FlowCheckpoint& f) { return f.flow == flow.name; });
    if (entry == checkpoint.flows.end() || !some_file_matches(*entry, flow.file_pattern)) continue;
    entry->flow = flow.key;
    moved.push_back(cat(flow.name, " -> ", flow.key));
  }
  return moved;
}

}  // namespace ferry
