// Shipper at start-up and when a flow is added: settles each flow's object left open by an
// earlier run (completed, continued, completed with its sealed parts, or built again under its
// key), aborts the upload a crash cut off before any of its parts was recorded, and writes the
// first starts, all before the reactor reads a byte of the flow.
#include <chrono>
#include <ctime>
#include <thread>

#include "agent/shipper.hpp"
#include "core/observe/log.hpp"
#include "core/text.hpp"
#include "io/checkpoint_store.hpp"
#include "io/steady_clock.hpp"

namespace ferry {

Result<bool> Shipper::settle_left_open(FlowState& state) {
  // find_flow: a flow the checkpoint does not know stays unknown until its first start is
  // recorded (record_first_starts), where initialPosition decides where its files start.
  const FlowCheckpoint* saved = checkpoint_.find_flow(state.flow.checkpoint_key);
  if (saved == nullptr) return false;
  const bool open = saved->open.has_value();
  if (open) {
    if (auto status = recover_flow(state); !status) {
      // That flow's destination cannot be asked now: the flow stops, the others go on.
      fail(state, status.error().message);
      return status.error();
    }
  }
  return drop_started_upload(state) || open;
}

bool Shipper::drop_started_upload(FlowState& state) {
  FlowCheckpoint& saved = checkpoint_.flow(state.flow.checkpoint_key);
  if (!saved.started_upload) return false;
  const StartedUpload started = std::move(*saved.started_upload);
  saved.started_upload.reset();
  if (saved.open && saved.open->upload_id == started.upload_id) return true;  // continued
  if (!state.flow.writer) return true;  // now a stream flow: nothing to ask
  if (auto status = state.flow.writer->abort_upload(started); !status)
    FERRY_WARN(cat("recovery: flow ", state.flow.name, ": ", status.error().message,
                   " (the upload stays until a lifecycle rule aborts it)"));
  else
    FERRY_INFO(cat("recovery: flow ", state.flow.name, ": aborted the upload of ", started.key,
                   " begun before the restart with no part recorded; its records are read "
                   "again"));
  return true;
}

Status Shipper::recover() {
  bool changed = false;
  for (auto& state : flows_) {
    const Result<bool> settled = settle_left_open(state);
    changed |= settled.ok() && *settled;
  }
  if (!changed) return Ok{};
  return save_at_start();
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

namespace {

constexpr int kRecoveryLooks = 6;  // 3 s in all: only when the sizes differ, only at start
constexpr int kRecoveryLookMillis = 500;

}  // namespace

Status Shipper::recover_flow(FlowState& state) {
  const OpenObject open = *checkpoint_.flow(state.flow.checkpoint_key).open;
  auto visible = state.flow.writer->visible_size(open.key);
  // Servers that write an object while its request runs (s3rver streams a PutObject or a
  // CompleteMultipartUpload into place) show a partial object for a moment after a crash: look
  // again a few times before calling it an interrupted write.
  for (int look = 0;
       look < kRecoveryLooks && visible && visible.value() && *visible.value() != open.size;
       ++look) {
    std::this_thread::sleep_for(std::chrono::milliseconds(kRecoveryLookMillis));
    visible = state.flow.writer->visible_size(open.key);
  }
  if (!visible)
    return make_error(cat("recovery: flow ", state.flow.name, ": cannot tell whether ", open.key,
                          " was completed: ", visible.error().message));
  const ResumeAction action = decide_resume(open, visible.value());
  if (visible.value() && action != ResumeAction::commit_completed)
    FERRY_WARN(cat("recovery: flow ", state.flow.name, ": ", open.key, " holds ", *visible.value(),
                   " bytes where the checkpoint expects ", open.size,
                   " once complete: an interrupted or earlier write, never acknowledged; it will "
                   "be replaced"));
  switch (action) {
    case ResumeAction::commit_completed:
      FERRY_INFO(cat("recovery: flow ", state.flow.name, ": ", open.key,
                     " was completed before the restart; its records are delivered"));
      commit_recovered(state, open);
      return Ok{};
    case ResumeAction::complete_sealed:
    case ResumeAction::continue_upload: {
      auto upload = check_recovered_upload(state, open);
      if (!upload) return upload.error();
      if (!upload.value()) {
        restart_recovered(state, open);
        return Ok{};
      }
      if (auto status = state.flow.writer->resume(open); !status) return status;
      if (action == ResumeAction::continue_upload) {
        state.object = ObjectInProgress{true, open.key, steady_millis(), 0, open.positions};
        state.object.parts_acknowledged = open.parts.size();
        state.object.opened_unix_ms = unix_millis();
        FERRY_INFO(cat("recovery: flow ", state.flow.name, ": continuing the upload of ", open.key,
                       " after its ", open.parts.size(), " acknowledged part(s)"));
        return Ok{};
      }
      // Its last part was its short last one: nothing may follow it. Completed with exactly
      // the acknowledged parts before anything new is read for the flow.
      if (auto status = state.flow.writer->complete(); !status) {
        if (!state.flow.writer->must_restart())
          return make_error(cat("recovery: flow ", state.flow.name, ": completing ", open.key, ": ",
                                status.error().message));
        FERRY_WARN(cat("recovery: flow ", state.flow.name, ": ", status.error().message));
        state.flow.writer->abandon();  // the writer begins the rebuilt object afresh
        restart_recovered(state, open);
        return Ok{};
      }
      FERRY_INFO(cat("recovery: flow ", state.flow.name, ": completed ", open.key, " with its ",
                     open.parts.size(), " acknowledged part(s); its records are delivered"));
      commit_recovered(state, open);
      return Ok{};
    }
    case ResumeAction::restart_object: restart_recovered(state, open); return Ok{};
  }
  return Ok{};
}

Result<bool> Shipper::check_recovered_upload(FlowState& state, const OpenObject& open) {
  auto checked = state.flow.writer->check_upload(open);
  if (!checked)
    return make_error(cat("recovery: flow ", state.flow.name, ": cannot list the parts of ",
                          open.key, ": ", checked.error().message));
  switch (checked->verdict) {
    case UploadCheck::Verdict::holds: return true;
    case UploadCheck::Verdict::unchecked:
      FERRY_WARN(cat("recovery: flow ", state.flow.name, ": could not list the parts of ", open.key,
                     " (", checked->detail, "); going on with the upload unchecked"));
      return true;
    case UploadCheck::Verdict::lost:
      FERRY_WARN(cat("recovery: flow ", state.flow.name, ": the upload of ", open.key,
                     " no longer exists (aborted, e.g. by a lifecycle rule: ", checked->detail,
                     ")"));
      return false;
    case UploadCheck::Verdict::differs:
      FERRY_WARN(cat("recovery: flow ", state.flow.name, ": the upload of ", open.key,
                     " does not hold its acknowledged parts (", checked->detail, ")"));
      return false;
  }
  return false;
}

void Shipper::commit_recovered(FlowState& state, const OpenObject& open) {
  checkpoint_.commit(state.flow.checkpoint_key, open.positions, std::time(nullptr));
  checkpoint_.flow(state.flow.checkpoint_key).open.reset();
}

void Shipper::restart_recovered(FlowState& state, const OpenObject& open) {
  state.reuse_key = open.key;
  checkpoint_.flow(state.flow.checkpoint_key).open = object_to_rebuild(open.key);
  FERRY_INFO(cat("recovery: flow ", state.flow.name, ": ", open.key,
                 " was not completed; its records are read again into it, in a new upload"));
}

}  // namespace ferry
