// LOGTOJSON's built-in log formats, parsed by hand exactly as the Java Kinesis Agent's regular
// expressions match them (awslabs/amazon-kinesis-agent PatternConstants: whole-line matches,
// Java's \s, \w and `.`). Pure functions, any thread.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "core/convert/data_processing.hpp"

namespace ferry::processing {

inline constexpr std::size_t kMaxLogFields = 9;  // COMBINEDAPACHELOG

// The values of one line, views into it; nullopt is a group that did not take part (JSON null).
struct LogFields {
  std::array<std::optional<std::string_view>, kMaxLogFields> values;
  std::size_t count = 0;
};

// The format's field names, in the Java agent's order.
std::span<const std::string_view> log_field_names(LogFormat format);

// The Apache formats turn a value of exactly "-" into null; the syslog formats keep it.
inline bool dash_is_null(LogFormat format) {
  return format == LogFormat::common_apache || format == LogFormat::combined_apache ||
         format == LogFormat::apache_error;
}

// Whether `line` (valid UTF-8, without its newline) matches `format`; fills `fields` if so.
bool parse_log_line(LogFormat format, std::string_view line, LogFields& fields);

}  // namespace ferry::processing
