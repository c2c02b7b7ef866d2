// Unit tests for the progress line and byte formatting of the monitor.
#include "agent/monitor.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/observe/log.hpp"

namespace ferry {
namespace {

TEST(Monitor, ProgressLine) {
  EXPECT_EQ(progress_line(0, 1'000'000'000, 0), "progress: 0.0 of 1000.0 MB (0%), 0.0 MB/s");
  EXPECT_EQ(progress_line(250'000'000, 1'000'000'000, 1000),
            "progress: 250.0 of 1000.0 MB (25%), 250.0 MB/s, ETA 3 s");
  // Files that grew while being read: never above 100%, no ETA once done.
  EXPECT_EQ(progress_line(1'200'000, 1'000'000, 2000), "progress: 1.2 of 1.2 MB (100%), 0.6 MB/s");
  EXPECT_EQ(progress_line(0, 0, 100), "progress: 0.0 of 0.0 MB (100%), 0.0 MB/s");
}

TEST(Monitor, FormatBytes) {
  EXPECT_EQ(format_bytes(999), "999 B");
  EXPECT_EQ(format_bytes(1500), "1.5 kB");
  EXPECT_EQ(format_bytes(12'345'678), "12.3 MB");
  EXPECT_EQ(format_bytes(2'500'000'000), "2.5 GB");
}

// A flow's counters as the Kinesis Agent's progress lines name them.
TEST(Monitor, TailerProgressFromAFlowsCounters) {
  FlowMetrics flow("seed");
  flow.records_read.add(10);
  flow.bytes_read.add(1000);
  flow.records_dropped.add(3);
  flow.records_shipped.add(6);
  TailerProgress progress = tailer_progress(flow);
  EXPECT_EQ(progress.records_parsed, 10u);
  EXPECT_EQ(progress.bytes_parsed, 1000u);
  EXPECT_EQ(progress.records_skipped, 3u);
  EXPECT_EQ(progress.records_transformed, 0u);  // no dataProcessingOptions: none transformed
  EXPECT_EQ(progress.records_sent, 6u);
  flow.set_tailer({"fh:s:/in/*.log", true});
  EXPECT_EQ(tailer_progress(flow).records_transformed, 7u);  // what the chain returned
}

// Records what the logger writes, with who says it.
class RecordingSink final : public log::Sink {
 public:
  struct Line {
    std::string thread, logger, message;
  };
  void line(const log::Event& event) override {
    std::lock_guard lock(mutex_);
    lines_.push_back({std::string(event.source.thread), std::string(event.source.logger),
                      std::string(event.message)});
  }
  bool flush(uint64_t) override { return true; }
  std::vector<Line> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Line> lines_;
};

size_t agent_progress_lines(const RecordingSink& sink) {
  size_t n = 0;
  for (const RecordingSink::Line& line : sink.lines())
    n += line.logger == kAgentProgressSource.logger ? 1 : 0;
  return n;
}

TEST(Monitor, KinesisAgentProgressLinesEveryPeriodAndAtTheEnd) {
  Metrics metrics;
  std::vector<RuleMetrics*> rules;
  FlowMetrics& stream = metrics.flow("stream", {}, rules);
  stream.set_file_pattern("/nonexistent-ferry-test/*.log");
  stream.set_tailer({"fh:events:/nonexistent-ferry-test/*.log", false});
  FlowMetrics& s3 = metrics.flow("s3", {}, rules);
  s3.set_file_pattern("/nonexistent-ferry-test/*.json");
  s3.set_tailer({"s3", false});
  stream.records_read.add(5);
  stream.bytes_read.add(50);
  stream.records_shipped.add(4);
  s3.records_read.add(7);
  s3.bytes_read.add(70);

  RecordingSink sink;
  log::set_sink(&sink);
  const auto agent_lines = [&sink] { return agent_progress_lines(sink); };
  {
    Monitor monitor(metrics, MonitorOptions{50, false, 60000});
    for (int i = 0; i < 1000 && agent_lines() < 2; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    s3.records_shipped.add(7);  // shipped while stopping: the last lines have it
  }
  log::set_sink(nullptr);

  std::vector<RecordingSink::Line> agent;
  std::vector<RecordingSink::Line> tailers;
  for (const RecordingSink::Line& line : sink.lines()) {
    if (line.logger == kAgentProgressSource.logger) agent.push_back(line);
    if (line.logger == kTailerLogger) tailers.push_back(line);
  }
  ASSERT_GE(agent.size(), 3u);  // two periods, then the last one
  for (const auto& line : agent) EXPECT_EQ(line.thread, "Agent.MetricsEmitter RUNNING");
  const auto before_uptime = [](const std::string& message) {
    return message.substr(0, message.rfind("Uptime: "));
  };
  EXPECT_EQ(before_uptime(agent.front().message),
            "Agent: Progress: 12 records parsed (120 bytes), and 4 records sent successfully to "
            "destinations. ");
  EXPECT_EQ(before_uptime(agent.back().message),
            "Agent: Progress: 12 records parsed (120 bytes), and 11 records sent successfully to "
            "destinations. ");
  ASSERT_EQ(tailers.size(), 2 * agent.size());
  EXPECT_EQ(tailers[0].thread,
            "FileTailer[fh:events:/nonexistent-ferry-test/*.log].MetricsEmitter "
            "RUNNING");
  EXPECT_EQ(tailers[0].message,
            "FileTailer[fh:events:/nonexistent-ferry-test/*.log]: Tailer Progress: Tailer has "
            "parsed 5 records (50 bytes), transformed 0 records, skipped 0 records, and has "
            "successfully sent 4 records to destination.");
  EXPECT_EQ(tailers.back().message,
            "FileTailer[s3]: Tailer Progress: Tailer has parsed 7 records (70 bytes), transformed "
            "0 records, skipped 0 records, and has successfully sent 7 records to destination.");
}

TEST(Monitor, NoProgressLinesWithoutAStatusPeriod) {
  Metrics metrics;
  RecordingSink sink;
  log::set_sink(&sink);
  { Monitor monitor(metrics, MonitorOptions{0, false, 60000}); }
  log::set_sink(nullptr);
  EXPECT_TRUE(sink.lines().empty());
}

// A reload's new period (log.statusReportingPeriodSeconds) counts from the reload; 0 turns the
// lines off.
TEST(Monitor, AReloadChangesTheStatusPeriod) {
  Metrics metrics;
  RecordingSink sink;
  log::set_sink(&sink);
  const auto agent_lines = [&sink] { return agent_progress_lines(sink); };
  {
    Monitor monitor(metrics, MonitorOptions{3'600'000, false, 60000});
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_EQ(agent_lines(), 0u);  // an hour's period: nothing yet
    monitor.reconfigure(50, 1000);
    for (int i = 0; i < 1000 && agent_lines() < 3; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_GE(agent_lines(), 3u);
    monitor.reconfigure(0, 1000);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // a line may be under way
    const size_t off = agent_lines();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(agent_lines(), off);
  }
  log::set_sink(nullptr);
}

}  // namespace
}  // namespace ferry
