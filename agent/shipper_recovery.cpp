// Shipper at start-up and when a flow is added: settles each flow's object left open by an
// earlier run (completed, continued, completed with its sealed parts, or built again under its
// key), aborts the upload a crash cut off before any of its parts was recorded, and writes the
// first starts, all before the reactor reads a byte of the flow.
// The requests (agent/left_open_object.cpp) of a flow added while the shipper runs go on a
// thread of their own, and the flow is answered once they end; following, a flow that has
// something to settle at start waits for that like a failed flow tried again at once. So a
// destination that stalls holds up its own flow alone. --once settles every flow before reading.
#include <ctime>

#include "agent/shipper.hpp"
#include "core/assert.hpp"
#include "core/observe/log.hpp"
#include "core/text.hpp"
#include "io/checkpoint_store.hpp"
#include "io/steady_clock.hpp"
#include "io/thread_name.hpp"

namespace ferry {

const FlowCheckpoint* Shipper::leftovers(const FlowState& state) const {
  // find_flow: a flow the checkpoint does not know stays unknown until its first start is
  // recorded (record_first_starts), where initialPosition decides where its files start.
  const FlowCheckpoint* saved = checkpoint_.find_flow(state.flow.checkpoint_key);
  return saved != nullptr && (saved->open || saved->started_upload) ? saved : nullptr;
}

bool Shipper::needs_destination(const FlowState& state) const {
  return state.flow.writer && leftovers(state) != nullptr;
}

LeftOpen Shipper::left_open(const FlowState& state) const {
  FERRY_ASSERT(needs_destination(state));
  const FlowCheckpoint& saved = *leftovers(state);
  return LeftOpen{state.flow.name, state.flow.writer.get(), saved.open, saved.started_upload};
}

Result<bool> Shipper::settle_left_open(FlowState& state) {
  if (leftovers(state) == nullptr) return false;
  if (needs_destination(state)) {
    const LeftOpen left = left_open(state);
    return apply_settled(state, left, settle_at_destination(left));
  }
  // Now a stream flow (a named flow keeps its key): nothing to ask. Its records after the
  // committed positions are read again, into the stream.
  FlowCheckpoint& saved = checkpoint_.flow(state.flow.checkpoint_key);
  if (saved.open)
    FERRY_WARN(cat("recovery: flow ", state.flow.name, ": ", saved.open->key,
                   " was left open at its old destination; its records are read again into the "
                   "stream (an unfinished upload stays until a lifecycle rule aborts it)"));
  saved.open.reset();
  saved.started_upload.reset();
  return true;
}

Result<bool> Shipper::apply_settled(FlowState& state, const LeftOpen& left,
                                    const Settled& settled) {
  if (!settled.status) {
    // That flow's destination cannot be asked now: the flow stops, the others go on.
    fail(state, settled.status.error().message);
    return settled.status.error();
  }
  FlowCheckpoint& saved = checkpoint_.flow(state.flow.checkpoint_key);
  if (left.open) {
    const OpenObject& open = *left.open;
    switch (settled.outcome) {
      case Settled::Outcome::none: FERRY_ASSERT(false); break;
      case Settled::Outcome::delivered:
        checkpoint_.commit(state.flow.checkpoint_key, open.positions, std::time(nullptr));
        saved.open.reset();
        break;
      case Settled::Outcome::rebuild:
        state.reuse_key = open.key;
        saved.open = object_to_rebuild(open.key);
        FERRY_INFO(cat("recovery: flow ", state.flow.name, ": ", open.key,
                       " was not completed; its records are read again into it, in a new upload"));
        break;
      case Settled::Outcome::continued:
        state.object = ObjectInProgress{true, open.key, steady_millis(), 0, open.positions};
        state.object.parts_acknowledged = open.parts.size();
        state.object.opened_unix_ms = unix_millis();
        FERRY_INFO(cat("recovery: flow ", state.flow.name, ": continuing the upload of ", open.key,
                       " after its ", open.parts.size(), " acknowledged part(s)"));
        break;
    }
  }
  saved.started_upload.reset();  // aborted, or continued as the open object's
  return true;
}

void Shipper::settle_in_background(FlowState& state, LeftOpen left, std::promise<Added> answer) {
  FERRY_ASSERT(!state.recovery);
  auto settled = std::async(std::launch::async, [left] {
    name_this_thread("ferry-recovery");
    return settle_at_destination(left);
  });
  state.recovery.emplace(PendingRecovery{std::move(left), std::move(settled), std::move(answer)});
}

void Shipper::take_recoveries() {
  for (FlowState& state : flows_) {
    if (!state.recovery) continue;
    std::future<Settled>& settled = state.recovery->settled;
    if (settled.wait_for(std::chrono::seconds(0)) != std::future_status::ready) continue;
    PendingRecovery pending = std::move(*state.recovery);
    state.recovery.reset();
    const Result<bool> applied = apply_settled(state, pending.left, pending.settled.get());
    pending.answer.set_value(answer_added(state, applied));
  }
}

Status Shipper::recover() {
  bool changed = false;
  for (auto& state : flows_) {
    if (options_.retry_failed_flows && needs_destination(state)) {
      defer_start(state);
      continue;
    }
    const Result<bool> settled = settle_left_open(state);
    changed |= settled.ok() && *settled;
  }
  if (!changed) return Ok{};
  return save_at_start();
}

void Shipper::defer_start(FlowState& state) {
  // Paused like a failed flow (failed_flows()) and tried again at once, without a failure: its
  // object is settled when it is added again (take_added), while the other flows ship.
  state.failed = true;
  state.deferred = true;
  flows_failed_.store(true);
  state.retry_at_millis = 0;
  state.reminded_millis = steady_millis();
  FERRY_INFO(cat("recovery: flow ", state.flow.name,
                 ": its object left open by the last run is settled on a thread of its own; the "
                 "flow starts once it is (the other flows go on)"));
}

Status Shipper::record_first_starts(const std::vector<FlowStart>& starts) {
  if (starts.empty()) return Ok{};
  const int64_t now = std::time(nullptr);
  for (const FlowStart& start : starts) checkpoint_.begin(start, now);
  return save_at_start();
}

Status Shipper::save_at_start() {
  ++checkpoint_.generation;
  if (auto status = save_checkpoint(options_.checkpoint_path, encode_checkpoint(checkpoint_));
      !status)
    return status;
  publish_checkpoint();
  return Ok{};
}

}  // namespace ferry
