// log.file: a copy of every log line in a file, as the Kinesis Agent kept
// /var/log/aws-kinesis-agent/aws-kinesis-agent.log. The logger hands lines over (log::Sink)
// into a bounded queue; a thread of its own formats them (the Kinesis Agent's layout, or JSON
// with "log.format": "json") and appends them, rolling the file over by size (io/log_file.*).
// A slow or failing disk never holds up a thread that logs: past kMaxQueuedBytes lines are
// dropped and counted, and a failure is reported once on stderr, never stopping ferry.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "core/observe/log.hpp"
#include "core/observe/log_rotation.hpp"

namespace ferry {

struct LogFileOptions {
  std::string path;
  RotationPolicy policy;
  std::string host;  // the layout's host name (io/host_name.hpp: system_host_name())
};

class LogFileWriter final : public log::Sink {
 public:
  static constexpr size_t kMaxQueuedBytes = 1 << 20;
  static constexpr uint64_t kReopenMillis = 30000;  // a file that could not be opened, again
  static constexpr uint64_t kCloseFlushMillis = 2000;

  // Opens the file at once: a failure is logged (stderr) now, and opening is tried again at most
  // every kReopenMillis while lines come. Register it with log::set_sink().
  explicit LogFileWriter(LogFileOptions options);
  // Stops being the sink, writes what is queued (waiting at most kCloseFlushMillis: past that the
  // thread is left to the process's exit), and stops.
  ~LogFileWriter() override;
  LogFileWriter(const LogFileWriter&) = delete;
  LogFileWriter& operator=(const LogFileWriter&) = delete;

  void line(const log::Event& event) override;
  bool flush(uint64_t timeout_millis) override;

  // Lines not written to the file since the start: dropped from a full queue, or lost to a
  // file that could not be opened or written.
  uint64_t lost() const;

 private:
  struct State;
  static void run(const std::shared_ptr<State>& state);

  std::shared_ptr<State> state_;  // shared with the thread, which may outlive this object
  std::thread thread_;
};

}  // namespace ferry
