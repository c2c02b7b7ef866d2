// The logger: the one global. One line per event on stderr, with a UTC timestamp and a level.
// Callers never pass secrets; scrub_secrets() is a last guard on every line, and every line is
// made inert and bounded (inert_log_text) whatever bytes its values carry.
#pragma once

#include <string>
#include <string_view>

namespace ferry::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };
// text: `<UTC time> <level> <message>`; json: {"time":"...","level":"...","message":"..."}.
enum class Format { text, json };

void set_level(Level level);
Level level();
bool enabled(Level level);
void write(Level level, std::string_view message);
void set_format(Format format);

// A progress line on a terminal: redrawn in place ("\r"), cleared before any log line so that
// the two never mix; end_progress() leaves the last one on its own line.
void write_progress(std::string_view line);
void end_progress();

}  // namespace ferry::log

#define FERRY_LOG_AT(lvl, msg)                                     \
  do {                                                             \
    if (::ferry::log::enabled(lvl)) ::ferry::log::write(lvl, msg); \
  } while (0)
#define FERRY_DEBUG(msg) FERRY_LOG_AT(::ferry::log::Level::debug, msg)
#define FERRY_INFO(msg) FERRY_LOG_AT(::ferry::log::Level::info, msg)
#define FERRY_WARN(msg) FERRY_LOG_AT(::ferry::log::Level::warn, msg)
#define FERRY_ERROR(msg) FERRY_LOG_AT(::ferry::log::Level::error, msg)
