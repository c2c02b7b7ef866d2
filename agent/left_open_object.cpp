// settle_at_destination: the requests of a start's recovery (see left_open_object.hpp).
#include "agent/left_open_object.hpp"

#include <chrono>
#include <thread>

#include "core/assert.hpp"
#include "core/observe/log.hpp"
#include "core/text.hpp"

namespace ferry {
namespace {

constexpr int kRecoveryLooks = 6;  // 3 s in all: only when the sizes differ, only at start
constexpr int kRecoveryLookMillis = 500;

using Outcome = Settled::Outcome;

// false: the open upload is gone or does not hold its parts, so the object is built again.
Result<bool> upload_holds(const LeftOpen& left, const OpenObject& open) {
  auto checked = left.writer->check_upload(open);
  if (!checked)
    return make_error(cat("recovery: flow ", left.flow, ": cannot list the parts of ", open.key,
                          ": ", checked.error().message));
  switch (checked->verdict) {
    case UploadCheck::Verdict::holds: return true;
    case UploadCheck::Verdict::unchecked:
      FERRY_WARN(cat("recovery: flow ", left.flow, ": could not list the parts of ", open.key, " (",
                     checked->detail, "); going on with the upload unchecked"));
      return true;
    case UploadCheck::Verdict::lost:
      FERRY_WARN(cat("recovery: flow ", left.flow, ": the upload of ", open.key,
                     " no longer exists (aborted, e.g. by a lifecycle rule: ", checked->detail,
                     ")"));
      return false;
    case UploadCheck::Verdict::differs:
      FERRY_WARN(cat("recovery: flow ", left.flow, ": the upload of ", open.key,
                     " does not hold its acknowledged parts (", checked->detail, ")"));
      return false;
  }
  return false;
}

Result<Outcome> settle_open(const LeftOpen& left, const OpenObject& open) {
  ObjectWriter& writer = *left.writer;
  auto visible = writer.visible_size(open.key);
  // Servers that write an object while its request runs (s3rver streams a PutObject or a
  // CompleteMultipartUpload into place) show a partial object for a moment after a crash: look
  // again a few times before calling it an interrupted write.
  for (int look = 0;
       look < kRecoveryLooks && visible && visible.value() && *visible.value() != open.size;
       ++look) {
    std::this_thread::sleep_for(std::chrono::milliseconds(kRecoveryLookMillis));
    visible = writer.visible_size(open.key);
  }
  if (!visible)
    return make_error(cat("recovery: flow ", left.flow, ": cannot tell whether ", open.key,
                          " was completed: ", visible.error().message));
  const ResumeAction action = decide_resume(open, visible.value());
  if (visible.value() && action != ResumeAction::commit_completed)
    FERRY_WARN(cat("recovery: flow ", left.flow, ": ", open.key, " holds ", *visible.value(),
                   " bytes where the checkpoint expects ", open.size,
                   " once complete: an interrupted or earlier write, never acknowledged; it will "
                   "be replaced"));
  switch (action) {
    case ResumeAction::commit_completed:
      FERRY_INFO(cat("recovery: flow ", left.flow, ": ", open.key,
                     " was completed before the restart; its records are delivered"));
      return Outcome::delivered;
    case ResumeAction::complete_sealed:
    case ResumeAction::continue_upload: {
      auto holds = upload_holds(left, open);
      if (!holds) return holds.error();
      if (!holds.value()) return Outcome::rebuild;
      if (auto status = writer.resume(open); !status) return status.error();
      if (action == ResumeAction::continue_upload) return Outcome::continued;
      // Its last part was its short last one: nothing may follow it. Completed with exactly
      // the acknowledged parts before anything new is read for the flow.
      if (auto status = writer.complete(); !status) {
        if (!writer.must_restart())
          return make_error(cat("recovery: flow ", left.flow, ": completing ", open.key, ": ",
                                status.error().message));
        FERRY_WARN(cat("recovery: flow ", left.flow, ": ", status.error().message));
        writer.abandon();  // the writer begins the rebuilt object afresh
        return Outcome::rebuild;
      }
      FERRY_INFO(cat("recovery: flow ", left.flow, ": completed ", open.key, " with its ",
                     open.parts.size(), " acknowledged part(s); its records are delivered"));
      return Outcome::delivered;
    }
    case ResumeAction::restart_object: return Outcome::rebuild;
  }
  return Outcome::rebuild;
}

void abort_started(const LeftOpen& left, const StartedUpload& started) {
  if (auto status = left.writer->abort_upload(started); !status)
    FERRY_WARN(cat("recovery: flow ", left.flow, ": ", status.error().message,
                   " (the upload stays until a lifecycle rule aborts it)"));
  else
    FERRY_INFO(cat("recovery: flow ", left.flow, ": aborted the upload of ", started.key,
                   " begun before the restart with no part recorded; its records are read "
                   "again"));
}

}  // namespace

Settled settle_at_destination(const LeftOpen& left) {
  FERRY_ASSERT(left.writer != nullptr);
  Settled settled;
  if (left.open) {
    auto outcome = settle_open(left, *left.open);
    if (!outcome) return Settled{outcome.error(), Outcome::none};
    settled.outcome = *outcome;
  }
  // The open object continuing that very upload keeps it; otherwise its records are read again.
  if (!left.started) return settled;
  const bool continues_it =
      settled.outcome == Outcome::continued && left.open->upload_id == left.started->upload_id;
  if (!continues_it) abort_started(left, *left.started);
  return settled;
}

}  // namespace ferry
