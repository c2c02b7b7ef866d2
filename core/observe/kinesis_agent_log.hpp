// The Kinesis Agent's log as users' filters know it: the line layout of its log4j file appender
// (custom.log4j.xml: `%d{yyyy-MM-dd HH:mm:ss.SSSZ} %X{hostname} (%t) %c [%p] %m%n`) and its
// periodic progress messages (Agent.emitStatus, FileTailer.emitStatus). Pure formatting.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/observe/log.hpp"
#include "core/observe/log_line.hpp"

namespace ferry {

// The Java agent's progress lines come from these threads and loggers.
inline constexpr log::Source kAgentProgressSource{"Agent.MetricsEmitter RUNNING",
                                                  "com.amazon.kinesis.streaming.agent.Agent"};
inline constexpr std::string_view kTailerLogger =
    "com.amazon.kinesis.streaming.agent.tailing.FileTailer";

// `2026-11-24 03:15:23.375+0000 HOST (THREAD) LOGGER [INFO] MESSAGE\n`: `local` in the host's
// time zone with its offset (Java's `Z`: +hhmm / -hhmm), the level upper-case. `message` is
// taken as it is (the caller made it inert); host, thread and logger are made inert here.
std::string kinesis_agent_log_line(const LogTime& local, std::string_view host,
                                   const log::Source& source, log::Level level,
                                   std::string_view message);

// Every flow summed, since the start (Agent.emitStatus).
struct AgentProgress {
  uint64_t records_parsed = 0;  // records read from the files
  uint64_t bytes_parsed = 0;    // their bytes
  uint64_t records_sent = 0;    // records the destinations acknowledged
  uint64_t uptime_millis = 0;
};

// "Agent: Progress: N records parsed (B bytes), and M records sent successfully to
// destinations. Uptime: Ums"
std::string agent_progress_message(const AgentProgress& progress);

// One flow (FileTailer.emitStatus, agent 2.0.x).
struct TailerProgress {
  uint64_t records_parsed = 0;
  uint64_t bytes_parsed = 0;
  uint64_t records_transformed = 0;  // records a dataProcessingOptions chain returned
  uint64_t records_skipped = 0;      // records it filtered out
  uint64_t records_sent = 0;
};

// "FileTailer[ID]: Tailer Progress: Tailer has parsed N records (B bytes), transformed T
// records, skipped S records, and has successfully sent M records to destination."
std::string tailer_progress_message(std::string_view tailer_id, const TailerProgress& progress);

// "FileTailer[ID].MetricsEmitter RUNNING": the thread of a flow's progress line.
std::string tailer_progress_thread(std::string_view tailer_id);

}  // namespace ferry
