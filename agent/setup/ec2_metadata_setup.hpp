// ADDEC2METADATA for a configuration: the instance metadata refresher its flows share, started
// before any record is read.
#pragma once

#include <memory>

#include "agent/config/config.hpp"
#include "core/aws/ec2_metadata_cell.hpp"
#include "core/result.hpp"
#include "io/credentials/ec2_metadata_refresher.hpp"

namespace ferry {

// Null when no flow uses ADDEC2METADATA. Otherwise the refresher publishing to `cell`, every
// smallest metadataTTL of those flows; an error when IMDS cannot be read now (or is disabled
// with AWS_EC2_METADATA_DISABLED).
Result<std::unique_ptr<Ec2MetadataRefresher>> start_ec2_metadata(const config::Config& config,
                                                                 Ec2MetadataCell& cell);

}  // namespace ferry
