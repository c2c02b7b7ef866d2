// The Kinesis Agent's HTTP keys (config::HttpTuning) as the options of an HttpClient: one
// mapping for every AWS client ferry makes (S3, streams, CloudWatch). Pure function.
#pragma once

#include "agent/config/config.hpp"
#include "io/aws/http_client.hpp"

namespace ferry {

// connectionTimeoutMillis: the connect timeout. socketTimeoutMillis: a connection that
// delivers no byte for that long (rounded up to whole seconds) is abandoned; with
// connectionTimeoutMillis it is also the base of every request's deadline (the sum, plus the
// body at 32 KiB/s: a trickling peer cannot hold a request for longer). connectionTTLMillis:
// no connection is reused once older (whole seconds, at least 1). useTcpKeepAlive: TCP probes.
// userAgentOverride: the User-Agent header (empty: "ferry/<version>"). Other fields keep
// HttpClientOptions' defaults.
HttpClientOptions http_options(const config::HttpTuning& tuning);

}  // namespace ferry
