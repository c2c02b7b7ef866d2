// The logger: the one global. One line per event on stderr, with a UTC timestamp and a level.
// Callers never pass secrets; scrub_secrets() is a last guard on every line, and every line is
// made inert and bounded (inert_log_text) whatever bytes its values carry. A sink (log.file:
// io/log_file_writer.*) may take a copy of every line as well.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

namespace ferry::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };
// text: `<UTC time> <level> <message>`; json: {"time":"...","level":"...","message":"..."}.
enum class Format { text, json };

// Who says it, for a sink that writes the Kinesis Agent's layout, where a line names its thread
// and its logger (class). ferry's own lines are kFerry; the Kinesis Agent's progress lines name
// the Java agent's, so that what matched them still does (core/observe/kinesis_agent_log.hpp).
struct Source {
  std::string_view thread;
  std::string_view logger;
};
inline constexpr Source kFerry{"ferry", "ferry"};

void set_level(Level level);
Level level();
bool enabled(Level level);
void write(Level level, std::string_view message, const Source& source = kFerry);
void set_format(Format format);

// One line as the sink gets it: `message` is already scrubbed and inert; the views live only
// during the call.
struct Event {
  Level level;
  timespec when;  // CLOCK_REALTIME
  Format format;
  const Source& source;
  std::string_view message;
};

// A second destination for every line (not for the progress line). line() is called under the
// logger's lock, in the order lines reach stderr: it must neither block nor log.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void line(const Event& event) = 0;
  // Waits up to `timeout_millis` for the lines taken so far to be written; false if they were not.
  virtual bool flush(uint64_t timeout_millis) = 0;
};

// The sink every line goes to from now on (nullptr: none). Once set_sink returns, the previous
// sink is never called again.
void set_sink(Sink* sink);
// set_sink(nullptr) if `sink` is the current sink (a sink's destructor calls it).
void remove_sink(const Sink* sink);
// flush() of the current sink (true without one): before an exit that skips destructors.
bool flush_sink(uint64_t timeout_millis);

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
