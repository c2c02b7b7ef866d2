// The lines of ferry's own layout: `<UTC time> <level> <message>` or one JSON object, for
// stderr (core/observe/log.cpp) and for log.file with "log.format": "json". Pure formatting, any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/observe/log.hpp"

namespace ferry {

// A moment as a log line shows it, in the time zone `utc_offset_seconds` east of UTC.
struct LogTime {
  int year = 1970;
  int month = 1;  // 1 .. 12
  int day = 1;    // 1 .. 31
  int hour = 0;
  int minute = 0;
  int second = 0;  // 0 .. 60 (a leap second)
  int millis = 0;  // 0 .. 999
  long utc_offset_seconds = 0;
};

// "debug", "info", "warn", "error".
std::string_view level_name(log::Level level);

// `2026-11-24T03:15:23.375Z info  <message>\n`; `utc` must be in UTC. `message` is taken as it
// is: the caller made it inert (core/observe/log_text.hpp).
std::string text_log_line(const LogTime& utc, log::Level level, std::string_view message);

// `{"time":"2026-11-24T03:15:23.375Z","level":"info","message":"..."}\n`; `utc` in UTC.
std::string json_log_line(const LogTime& utc, log::Level level, std::string_view message);

}  // namespace ferry
