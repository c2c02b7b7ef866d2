// ferry's log line layouts (see log_line.hpp).
#include "core/observe/log_line.hpp"

#include <cstdio>

#include "core/assert.hpp"
#include "core/text.hpp"

namespace ferry {

namespace {

// 2026-11-24T03:15:23.375Z
std::string iso_utc(const LogTime& utc) {
  FERRY_ASSERT(utc.utc_offset_seconds == 0);
  char stamp[64];
  std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.year, utc.month,
                utc.day, utc.hour, utc.minute, utc.second, utc.millis);
  return stamp;
}

}  // namespace

std::string_view level_name(log::Level level) {
  switch (level) {
    case log::Level::debug: return "debug";
    case log::Level::info: return "info";
    case log::Level::warn: return "warn";
    case log::Level::error: return "error";
  }
  return "?";
}

std::string text_log_line(const LogTime& utc, log::Level level, std::string_view message) {
  std::string line = iso_utc(utc);
  const std::string_view name = level_name(level);
  line.push_back(' ');
  line.append(name).append(name.size() < 5 ? 5 - name.size() : 0, ' ');
  line.push_back(' ');
  line.append(message).push_back('\n');
  return line;
}

std::string json_log_line(const LogTime& utc, log::Level level, std::string_view message) {
  std::string line("{\"time\":\"");
  line.append(iso_utc(utc)).append("\",\"level\":\"").append(level_name(level));
  line.append("\",\"message\":");
  append_json_string(line, message);
  line.append("}\n");
  return line;
}

}  // namespace ferry
