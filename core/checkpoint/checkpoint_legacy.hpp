// Checkpoints written before flows had an identity of their own keyed an unnamed flow's entry by
// its position ("flow2"): adding, removing or reordering flows handed one flow's positions to
// another. This carries such entries over to the flows' keys once. Pure logic, any thread.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/checkpoint/checkpoint.hpp"

namespace ferry {

struct FlowKeys {
  std::string name;          // the flow's name now ("flow2" for the second flow, if unnamed)
  std::string key;           // its checkpoint key now
  std::string file_pattern;  // what it reads
};

// An entry named like an unnamed flow ("flow2") is taken over by that flow when the flow has no
// entry under its key yet, and the entry knows no file or at least one file whose last path the
// flow's pattern matches (so an entry written for another flow stays where it is). Names are
// unique, so no named flow is called "flow2" then. Returns "<old> -> <new>" for each entry moved.
std::vector<std::string> adopt_position_keyed_entries(Checkpoint& checkpoint,
                                                      std::span<const FlowKeys> flows);

}  // namespace ferry
