// Rules apply in order, each to the result of the ones before it (docs/redaction.md). This finds
// the orders that lose information silently: a rule that changes a value (replace, or patterns)
// before a later rule pseudonymises it (hmac: every user would share the pseudonym of the
// replacement) or removes it (the earlier rule's audit then counts values that are not shipped
// anyway). Pure; the configuration turns each into a warning.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/redact/redaction_rule.hpp"

namespace ferry {

struct RuleOrderConflict {
  size_t earlier = 0;  // index in the flow's rules
  size_t later = 0;
  std::string field;  // the later rule's field the earlier one reaches
  RedactMode later_mode = RedactMode::hmac;
};

// Every pair (earlier, later) whose selections overlap: a path equal to or inside the other's,
// or any field at all when the earlier rule's patterns run on every string. One entry per pair.
std::vector<RuleOrderConflict> rule_order_conflicts(const std::vector<RedactionRule>& rules);

}  // namespace ferry
