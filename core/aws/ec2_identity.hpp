// ADDEC2METADATA's facts from the instance metadata service's answers: the instance identity
// document (GET /latest/dynamic/instance-identity/document) and the instance's tags. Pure
// parsing of outside bytes (fuzzed by fuzz/ec2_identity_fuzz.cpp); the fetch belongs in io/.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/convert/data_processing.hpp"
#include "core/result.hpp"

namespace ferry {

// The identity document's privateIp, availabilityZone, instanceId, instanceType, accountId,
// imageId and region (a missing one is ""; instanceId is required), stamped with the fetch time
// as the Java agent prints it: "2026-11-24T06:19:51+0000".
Result<Ec2Metadata> parse_instance_identity(std::string_view document, int64_t fetched_unix_millis);

// A tag as DescribeTags or the metadata service's tags/instance/ gives it; the Java agent
// lowercases the key. Marks the metadata as having tags.
void add_instance_tag(Ec2Metadata& metadata, std::string_view key, std::string_view value);

// One GET against the instance metadata service (IMDSv2 session handled by the caller): the
// body, nullopt for a 404, or an error.
using InstanceMetadataGet =
    std::function<Result<std::optional<std::string>>(std::string_view path)>;

// Everything ADDEC2METADATA adds, from the identity document and the instance's tags in
// metadata (`tags/instance/`, one key per line, then each value; a 404 there means tags in
// metadata are off: no "tags", as when the Java agent's DescribeTags fails). At most 64 tags.
Result<Ec2Metadata> collect_ec2_metadata(const InstanceMetadataGet& get,
                                         int64_t fetched_unix_millis);

}  // namespace ferry
