// The logger: formats one line per event to stderr under a mutex, scrubbing credential shapes
// and escaping what a terminal would act on; hands the same line to the sink, if any.
#include "core/observe/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

#include "core/observe/log_line.hpp"
#include "core/observe/log_text.hpp"
#include "core/observe/secret_scrubber.hpp"

namespace ferry::log {
namespace {
std::atomic<int> g_level{static_cast<int>(Level::info)};
std::atomic<int> g_format{static_cast<int>(Format::text)};
std::mutex g_mutex;
bool g_progress_shown = false;  // guarded by g_mutex
Sink* g_sink = nullptr;         // guarded by g_mutex

LogTime utc_time(const timespec& ts) {
  tm utc{};
  gmtime_r(&ts.tv_sec, &utc);
  return LogTime{utc.tm_year + 1900,
                 utc.tm_mon + 1,
                 utc.tm_mday,
                 utc.tm_hour,
                 utc.tm_min,
                 utc.tm_sec,
                 static_cast<int>(ts.tv_nsec / 1000000),
                 0};
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

void write(Level l, std::string_view message, const Source& source) {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  const std::string clean = inert_log_text(scrub_secrets(message));
  const auto format = static_cast<Format>(g_format.load());
  const std::string line = format == Format::json ? json_log_line(utc_time(ts), l, clean)
                                                  : text_log_line(utc_time(ts), l, clean);
  std::lock_guard lock(g_mutex);
  if (g_progress_shown) {
    std::fputs("\r\033[K", stderr);
    g_progress_shown = false;
  }
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
  if (g_sink != nullptr) g_sink->line(Event{l, ts, format, source, clean});
}

void set_sink(Sink* sink) {
  std::lock_guard lock(g_mutex);
  g_sink = sink;
}

void remove_sink(const Sink* sink) {
  std::lock_guard lock(g_mutex);
  if (g_sink == sink) g_sink = nullptr;
}

bool flush_sink(uint64_t timeout_millis) {
  Sink* sink = nullptr;
  {
    std::lock_guard lock(g_mutex);
    sink = g_sink;
  }
  // Not under the lock: the sink's writer may log while it finishes. The sink outlives this call
  // (callers flush before the exit that would destroy it, or own it).
  return sink == nullptr || sink->flush(timeout_millis);
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
