// A flow's identity and checkpoint key, and the clash rule between flows (see the header).
#include "agent/config/config_flow_identity.hpp"

#include <map>

#include "agent/config/config_values.hpp"
#include "core/text.hpp"

namespace ferry::config {

std::string source_and_destination(const Flow& flow) {
  std::string destination;
  if (const auto* s3 = std::get_if<S3Destination>(&flow.destination)) {
    destination = cat("s3://", s3->bucket, "/", flow.object.key_prefix);
  } else if (const auto* dir = std::get_if<DirectoryDestination>(&flow.destination)) {
    destination = cat("directory:", dir->path);
  } else {
    const auto& stream = std::get<StreamDestination>(flow.destination);
    destination = cat(stream.kind == StreamDestination::Kind::firehose ? "firehose:" : "kinesis:",
                      stream.name);
  }
  return cat(destination, " <- ", flow.file_pattern);
}

std::string checkpoint_key_of(const Flow& flow, bool named) {
  return named ? flow.name : source_and_destination(flow);
}

std::optional<FlowClash> find_flow_clash(const std::vector<Flow>& flows) {
  std::map<std::string, std::size_t> names, identities;
  for (std::size_t i = 0; i < flows.size(); ++i) {
    if (const auto [it, added] = names.emplace(flows[i].name, i); !added)
      return FlowClash{it->second, i, true};
    if (const auto [it, added] = identities.emplace(source_and_destination(flows[i]), i); !added)
      return FlowClash{it->second, i, false};
  }
  return std::nullopt;
}

std::string describe_clash(const std::vector<Flow>& flows, const FlowClash& clash,
                           const std::string& earlier_where) {
  if (clash.same_name)
    return cat("flow name ", quote_value(flows[clash.later].name), " is already used by ",
               earlier_where,
               "; flow names must be unique across agent.json and agent.d (unnamed flows are "
               "flow1, flow2, ...)");
  return cat("reads the same files into the same destination as ", earlier_where, " (",
             source_and_destination(flows[clash.later]),
             "): every record would be shipped twice, and the Kinesis Agent refuses such a "
             "duplicate too; remove one of them");
}

}  // namespace ferry::config
