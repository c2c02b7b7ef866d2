// The reactor loop: inotify events, io_uring reads and timers all complete through one ring;
// whole lines go into the flow's open batch, which is dispatched when full or aged.
#include "io/tail/tailer.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include "core/assert.hpp"
#include "core/observe/log.hpp"
#include "core/tail/line_patterns.hpp"
#include "core/tail/path_glob.hpp"
#include "core/text.hpp"
#include "io/steady_clock.hpp"
#include "io/tail/tailer_tracked_file.hpp"

namespace ferry {
namespace {

enum Tag : uint64_t { kTagInotify = 1, kTagControl = 2, kTagRead = 3 };
constexpr int kTagShift = 56;
constexpr uint64_t kIdMask = (uint64_t{1} << kTagShift) - 1;
// A pattern directory that is missing (or over the watch limit) is looked for this often.
constexpr uint64_t kMissingDirectoryPollMillis = 1000;
std::vector<PathGlob> globs_of(const std::vector<TailFlow>& flows) {
  std::vector<PathGlob> globs;
  for (const auto& flow : flows) globs.push_back(parse_path_glob(flow.file_pattern));
  return globs;
}

}  // namespace

uint64_t read_tag(uint64_t file_id) {
  return (uint64_t{kTagRead} << kTagShift) | (file_id & kIdMask);
}

Tailer::Tailer(std::vector<TailFlow> flows, Checkpoint committed, TailerOptions options,
               BatchPool& pool, BatchQueue& work)
    : committed_(std::move(committed)),
      options_(options),
      pool_(pool),
      work_(work),
      watcher_(globs_of(flows)) {
  for (const auto& flow : flows) add_flow_state(flow);
}

Tailer::~Tailer() = default;

void Tailer::wake() {
  if (!control_.valid()) return;
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(control_.get(), &one, sizeof one);
}

void Tailer::request_stop() {
  stop_requested_.store(true);
  wake();
}

Status Tailer::start() {
  if (started_) return Ok{};
  if (auto status = ring_.init(256); !status) return status;
  control_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!control_.valid()) return make_error(cat("eventfd: ", std::strerror(errno)));
  if (auto status = watcher_.init(!options_.once); !status) return status;
  if (!options_.once) inotify_buffer_.resize(64 * 1024);
  // Not zero-filled: a read writes what is used. Filling them cost a page fault per 4 KiB up
  // front, on the way to the first read, for buffers a run with few files never uses.
  for (size_t i = 0; i < options_.reads_in_flight; ++i)
    free_buffers_.push_back(std::make_unique_for_overwrite<char[]>(options_.read_bytes));
  // Directories are watched before they are listed, so a file created in between is seen by
  // one or the other.
  watcher_.rescan([&](uint32_t flow, const std::string& path) {
    consider_file(flow, path, /*at_start=*/true);
  });
  last_rescan_ = last_stat_poll_ = steady_millis();
  started_ = true;
  return Ok{};
}

std::vector<FlowStart> Tailer::first_starts() const {
  FERRY_ASSERT(started_);
  std::vector<FlowStart> starts;
  // Without a checkpoint entry, the only positions held back are the starting points of files
  // opened at their end (copies and truncations are only ever recognised from an entry).
  for (uint32_t flow = 0; flow < flows_.size(); ++flow) {
    if (run_[flow] == FlowRun::ended) continue;
    if (committed_.find_flow(flows_[flow].checkpoint_key) == nullptr)
      starts.push_back(FlowStart{flows_[flow].checkpoint_key, pending_positions_[flow]});
  }
  return starts;
}

Batch* Tailer::current_batch(uint32_t flow) {
  if (!open_batches_[flow]) {
    open_batches_[flow] = pool_.try_acquire(flow);
    if (!open_batches_[flow]) return nullptr;
    Batch& batch = *open_batches_[flow];
    for (auto& position : pending_positions_[flow]) batch.positions.push_back(std::move(position));
    pending_positions_[flow].clear();
    if (!batch.positions.empty()) batch.first_record_millis = steady_millis();
  }
  return open_batches_[flow].get();
}

void Tailer::dispatch_now(uint32_t flow) {
  FERRY_ASSERT(flow_reads_in_flight_[flow] == 0);
  auto& batch = open_batches_[flow];
  if (!batch || (batch->records.empty() && batch->positions.empty())) return;
  batch->flow = flow;
  batch->sequence = next_sequence_[flow]++;
  ++stats_.batches;
  // The work queue holds every pooled batch plus one end marker per flow: it never blocks here.
  const bool pushed = work_.push(batch);
  FERRY_ASSERT(pushed);
  batch.reset();
}

void Tailer::dispatch(uint32_t flow) {
  // Reads in flight for this flow land in its open batch: it leaves only once they have.
  if (flow_reads_in_flight_[flow] > 0) return;
  dispatch_now(flow);
}

void Tailer::dispatch_aged(uint64_t now) {
  for (uint32_t flow = 0; flow < flows_.size(); ++flow) {
    const auto& batch = open_batches_[flow];
    if (batch && batch->first_record_millis != 0 &&
        now - batch->first_record_millis >= flows_[flow].linger_millis)
      dispatch(flow);
  }
}

bool Tailer::input_done() const {
  if (reads_in_flight_ > 0) return false;
  return std::all_of(files_.begin(), files_.end(), [this](const auto& f) {
    return f.second->done || f.second->copy_of != 0 || paused(f.second->flow);
  });
}

int64_t Tailer::next_timeout(uint64_t now) const {
  uint64_t deadline = std::numeric_limits<uint64_t>::max();
  for (uint32_t flow = 0; flow < flows_.size(); ++flow) {
    const auto& batch = open_batches_[flow];
    // A flow with reads in flight is woken by their completion, not by a timer.
    if (batch && batch->first_record_millis != 0 && flow_reads_in_flight_[flow] == 0)
      deadline = std::min(deadline, batch->first_record_millis + flows_[flow].linger_millis);
  }
  if (!options_.once) {
    const uint64_t rescan = watcher_.has_unwatched()
                                ? std::min(options_.rescan_millis, kMissingDirectoryPollMillis)
                                : options_.rescan_millis;
    deadline = std::min(deadline, last_rescan_ + rescan);
    if (options_.stat_poll_millis > 0)
      deadline = std::min(deadline, last_stat_poll_ + options_.stat_poll_millis);
    if (files_need_care_) deadline = std::min(deadline, last_housekeeping_ + kHousekeepingMillis);
  }
  if (deadline == std::numeric_limits<uint64_t>::max()) return -1;
  return deadline > now ? static_cast<int64_t>(deadline - now) : 0;
}

void Tailer::arm_inotify() {
  ring_.prep_read(watcher_.fd(), inotify_buffer_.data(), inotify_buffer_.size(), 0,
                  uint64_t{kTagInotify} << kTagShift);
}

void Tailer::arm_control() {
  ring_.prep_read(control_.get(), &control_value_, sizeof control_value_, 0,
                  uint64_t{kTagControl} << kTagShift);
}

Status Tailer::run() {
  if (auto status = start(); !status) return status;
  arm_control();
  if (watcher_.fd() >= 0) arm_inotify();

  for (;;) {
    take_commands();
    end_flows_whose_reads_landed();
    if (stop_requested_.load() && !stopping_) {
      FERRY_INFO("tail: stop requested; finishing reads in flight");
      stopping_ = true;
    }
    pump_reads();
    if (options_.once && !stopping_ && input_done()) break;
    if (stopping_ && reads_in_flight_ == 0) break;
    uint64_t now = steady_millis();
    dispatch_aged(now);
    if (!options_.once) {
      if (now - last_housekeeping_ >= kHousekeepingMillis) housekeeping(now);
      const uint64_t rescan = watcher_.has_unwatched()
                                  ? std::min(options_.rescan_millis, kMissingDirectoryPollMillis)
                                  : options_.rescan_millis;
      if (now - last_rescan_ >= rescan) safety_rescan();
      if (options_.stat_poll_millis > 0 && now - last_stat_poll_ >= options_.stat_poll_millis)
        stat_poll();
    }
    ring_.submit_and_wait(stopping_ ? -1 : next_timeout(now));
    ring_.drain([&](uint64_t user_data, int result) {
      const auto kind = static_cast<Tag>(user_data >> kTagShift);
      switch (kind) {
        case kTagRead: handle_read(user_data & kIdMask, result); break;
        case kTagInotify:
          handle_inotify(result);
          arm_inotify();
          break;
        case kTagControl: arm_control(); break;
      }
    });
  }

  take_commands();  // flows added meanwhile end too (their futures are answered)
  for (uint32_t flow = 0; flow < flows_.size(); ++flow) {
    if (run_[flow] != FlowRun::ended) push_end_of_input(flow);
  }
  return Ok{};
}

}  // namespace ferry
