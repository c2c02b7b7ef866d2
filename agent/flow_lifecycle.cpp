// Flows while the pipeline runs: a reload applied flow by flow, and a failed flow started again
// alone. All of it runs on the lifecycle thread, one job at a time; the reactor and the shipper
// only queue work for it (a flow's end, a retry that is due) and never wait for it.
#include <algorithm>

#include "agent/flow_plan.hpp"
#include "agent/running_pipeline.hpp"
#include "core/assert.hpp"
#include "core/observe/log.hpp"
#include "core/text.hpp"

namespace ferry {
namespace {

constexpr auto kWaitSlice = std::chrono::milliseconds(50);

std::string names_of(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text.append(cat(" ", name));
  return text.empty() ? std::string(" none") : text;
}

}  // namespace

void RunningPipeline::post(std::function<void()> job) {
  std::lock_guard lock(lifecycle_mutex_);
  if (lifecycle_stopping_) return;
  jobs_.push_back(std::move(job));
  lifecycle_wake_.notify_all();
}

void RunningPipeline::lifecycle_loop() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(lifecycle_mutex_);
      lifecycle_wake_.wait(lock, [this] { return lifecycle_stopping_ || !jobs_.empty(); });
      if (lifecycle_stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

void RunningPipeline::stop_lifecycle() {
  {
    std::lock_guard lock(lifecycle_mutex_);
    lifecycle_stopping_ = true;
    stopping_.store(true);
    lifecycle_wake_.notify_all();
  }
  if (lifecycle_thread_.joinable()) lifecycle_thread_.join();
  std::lock_guard lock(lifecycle_mutex_);
  jobs_.clear();  // their promises break: a reload waiting for one hears that the run ended
}

template <class T>
std::optional<T> RunningPipeline::wait_for(std::future<T>& future) {
  while (future.wait_for(kWaitSlice) != std::future_status::ready)
    if (stopping_.load()) return std::nullopt;
  return future.get();
}

void RunningPipeline::flow_ended(uint32_t id, std::unique_ptr<ObjectWriter> writer) {
  // The shipper took its batches in order: every one of them is through the workers.
  processing_.end(id);
  std::lock_guard lock(lifecycle_mutex_);
  ended_.insert(id);
  if (writer) ended_writers_[id] = std::move(writer);
  lifecycle_wake_.notify_all();
}

void RunningPipeline::flow_failed(uint32_t id) {
  tailer_->pause_flow(id);
  std::lock_guard lock(lifecycle_mutex_);
  failed_.insert(id);
}

bool RunningPipeline::has_failed(uint32_t id) {
  std::lock_guard lock(lifecycle_mutex_);
  return failed_.contains(id);
}

Result<RunningPipeline::Slot> RunningPipeline::add_running(const config::Flow& flow) {
  auto parts = build_flow(flow, /*at_start=*/false);
  if (!parts) return parts.error();
  FlowMetrics* metrics = parts->ship.metrics;
  const uint32_t id = processing_.add(std::move(parts->processing));
  auto shipping = shipper_->add_flow(std::move(parts->ship));
  std::optional<Shipper::Added> added = wait_for(shipping);
  if (!added) return make_error("the run is ending");
  FERRY_ASSERT(added->id == id);
  auto tailing = tailer_->add_flow(id, std::move(parts->tail), std::move(added->resume));
  std::optional<std::optional<FlowStart>> start = wait_for(tailing);
  if (!start) return make_error("the run is ending");
  if (*start) {
    auto recording = shipper_->record_first_start(std::move(**start));
    std::optional<Status> recorded = wait_for(recording);
    if (!recorded) return make_error("the run is ending");
    if (!recorded->ok()) return recorded->error();
  }
  // A flow whose object could not be settled stays paused: the shipper's retry rule applies.
  if (added->status.ok()) tailer_->release_flow(id);
  return Slot{id, metrics};
}

bool RunningPipeline::end_running(uint32_t id) {
  if (id == Slot::kNotRunning) return true;
  tailer_->end_flow(id);
  std::unique_lock lock(lifecycle_mutex_);
  while (!ended_.contains(id)) {
    if (stopping_.load()) return false;
    lifecycle_wake_.wait_for(lock, kWaitSlice);
  }
  auto writer = ended_writers_.extract(id);
  lock.unlock();
  // Here, not on the shipper thread: it waits for the uploads a failure let go of in flight (at
  // most one request's attempts), so that the flow, started again, never meets them.
  if (!writer.empty()) writer.mapped().reset();
  return true;
}

void RunningPipeline::restart_failed(uint32_t id) {
  const auto slot =
      std::find_if(slots_.begin(), slots_.end(), [id](const Slot& s) { return s.id == id; });
  if (slot == slots_.end()) return;  // a reload removed or changed it meanwhile
  const config::Flow flow = config_.flows[static_cast<size_t>(slot - slots_.begin())];
  if (!end_running(id)) return;
  auto added = add_running(flow);
  if (!added) {
    FERRY_ERROR(cat("flow ", flow.name, ": cannot start it again: ", added.error().message));
    return;
  }
  *slot = *added;
}

bool RunningPipeline::reconfigure(const config::Config& next, std::string& why_not) {
  std::promise<bool> done;
  auto future = done.get_future();
  auto why = std::make_shared<std::string>();
  post([this, &next, why, done = std::make_shared<std::promise<bool>>(std::move(done))] {
    done->set_value(apply(next, *why));
  });
  try {
    const bool applied = future.get();
    why_not = *why;
    return applied;
  } catch (const std::future_error&) {  // the run ended first
    why_not = "the run was ending";
    return false;
  }
}

bool RunningPipeline::apply(const config::Config& next, std::string& why_not) {
  if (auto change = shared_settings_change(config_, next)) {
    why_not = cat(*change, " changed");
    return false;
  }
  const FlowPlan plan = plan_flows(config_.flows, next.flows);
  const auto is_stream = [](const config::Flow& flow) {
    return std::holds_alternative<config::StreamDestination>(flow.destination);
  };
  if (stream_sender_ == nullptr) {
    bool streams = false;
    for (const size_t n : plan.added) streams |= is_stream(next.flows[n]);
    for (const auto& [r, n] : plan.changed) streams |= is_stream(next.flows[n]);
    if (streams) {
      why_not = "a flow now sends to Firehose or Kinesis (their sender threads start with a run)";
      return false;
    }
  }
  std::vector<Slot> slots(next.flows.size());
  std::vector<std::string> kept, changed, added, removed;
  // A kept flow whose destination failed is tried again at once, as a changed one.
  std::vector<std::pair<size_t, size_t>> restarted = plan.changed;
  for (const auto& [r, n] : plan.kept) {
    if (has_failed(slots_[r].id)) {
      restarted.emplace_back(r, n);
      continue;
    }
    slots[n] = slots_[r];
    kept.push_back(next.flows[n].name);
  }
  // Ended first: a changed flow starts again only once its object is completed.
  for (const size_t r : plan.removed) {
    if (!end_running(slots_[r].id)) return why_not = "the run was ending", false;
    removed.push_back(config_.flows[r].name);
  }
  for (const auto& [r, n] : restarted) {
    if (!end_running(slots_[r].id)) return why_not = "the run was ending", false;
  }
  const auto start = [&](size_t n, std::vector<std::string>& names) {
    auto slot = add_running(next.flows[n]);
    if (!slot) {
      FERRY_ERROR(cat("reload: flow ", next.flows[n].name, " not started: ", slot.error().message));
      return false;
    }
    slots[n] = *slot;
    names.push_back(next.flows[n].name);
    return true;
  };
  bool all_started = true;
  for (const auto& [r, n] : restarted) all_started &= start(n, changed);
  for (const size_t n : plan.added) all_started &= start(n, added);
  // A removed flow's counters stay, marked as such, unless a flow of the same name took them.
  for (const Slot& old : slots_) {
    const bool reused = std::any_of(slots.begin(), slots.end(),
                                    [&](const Slot& s) { return s.metrics == old.metrics; });
    if (!reused && old.metrics != nullptr) old.metrics->active.store(false);
  }
  slots_ = std::move(slots);
  config_.flows = next.flows;
  FERRY_INFO(cat("reload: applied flow by flow; kept running:", names_of(kept),
                 "; changed or failed (completed, then started again):", names_of(changed),
                 "; added:", names_of(added), "; removed:", names_of(removed)));
  if (!all_started) why_not = "a flow could not start";
  return true;
}

}  // namespace ferry
