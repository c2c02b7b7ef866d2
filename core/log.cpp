// The logger: formats one line per event to stderr under a mutex, scrubbing credential shapes
// and escaping what a terminal would act on.
#include "core/log.hpp"

#include <atomic>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

#include "core/log_text.hpp"
#include "core/secret_scrubber.hpp"
#include "core/text.hpp"

namespace ferry::log {
namespace {
std::atomic<int> g_level{static_cast<int>(Level::info)};
std::atomic<int> g_format{static_cast<int>(Format::text)};
std::mutex g_mutex;
bool g_progress_shown = false;  // guarded by g_mutex

const char* name(Level level) {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "?";
}
}  // namespace

void set_format(Format format) {
  g_format.store(static_cast<int>(format));
}

void set_level(Level level) {
  g_level.store(static_cast<int>(level));
}
Level level() {
  return static_cast<Level>(g_level.load());
}
bool enabled(Level l) {
  return static_cast<int>(l) >= g_level.load(std::memory_order_relaxed);
}

void write(Level l, std::string_view message) {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  tm utc{};
  gmtime_r(&ts.tv_sec, &utc);
  char stamp[64];
  std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                ts.tv_nsec / 1000000);
  const std::string clean = inert_log_text(scrub_secrets(message));
  std::string line;
  if (static_cast<Format>(g_format.load()) == Format::json) {
    line.append("{\"time\":\"").append(stamp).append("\",\"level\":\"").append(name(l));
    line.append("\",\"message\":");
    append_json_string(line, clean);
    line.append("}\n");
  } else {
    char head[96];
    std::snprintf(head, sizeof head, "%s %-5s ", stamp, name(l));
    line.append(head).append(clean).append("\n");
  }
  std::lock_guard lock(g_mutex);
  if (g_progress_shown) {
    std::fputs("\r\033[K", stderr);
    g_progress_shown = false;
  }
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

void write_progress(std::string_view line) {
  std::lock_guard lock(g_mutex);
  const std::string clean = inert_log_text(line);
  std::fputs("\r\033[K", stderr);
  std::fwrite(clean.data(), 1, clean.size(), stderr);
  std::fflush(stderr);
  g_progress_shown = true;
}

void end_progress() {
  std::lock_guard lock(g_mutex);
  if (!g_progress_shown) return;
  std::fputs("\n", stderr);
  std::fflush(stderr);
  g_progress_shown = false;
}

}  // namespace ferry::log
