// log.file's writer thread (see log_file_writer.hpp).
#include "io/log_file_writer.hpp"

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

#include "core/observe/kinesis_agent_log.hpp"
#include "core/observe/log_line.hpp"
#include "core/text.hpp"
#include "io/log_file.hpp"
#include "io/steady_clock.hpp"
#include "io/thread_name.hpp"

namespace ferry {

namespace {

// What a queued line costs beyond its strings.
constexpr size_t kLineOverhead = 64;

struct Pending {
  log::Level level;
  timespec when;
  log::Format format;
  std::string thread;
  std::string logger;
  std::string message;

  size_t cost() const { return thread.size() + logger.size() + message.size() + kLineOverhead; }
};

LogTime log_time(const tm& parts, const timespec& when, long offset_seconds) {
  return LogTime{parts.tm_year + 1900,
                 parts.tm_mon + 1,
                 parts.tm_mday,
                 parts.tm_hour,
                 parts.tm_min,
                 parts.tm_sec,
                 static_cast<int>(when.tv_nsec / 1000000),
                 offset_seconds};
}

std::string format_line(const Pending& line, const std::string& host) {
  if (line.format == log::Format::json) {
    tm utc{};
    gmtime_r(&line.when.tv_sec, &utc);
    return json_log_line(log_time(utc, line.when, 0), line.level, line.message);
  }
  tm local{};
  localtime_r(&line.when.tv_sec, &local);  // Java's layout is in the host's time zone
  return kinesis_agent_log_line(log_time(local, line.when, local.tm_gmtoff), host,
                                log::Source{line.thread, line.logger}, line.level, line.message);
}

}  // namespace

struct LogFileWriter::State {
  explicit State(LogFileOptions o) : options(std::move(o)) {}

  const LogFileOptions options;
  std::atomic<uint64_t> lost{0};  // LogFileWriter::lost()

  std::mutex mutex;
  std::condition_variable wake;  // lines queued, or stop
  std::condition_variable idle;  // the queue was written
  std::deque<Pending> queue;     // guarded by mutex, as the fields down to `stop`
  size_t queued_bytes = 0;
  uint64_t dropped = 0;  // since the writer last took the queue
  bool writing = false;
  bool stop = false;

  // The writer thread's own (and the constructor's, before the thread starts). Each kind of
  // failure is reported when it starts and when it ends, not at every line.
  std::optional<LogFile> file;
  uint64_t last_open_millis = 0;
  bool write_failing = false;
  uint64_t unwritten = 0;  // lines lost while write_failing
  bool roll_failing = false;

  // Opens the file if it is not open and may be tried now; false if it is not open.
  bool ensure_open();
  // Writes one formatted line, then rolls the file over if that is due.
  void write(const std::string& line);
  void write_failed(const std::string& message);
};

bool LogFileWriter::State::ensure_open() {
  if (file) return true;
  const uint64_t now = steady_millis();
  if (last_open_millis != 0 && now - last_open_millis < kReopenMillis) return false;
  last_open_millis = now;
  auto opened = LogFile::open(options.path, options.policy);
  if (!opened) {
    write_failed(opened.error().message);
    return false;
  }
  file.emplace(std::move(opened.value()));
  return true;
}

// These log from the writer thread, holding none of its locks: the line reaches stderr, and the
// queue (the file, once it can be written).
void LogFileWriter::State::write_failed(const std::string& message) {
  if (std::exchange(write_failing, true)) return;
  FERRY_ERROR(cat("log: ", message, "; log lines go to stderr only until log.file can be written ",
                  "again (ferry goes on)"));
}

void LogFileWriter::State::write(const std::string& line) {
  if (!ensure_open()) {
    ++unwritten;
    lost.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (const Status written = file->write(line); !written) {
    ++unwritten;
    lost.fetch_add(1, std::memory_order_relaxed);
    write_failed(written.error().message);
    return;
  }
  if (std::exchange(write_failing, false)) {
    FERRY_WARN(cat("log: writing ", options.path, " again; ", std::exchange(unwritten, 0),
                   " line(s) were not written to it"));
  }
  const Result<bool> rolled = file->roll_if_due();
  if (!rolled) {
    if (!std::exchange(roll_failing, true))
      FERRY_ERROR(cat("log: ", rolled.error().message, "; the file grows until a roll over works ",
                      "(tried again after every log.maxFileSize bytes)"));
  } else if (*rolled && std::exchange(roll_failing, false)) {
    FERRY_WARN(cat("log: ", options.path, " rolls over again"));
  }
}

LogFileWriter::LogFileWriter(LogFileOptions options)
    : state_(std::make_shared<State>(std::move(options))) {
  state_->ensure_open();  // a failure is on stderr before the first line
  // The thread takes no signal: it starts before the agent blocks SIGTERM, SIGINT and SIGHUP
  // for the signalfds, and a signal delivered to it would end the process.
  sigset_t all;
  sigset_t before;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &before);
  thread_ = std::thread([state = state_] {
    name_this_thread("ferry-log-file");
    run(state);
  });
  pthread_sigmask(SIG_SETMASK, &before, nullptr);
}

LogFileWriter::~LogFileWriter() {
  log::remove_sink(this);
  const bool drained = flush(kCloseFlushMillis);
  {
    std::lock_guard lock(state_->mutex);
    state_->stop = true;
  }
  state_->wake.notify_all();
  if (drained) {
    thread_.join();
  } else {
    thread_.detach();  // stuck in a write; it holds its state and ends with the process
  }
}

void LogFileWriter::line(const log::Event& event) {
  Pending pending{event.level,
                  event.when,
                  event.format,
                  std::string(event.source.thread),
                  std::string(event.source.logger),
                  std::string(event.message)};
  {
    std::lock_guard lock(state_->mutex);
    if (state_->stop || state_->queued_bytes + pending.cost() > kMaxQueuedBytes) {
      ++state_->dropped;
      state_->lost.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    state_->queued_bytes += pending.cost();
    state_->queue.push_back(std::move(pending));
  }
  state_->wake.notify_one();
}

bool LogFileWriter::flush(uint64_t timeout_millis) {
  std::unique_lock lock(state_->mutex);
  return state_->idle.wait_for(lock, std::chrono::milliseconds(timeout_millis),
                               [this] { return state_->queue.empty() && !state_->writing; });
}

uint64_t LogFileWriter::lost() const {
  return state_->lost.load(std::memory_order_relaxed);
}

void LogFileWriter::run(const std::shared_ptr<State>& state) {
  std::unique_lock lock(state->mutex);
  for (;;) {
    state->wake.wait(lock, [&] { return state->stop || !state->queue.empty(); });
    if (state->queue.empty()) break;  // stop, and nothing left
    std::deque<Pending> lines;
    lines.swap(state->queue);
    state->queued_bytes = 0;
    const uint64_t dropped = std::exchange(state->dropped, 0);
    state->writing = true;
    lock.unlock();
    for (const Pending& line : lines) state->write(format_line(line, state->options.host));
    if (dropped > 0) {
      FERRY_WARN(cat("log: ", dropped,
                     " line(s) not written to log.file: it was written more "
                     "slowly than lines came (at most ",
                     kMaxQueuedBytes / 1024, " KiB of lines wait for it)"));
    }
    lock.lock();
    state->writing = false;
    if (state->queue.empty()) state->idle.notify_all();
  }
  state->writing = false;
  state->idle.notify_all();
}

}  // namespace ferry
