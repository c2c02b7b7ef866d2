// The ADDEC2METADATA refresher of a configuration (see ec2_metadata_setup.hpp).
#include "agent/setup/ec2_metadata_setup.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "io/credentials/credentials_metadata.hpp"

namespace ferry {

Result<std::unique_ptr<Ec2MetadataRefresher>> start_ec2_metadata(const config::Config& config,
                                                                 Ec2MetadataCell& cell) {
  uint64_t ttl_seconds = std::numeric_limits<uint64_t>::max();
  for (const config::Flow& flow : config.flows) {
    for (const ProcessingOption& option : flow.data_processing) {
      if (option.kind == ProcessingKind::add_ec2_metadata)
        ttl_seconds = std::min(ttl_seconds, option.metadata_ttl_seconds);
    }
  }
  if (ttl_seconds == std::numeric_limits<uint64_t>::max())
    return std::unique_ptr<Ec2MetadataRefresher>();
  const std::optional<std::string> endpoint = instance_metadata_endpoint_from_environment();
  if (!endpoint) {
    return make_error(
        "ADDEC2METADATA: the EC2 instance metadata service is disabled "
        "(AWS_EC2_METADATA_DISABLED=true); ferry does not ship records without the metadata they "
        "promise");
  }
  return Ec2MetadataRefresher::start(*endpoint, ttl_seconds, cell);
}

}  // namespace ferry
