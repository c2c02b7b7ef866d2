// The HTTP Date header (RFC 9110's IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT") as Unix
// seconds: how S3 tells its own time when it refuses a request signed with a skewed clock
// (RequestTimeTooSkewed). Pure function over outside bytes, any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ferry {

// nullopt for anything but a valid IMF-fixdate (day name and date agree, GMT, years 1970..9999).
std::optional<int64_t> parse_http_date(std::string_view text);

}  // namespace ferry
