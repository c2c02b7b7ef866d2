// Validation rules for configuration strings: paths, file patterns, bucket names, key prefixes,
// URLs, flow names. Pure functions, any thread; each returns the problem, or "" when valid.
#pragma once

#include <string>
#include <string_view>

namespace ferry::config {

// A relative `value` joined to `base_directory` and normalized ("a/../b" is "b"); an absolute
// one, or any value when `base_directory` is empty, unchanged.
std::string resolve_path(std::string_view value, std::string_view base_directory);

std::string check_absolute_path(std::string_view value);
// Absolute; `*` and `?` in any component; no [..] or {..} globs yet.
std::string check_file_pattern(std::string_view value);
// 3-63 characters of [a-z0-9.-], starting and ending with a letter or digit, no "..".
std::string check_bucket_name(std::string_view value);
// strftime fields %Y %m %d %H %M %S %j %% and {flow} {host} only; relative; no ".." segment.
std::string check_key_prefix(std::string_view value);
// http:// or https:// followed by a host.
std::string check_endpoint_url(std::string_view value);
// [A-Za-z0-9_.-]+, not "." or "..": it becomes part of object keys and paths.
std::string check_flow_name(std::string_view value);
// [a-z0-9-]+, e.g. us-east-1.
std::string check_region(std::string_view value);

}  // namespace ferry::config
