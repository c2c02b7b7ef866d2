// Athena partition projection for a flow's objects: the table LOCATION and the projected
// partition columns read off the flow's keyPrefix template (core/batch/object_key.hpp). Pure logic.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace ferry {

struct AthenaPartition {
  enum class Kind { date, integer, injected };
  std::string name;  // the partition column (a string column for date and injected, int else)
  Kind kind = Kind::date;
  std::string format;  // date: Java date pattern ("yyyy-MM-dd", "yyyy/MM/dd/HH")
  std::string unit;    // date: interval unit, the finest field (YEARS .. SECONDS)
  std::string range;   // date: "NOW-3YEARS,NOW" or "<since, formatted>,NOW"; int: "0,23"
  int digits = 0;      // integer: zero-padded width
};

// Where a flow's objects are and how their key prefix splits into partitions.
struct AthenaLayout {
  std::string location;           // the static part: "s3://bucket/wickr/"
  std::string location_template;  // "s3://bucket/wickr/dt=${dt}/hour=${hour}/"; empty: none
  std::vector<AthenaPartition> partitions;
  std::string unpartitioned_reason;  // why the prefix could not be projected, when it could not
};

// `root` is "s3://bucket/" (or where a directory flow's objects were copied), `key_prefix` the
// flow's validated keyPrefix, `flow` its name ({flow} is a constant for one table). The folders
// of the prefix (up to its last '/') before the first field make the location; the rest become
// partitions:
//   name=<fields with %Y>  -> date column `name`        unnamed run like %Y/%m/%d -> date `dt`
//   name=%H (one field)    -> integer column `name`     unnamed %H -> integer `hour` (etc.)
//   name={host} / {host}   -> injected column (queries must name the host)
// Anything else (a field mixed with {host} or with text outside a date) leaves the table
// unpartitioned, with the reason. Partition names avoid `taken` (the data columns).
// `since` (UTC) starts the date range; without it the range is the last three years.
Result<AthenaLayout> plan_athena_layout(std::string_view root, std::string_view key_prefix,
                                        std::string_view flow,
                                        const std::vector<std::string>& taken,
                                        std::optional<std::time_t> since);

}  // namespace ferry
