// The log lines users' filters were written for: the Kinesis Agent's log4j layout and progress
// messages, byte for byte as the Java agent writes them (Agent.emitStatus, FileTailer.emitStatus
// in agent 2.0.x, custom.log4j.xml's ConversionPattern), and ferry's own stderr layouts.
#include "core/observe/kinesis_agent_log.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

#include "core/observe/log_line.hpp"

namespace ferry {
namespace {

// Agent.java: "{}: Progress: {} records parsed ({} bytes), and {} records sent successfully to
// destinations. Uptime: {}ms", serviceName() being "Agent", every number a plain long.
TEST(KinesisAgentLog, AgentProgressMessageIsTheJavaAgents) {
  EXPECT_EQ(agent_progress_message({215457, 337927789, 215000, 270069}),
            "Agent: Progress: 215457 records parsed (337927789 bytes), and 215000 records sent "
            "successfully to destinations. Uptime: 270069ms");
  EXPECT_EQ(agent_progress_message({}),
            "Agent: Progress: 0 records parsed (0 bytes), and 0 records sent successfully to "
            "destinations. Uptime: 0ms");
  // No digit grouping, however large.
  EXPECT_EQ(agent_progress_message({12345678901234, 1, 2, 3}).substr(0, 34),
            "Agent: Progress: 12345678901234 re");
}

// FileTailer.java (2.0.x): "{}: Tailer Progress: Tailer has parsed {} records ({} bytes),
// transformed {} records, skipped {} records, and has successfully sent {} records to
// destination.", serviceName() being "FileTailer[" + flow id + "]".
TEST(KinesisAgentLog, TailerProgressMessageIsTheJavaAgents) {
  EXPECT_EQ(tailer_progress_message("fh:PurchaseLogs:/var/log/cadabra/*.log",
                                    {500000, 42036722, 0, 0, 499500}),
            "FileTailer[fh:PurchaseLogs:/var/log/cadabra/*.log]: Tailer Progress: Tailer has "
            "parsed 500000 records (42036722 bytes), transformed 0 records, skipped 0 records, "
            "and has successfully sent 499500 records to destination.");
  EXPECT_EQ(tailer_progress_message("seed", {10, 100, 7, 3, 7}),
            "FileTailer[seed]: Tailer Progress: Tailer has parsed 10 records (100 bytes), "
            "transformed 7 records, skipped 3 records, and has successfully sent 7 records to "
            "destination.");
  EXPECT_EQ(tailer_progress_thread("kinesis:s:/tmp/app.log*"),
            "FileTailer[kinesis:s:/tmp/app.log*].MetricsEmitter RUNNING");
}

// custom.log4j.xml: "%d{yyyy-MM-dd HH:mm:ss.SSSZ} %X{hostname} (%t) %c [%p] %m%n"; the
// expected lines are the Java agent's, as users posted them.
TEST(KinesisAgentLog, LineLayoutIsLog4jsPattern) {
  const LogTime when{2017, 5, 24, 13, 56, 47, 67, 0};
  EXPECT_EQ(kinesis_agent_log_line(when, "ip-10-194-10-227", kAgentProgressSource, log::Level::info,
                                   agent_progress_message({215457, 337927789, 215000, 270069})),
            "2017-05-24 13:56:47.067+0000 ip-10-194-10-227 (Agent.MetricsEmitter RUNNING) "
            "com.amazon.kinesis.streaming.agent.Agent [INFO] Agent: Progress: 215457 records "
            "parsed (337927789 bytes), and 215000 records sent successfully to destinations. "
            "Uptime: 270069ms\n");
  // An empty host name leaves two spaces, as the Java agent's MDC did on newer JVMs.
  const std::string id = "kinesis:IoTPython-EventStream-5V9OW0KOLAE8:/tmp/app.log*";
  const std::string thread = tailer_progress_thread(id);
  EXPECT_EQ(kinesis_agent_log_line(LogTime{2021, 1, 8, 0, 57, 16, 987, 0}, "",
                                   log::Source{thread, kTailerLogger}, log::Level::info,
                                   tailer_progress_message(id, {492, 7872, 0, 0, 492})),
            "2021-01-08 00:57:16.987+0000  (FileTailer[kinesis:IoTPython-EventStream-5V9OW0KOLAE8:"
            "/tmp/app.log*].MetricsEmitter RUNNING) com.amazon.kinesis.streaming.agent.tailing."
            "FileTailer [INFO] FileTailer[kinesis:IoTPython-EventStream-5V9OW0KOLAE8:/tmp/"
            "app.log*]: Tailer Progress: Tailer has parsed 492 records (7872 bytes), transformed "
            "0 records, skipped 0 records, and has successfully sent 492 records to "
            "destination.\n");
}

TEST(KinesisAgentLog, LineLayoutLevelsAndZones) {
  const log::Source source{"ferry", "ferry"};
  // Java's `Z`: the host's offset as +hhmm / -hhmm.
  EXPECT_EQ(kinesis_agent_log_line(LogTime{2026, 1, 2, 3, 4, 5, 6, -5 * 3600}, "h", source,
                                   log::Level::warn, "m"),
            "2026-01-02 03:04:05.006-0500 h (ferry) ferry [WARN] m\n");
  EXPECT_EQ(kinesis_agent_log_line(LogTime{2026, 12, 31, 23, 59, 59, 999, 5 * 3600 + 1800}, "h",
                                   source, log::Level::error, "m"),
            "2026-12-31 23:59:59.999+0530 h (ferry) ferry [ERROR] m\n");
  EXPECT_EQ(kinesis_agent_log_line(LogTime{}, "h", source, log::Level::debug, "m"),
            "1970-01-01 00:00:00.000+0000 h (ferry) ferry [DEBUG] m\n");
}

TEST(KinesisAgentLog, NamesCannotBreakTheLine) {
  // Host, thread and logger come from outside (gethostname, a flow's file pattern): inert.
  const std::string line = kinesis_agent_log_line(
      LogTime{}, "evil\nhost", log::Source{"t\x1b[2J", "l\r"}, log::Level::info, "m");
  EXPECT_EQ(line, "1970-01-01 00:00:00.000+0000 evil\\nhost (t\\x1b[2J) l\\r [INFO] m\n");
}

TEST(LogLine, FerrysStderrLayouts) {
  const LogTime when{2026, 11, 24, 3, 15, 23, 375, 0};
  EXPECT_EQ(text_log_line(when, log::Level::info, "ship: done"),
            "2026-11-24T03:15:23.375Z info  ship: done\n");
  EXPECT_EQ(text_log_line(when, log::Level::error, "x"), "2026-11-24T03:15:23.375Z error x\n");
  const std::string json = json_log_line(when, log::Level::warn, "say \"hi\"");
  EXPECT_EQ(json,
            "{\"time\":\"2026-11-24T03:15:23.375Z\",\"level\":\"warn\",\"message\":\"say "
            "\\\"hi\\\"\"}\n");
  simdjson::dom::parser parser;
  EXPECT_EQ(parser.parse(json).error(), simdjson::SUCCESS);
}

}  // namespace
}  // namespace ferry
