// Rule orders that lose information silently (see redaction_order.hpp).
#include "core/redact/redaction_order.hpp"

#include <algorithm>

#include "core/redact/field_path.hpp"

namespace ferry {
namespace {

// Whether one path selects values inside (or equal to) what the other selects.
bool overlaps(const FieldPath& a, const FieldPath& b) {
  const size_t common = std::min(a.size(), b.size());
  return std::equal(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(common), b.begin());
}

bool changes_values(const RedactionRule& rule) {
  return !rule.patterns.empty() || rule.mode == RedactMode::replace;
}

bool loses_a_later_change(const RedactionRule& rule) {
  return rule.patterns.empty() && rule.mode != RedactMode::replace;  // hmac or remove
}

// The first of `later`'s fields that `earlier` reaches; empty if none.
std::string reached_field(const RedactionRule& earlier, const RedactionRule& later) {
  for (const std::string& field : later.fields) {
    if (earlier.every_string) return field;
    const Result<FieldPath> later_path = parse_field_path(field);
    if (!later_path.ok()) continue;  // the configuration refuses it
    for (const std::string& own : earlier.fields) {
      const Result<FieldPath> own_path = parse_field_path(own);
      if (own_path.ok() && overlaps(*own_path, *later_path)) return field;
    }
  }
  return {};
}

}  // namespace

std::vector<RuleOrderConflict> rule_order_conflicts(const std::vector<RedactionRule>& rules) {
  std::vector<RuleOrderConflict> conflicts;
  for (size_t earlier = 0; earlier < rules.size(); ++earlier) {
    if (!changes_values(rules[earlier])) continue;
    for (size_t later = earlier + 1; later < rules.size(); ++later) {
      if (!loses_a_later_change(rules[later])) continue;
      std::string field = reached_field(rules[earlier], rules[later]);
      if (field.empty()) continue;
      conflicts.push_back(RuleOrderConflict{earlier, later, std::move(field), rules[later].mode});
    }
  }
  return conflicts;
}

}  // namespace ferry
