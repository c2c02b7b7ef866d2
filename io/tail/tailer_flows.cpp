// Flows added, paused and ended while the reactor runs: a reload changes flows one by one, and
// a flow whose destination failed is started again alone. Other threads queue commands under a
// mutex and wake the reactor; the reactor applies them at the top of its loop.
#include <algorithm>

#include "core/assert.hpp"
#include "core/observe/log.hpp"
#include "core/tail/line_patterns.hpp"
#include "core/tail/path_glob.hpp"
#include "core/text.hpp"
#include "io/tail/tailer.hpp"
#include "io/tail/tailer_tracked_file.hpp"

namespace ferry {
namespace {

constexpr uint64_t kTruncationWarningMillis =
    60000;  // a flow's line-cut warning at most this often

// Validated by the configuration: a pattern that does not compile here is a bug.
std::optional<RegexMatcher> matcher_of(const std::string& pattern) {
  if (pattern.empty()) return std::nullopt;
  auto compiled = compile_line_pattern(pattern);
  FERRY_ASSERT(compiled.ok());
  return RegexMatcher(std::move(compiled).value());
}

}  // namespace

void Tailer::add_flow_state(const TailFlow& flow) {
  FERRY_ASSERT(flow.max_open_files > 0);
  flows_.push_back(flow);
  start_patterns_.push_back(matcher_of(flow.multi_line_start_pattern));
  footer_patterns_.push_back(matcher_of(flow.file_footer_pattern));
  truncation_warnings_.emplace_back(kTruncationWarningMillis);
  open_descriptors_.push_back(0);
  open_batches_.emplace_back();
  next_sequence_.push_back(0);
  flow_reads_in_flight_.push_back(0);
  flow_bytes_in_flight_.push_back(0);
  pending_positions_.emplace_back();
  run_.push_back(FlowRun::reading);
  pool_.set_flow_count(flows_.size());  // keeps batches for the other flows' reading
  // One reactor serves every flow: the shortest interval any flow asks for applies.
  if (flow.rescan_millis > 0)
    options_.rescan_millis = std::min(options_.rescan_millis, flow.rescan_millis);
  if (flow.stat_poll_millis > 0)
    options_.stat_poll_millis = options_.stat_poll_millis == 0
                                    ? flow.stat_poll_millis
                                    : std::min(options_.stat_poll_millis, flow.stat_poll_millis);
}

void Tailer::pause_flow(uint32_t flow) {
  {
    std::lock_guard lock(commands_mutex_);
    commands_.push_back(FlowCommand{FlowCommand::Kind::pause, flow});
  }
  wake();
}

void Tailer::release_flow(uint32_t id) {
  {
    std::lock_guard lock(commands_mutex_);
    commands_.push_back(FlowCommand{FlowCommand::Kind::release, id});
  }
  wake();
}

void Tailer::end_flow(uint32_t id) {
  {
    std::lock_guard lock(commands_mutex_);
    commands_.push_back(FlowCommand{FlowCommand::Kind::end, id});
  }
  wake();
}

std::future<std::optional<FlowStart>> Tailer::add_flow(uint32_t id, TailFlow flow,
                                                       std::optional<FlowCheckpoint> resume) {
  FERRY_ASSERT(!options_.once);
  AddedFlow added{id, std::move(flow), std::move(resume), {}};
  auto future = added.first_start.get_future();
  {
    std::lock_guard lock(commands_mutex_);
    added_.push_back(std::move(added));
  }
  wake();
  return future;
}

void Tailer::take_commands() {
  std::vector<AddedFlow> added;
  std::vector<FlowCommand> commands;
  {
    std::lock_guard lock(commands_mutex_);
    added.swap(added_);
    commands.swap(commands_);
  }
  // Added first: a command may name a flow added in the same round.
  for (AddedFlow& flow : added) start_added(flow);
  std::vector<FlowCommand> early;  // for a flow whose add_flow is still on its way
  for (const FlowCommand& command : commands) {
    if (command.flow >= flows_.size()) {
      early.push_back(command);
      continue;
    }
    FlowRun& run = run_[command.flow];
    switch (command.kind) {
      case FlowCommand::Kind::pause:
        if (run == FlowRun::reading || run == FlowRun::held) run = FlowRun::paused;
        break;
      case FlowCommand::Kind::release:
        if (run == FlowRun::held) run = FlowRun::reading;
        break;
      case FlowCommand::Kind::end:
        if (run != FlowRun::ended) run = FlowRun::ending;
        break;
    }
  }
  if (!early.empty()) {
    std::lock_guard lock(commands_mutex_);
    commands_.insert(commands_.begin(), early.begin(), early.end());
  }
}

void Tailer::start_added(AddedFlow& added) {
  FERRY_ASSERT(started_);
  FERRY_ASSERT(added.id == flows_.size());
  const uint32_t flow = added.id;
  std::erase_if(committed_.flows, [&](const FlowCheckpoint& entry) {
    return entry.flow == added.flow.checkpoint_key;
  });
  const bool first_start = !added.resume.has_value();
  if (added.resume) committed_.flows.push_back(std::move(*added.resume));
  add_flow_state(added.flow);
  run_[flow] = FlowRun::held;
  const uint32_t watched = watcher_.add_flow(parse_path_glob(added.flow.file_pattern));
  FERRY_ASSERT(watched == flow);
  watcher_.rescan_flow(flow, [&](uint32_t found_flow, const std::string& path) {
    consider_file(found_flow, path, /*at_start=*/true);
  });
  FERRY_INFO(cat("tail: flow ", flows_[flow].name, " added"));
  if (first_start)
    added.first_start.set_value(FlowStart{flows_[flow].checkpoint_key, pending_positions_[flow]});
  else
    added.first_start.set_value(std::nullopt);
}

void Tailer::end_flows_whose_reads_landed() {
  for (uint32_t flow = 0; flow < flows_.size(); ++flow) {
    if (run_[flow] != FlowRun::ending || flow_reads_in_flight_[flow] > 0) continue;
    push_end_of_input(flow);
    std::vector<TrackedFile*> files;
    for (auto& [id, file] : files_)
      if (file->flow == flow) files.push_back(file.get());
    for (TrackedFile* file : files) forget(*file);
    watcher_.remove_flow(flow);
    start_patterns_[flow].reset();  // compiled patterns: the largest part of what a flow keeps
    footer_patterns_[flow].reset();
    FERRY_INFO(cat("tail: flow ", flows_[flow].name, " ended (", files.size(), " file(s) let go)"));
  }
}

void Tailer::push_end_of_input(uint32_t flow) {
  FERRY_ASSERT(flow_reads_in_flight_[flow] == 0);
  if (!pending_positions_[flow].empty() && current_batch(flow) == nullptr) {
    // All batches are downstream; positions without records can wait for the next start.
    FERRY_DEBUG(cat("tail: flow ", flows_[flow].name, ": starting positions not recorded"));
  }
  dispatch_now(flow);
  auto end = std::make_unique<Batch>();
  end->kind = Batch::Kind::end_of_input;
  end->flow = flow;
  end->sequence = next_sequence_[flow]++;
  const bool pushed = work_.push(end);
  FERRY_ASSERT(pushed);
  run_[flow] = FlowRun::ended;
}

}  // namespace ferry
