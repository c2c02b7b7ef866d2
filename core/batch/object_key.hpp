// Object naming: renders a flow's keyPrefix (strftime fields in UTC, {flow}, {host}) and builds
// object names unique per host and flow, always ending in lowercase ".json.zst" (Athena needs it).
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

namespace ferry {

// Expands %Y %m %d %H %M %S %j %% (UTC fields of `utc_seconds`) and {flow} / {host}.
// The template was validated with the config; an unknown field is copied as it is.
std::string render_key_prefix(std::string_view key_prefix, std::time_t utc_seconds,
                              std::string_view flow, std::string_view host);

// Keeps [A-Za-z0-9._-] and maps everything else to '-', so a host name is safe in a key.
std::string sanitize_key_component(std::string_view text);

struct ObjectNameParts {
  std::string_view host;  // sanitized
  std::string_view flow;  // validated flow name
  std::time_t utc_seconds;
  uint64_t run_id;    // random per process start: separates restarts
  uint64_t sequence;  // per flow, increasing within a run
};

// "<host>_<flow>_<YYYYmmddTHHMMSSZ>_<run id hex>_<sequence>.json.zst"
std::string object_name(const ObjectNameParts& parts);

}  // namespace ferry
