// The Kinesis Agent's log layout and progress messages (see kinesis_agent_log.hpp).
#include "core/observe/kinesis_agent_log.hpp"

#include <cstdio>
#include <cstdlib>

#include "core/observe/log_text.hpp"
#include "core/text.hpp"

namespace ferry {

namespace {

// log4j's %p.
std::string_view upper_level_name(log::Level level) {
  switch (level) {
    case log::Level::debug: return "DEBUG";
    case log::Level::info: return "INFO";
    case log::Level::warn: return "WARN";
    case log::Level::error: return "ERROR";
  }
  return "?";
}

// A name that must stay one token of the layout: inert, and bounded well below a message.
std::string inert_name(std::string_view name) {
  return inert_log_text(name, 1024);
}

}  // namespace

std::string kinesis_agent_log_line(const LogTime& local, std::string_view host,
                                   const log::Source& source, log::Level level,
                                   std::string_view message) {
  // Java's SimpleDateFormat `Z`: the offset in whole minutes, sign first.
  const long offset_minutes = std::labs(local.utc_offset_seconds) / 60;
  char stamp[64];
  std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02d %02d:%02d:%02d.%03d%c%02ld%02ld", local.year,
                local.month, local.day, local.hour, local.minute, local.second, local.millis,
                local.utc_offset_seconds < 0 ? '-' : '+', offset_minutes / 60, offset_minutes % 60);
  std::string line(stamp);
  line.push_back(' ');
  line.append(inert_name(host)).append(" (").append(inert_name(source.thread)).append(") ");
  line.append(inert_name(source.logger)).append(" [").append(upper_level_name(level));
  line.append("] ").append(message).push_back('\n');
  return line;
}

std::string agent_progress_message(const AgentProgress& progress) {
  return cat("Agent: Progress: ", progress.records_parsed, " records parsed (",
             progress.bytes_parsed, " bytes), and ", progress.records_sent,
             " records sent successfully to destinations. Uptime: ", progress.uptime_millis, "ms");
}

std::string tailer_progress_message(std::string_view tailer_id, const TailerProgress& progress) {
  return cat("FileTailer[", tailer_id, "]: Tailer Progress: Tailer has parsed ",
             progress.records_parsed, " records (", progress.bytes_parsed, " bytes), transformed ",
             progress.records_transformed, " records, skipped ", progress.records_skipped,
             " records, and has successfully sent ", progress.records_sent,
             " records to destination.");
}

std::string tailer_progress_thread(std::string_view tailer_id) {
  return cat("FileTailer[", tailer_id, "].MetricsEmitter RUNNING");
}

}  // namespace ferry
