// Reload planning (see the header).
#include "agent/flow_plan.hpp"

#include <algorithm>
#include <limits>

namespace ferry {
namespace {

// The instance metadata refresher's period: the smallest ADDEC2METADATA metadataTTL (0: none).
uint64_t ec2_metadata_ttl(const config::Config& config) {
  uint64_t ttl = std::numeric_limits<uint64_t>::max();
  for (const auto& flow : config.flows)
    for (const auto& option : flow.data_processing)
      if (option.kind == ProcessingKind::add_ec2_metadata)
        ttl = std::min(ttl, option.metadata_ttl_seconds);
  return ttl == std::numeric_limits<uint64_t>::max() ? 0 : ttl;
}

}  // namespace

FlowPlan plan_flows(const std::vector<config::Flow>& running,
                    const std::vector<config::Flow>& next) {
  FlowPlan plan;
  const auto find = [](const std::vector<config::Flow>& flows, const std::string& key) {
    for (size_t i = 0; i < flows.size(); ++i)
      if (flows[i].checkpoint_key == key) return std::optional<size_t>(i);
    return std::optional<size_t>();
  };
  for (size_t n = 0; n < next.size(); ++n) {
    const std::optional<size_t> r = find(running, next[n].checkpoint_key);
    if (!r)
      plan.added.push_back(n);
    else if (running[*r] == next[n])
      plan.kept.emplace_back(*r, n);
    else
      plan.changed.emplace_back(*r, n);
  }
  for (size_t r = 0; r < running.size(); ++r)
    if (!find(next, running[r].checkpoint_key)) plan.removed.push_back(r);
  return plan;
}

std::optional<std::string> shared_settings_change(const config::Config& running,
                                                  const config::Config& next) {
  if (!(running.s3 == next.s3)) return "s3.* (the S3 client every S3 flow shares)";
  if (!(running.streams == next.streams))
    return "firehose.*, kinesis.* or maxSendingThreads* (the stream senders every stream flow "
           "shares)";
  if (!(running.http == next.http)) return "the HTTP keys (every client's connections)";
  if (!(running.credentials == next.credentials)) return "the credential keys";
  if (running.checkpoint_file != next.checkpoint_file) return "checkpointFile";
  if (running.checkpoint_ttl_days != next.checkpoint_ttl_days) return "checkpointTimeToLiveDays";
  if (ec2_metadata_ttl(running) != ec2_metadata_ttl(next))
    return "the flows' ADDEC2METADATA (the instance metadata they share)";
  return std::nullopt;
}

}  // namespace ferry
