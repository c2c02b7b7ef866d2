// Where an AWS JSON/query service (Firehose, Kinesis, CloudWatch) is reached and which region
// signs for it, from the Kinesis Agent's endpoint keys ("firehose.endpoint", "kinesis.endpoint",
// "cloudwatch.endpoint"): a URL, a bare host name, or nothing.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace ferry {

struct AwsEndpoint {
  std::string url;     // "scheme://authority", no path and no trailing slash
  std::string host;    // the authority: the Host header (signed)
  std::string region;  // the signing region
};

// `configured`: "" (https://<service>.<region>.amazonaws.com), a bare host ("firehose.eu-west-1
// .amazonaws.com", https is implied) or an http(s) URL (a path of "/" at most). The region is
// `region_override` if set, else the one an AWS host name carries (<service>.<region>.amazonaws
// .com[.cn], also with "-fips"), else `default_region`. The error names what is wrong.
Result<AwsEndpoint> resolve_aws_endpoint(std::string_view configured, std::string_view service,
                                         std::string_view region_override,
                                         std::string_view default_region);

// An AWS region's name as written in a configuration or sent by S3: lowercase letters, digits and
// '-' ("eu-west-1"), not empty.
bool is_aws_region_name(std::string_view text);

// The Kinesis Agent's Firehose, Kinesis and CloudWatch clients (AWS SDK for Java v1, built
// without a region) sign for us-east-1 unless their endpoint names another region, whatever
// AWS_REGION or the instance says: ferry's `default_region` for those services.
inline constexpr std::string_view kKinesisAgentServiceRegion = "us-east-1";

// A warning when a service without an endpoint (and without kinesis.region) goes to
// kKinesisAgentServiceRegion while the configuration's region in effect is another: a user who
// expected `region` learns which key to set. Empty when there is nothing to say.
std::string implied_region_warning(std::string_view endpoint_key, std::string_view configured,
                                   std::string_view region_override, std::string_view region);

}  // namespace ferry
