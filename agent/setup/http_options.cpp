// config::HttpTuning to HttpClientOptions (see http_options.hpp).
#include "agent/setup/http_options.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace ferry {
namespace {

long whole_seconds_up(uint64_t millis) {
  return static_cast<long>(std::max<uint64_t>(1, (millis + 999) / 1000));
}

}  // namespace

HttpClientOptions http_options(const config::HttpTuning& tuning) {
  HttpClientOptions options;
  options.connect_timeout_millis = static_cast<long>(tuning.connection_timeout_millis);
  // "No byte for this long": under 1 byte per second over the whole window.
  options.low_speed_bytes_per_second = 1;
  options.low_speed_seconds = whole_seconds_up(tuning.socket_timeout_millis);
  // The whole request: connect, then the answer within a socket timeout, plus the body's time
  // at the minimum average speed (HttpClientOptions::min_average_bytes_per_second).
  options.deadline_base_millis =
      static_cast<long>(tuning.connection_timeout_millis + tuning.socket_timeout_millis);
  options.max_connection_age_seconds =
      tuning.connection_ttl_millis == 0 ? 0 : whole_seconds_up(tuning.connection_ttl_millis);
  options.tcp_keepalive = tuning.tcp_keepalive;
  if (!tuning.user_agent.empty()) {
    options.user_agent = tuning.user_agent;
  } else if (!tuning.user_agent_prefix.empty()) {
    options.user_agent = cat(tuning.user_agent_prefix, " ", default_user_agent());
  }
  return options;
}

}  // namespace ferry
