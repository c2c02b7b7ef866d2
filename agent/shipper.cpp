// Shipper thread: in-order assembly of objects from frames, durable bookkeeping of every part
// and completion in the checkpoint, completions in the background at a rollover, and a flow's
// failure and retry (recovery at a start: shipper_recovery.cpp).
#include "agent/shipper.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <thread>

#include "core/assert.hpp"
#include "core/backoff.hpp"
#include "core/batch/object_key.hpp"
#include "core/observe/log.hpp"
#include "core/text.hpp"
#include "io/checkpoint_store.hpp"
#include "io/steady_clock.hpp"
#include "io/tail/file_probe.hpp"

namespace ferry {

// Keeps the newest position per file (same inode) in `into`.
void merge_positions(std::vector<SourcePosition>& into, const std::vector<SourcePosition>& from) {
  for (const auto& position : from) {
    auto it = std::find_if(into.begin(), into.end(), [&](const SourcePosition& p) {
      return p.identity.same_inode(position.identity);
    });
    if (it == into.end())
      into.push_back(position);
    else
      *it = position;
  }
}

namespace {

// How often open objects are checked for age, part uploads and stream calls for completion.
constexpr int kTickMillis = 100;
constexpr const char* kCheckpointNotWritten = "the checkpoint cannot be written";
constexpr uint64_t kFailedFlowReminderMillis = 60'000;

// S3's (or the stream service's) error code in an error line "... HTTP <status> <Code>: ...";
// "transport" for an answer that never came, else "error".
std::string error_code_of(std::string_view message) {
  const size_t http = message.find(": HTTP ");
  if (http == std::string_view::npos) return "transport";
  const size_t code = message.find(' ', http + 7);
  if (code == std::string_view::npos) return "error";
  const size_t end = message.find_first_of(":;( ", code + 1);
  const std::string_view text = message.substr(
      code + 1, end == std::string_view::npos ? std::string_view::npos : end - code - 1);
  if (text.empty() || text.size() > 64) return "error";
  return std::string(text);
}

}  // namespace

Shipper::Shipper(std::vector<ShipFlow> flows, Checkpoint checkpoint, ShipperOptions options,
                 BatchPool& pool, RingQueue<std::unique_ptr<Batch>>& input)
    : checkpoint_(std::move(checkpoint)), options_(std::move(options)), pool_(pool), input_(input) {
  FERRY_ASSERT(options_.metrics != nullptr);
  // Everything the shipper hands to other threads wakes it when it comes back (here the stream
  // calls; push_flow: each flow's uploads and completions): what waited for it goes at once,
  // not at the next tick.
  if (options_.stream_sender)
    options_.stream_sender->set_on_done([&input = input_] { input.wake(); });
  for (auto& flow : flows) push_flow(std::move(flow));
}

Shipper::FlowState& Shipper::push_flow(ShipFlow flow) {
  FERRY_ASSERT(flow.metrics != nullptr);
  flow.metrics->max_object_age_millis.set(static_cast<int64_t>(flow.object.max_object_age_millis));
  FlowState& state = flows_.emplace_back(FlowState{std::move(flow)});
  state.id = static_cast<uint32_t>(flows_.size() - 1);
  if (state.flow.stream) init_stream(state);
  // A part uploaded or an object completed wakes the shipper (an upload-bound flow would leave
  // its connections idle until the next tick).
  if (state.flow.writer) state.flow.writer->set_on_progress([&input = input_] { input.wake(); });
  return state;
}

std::future<Shipper::Added> Shipper::add_flow(ShipFlow flow) {
  std::promise<Added> promise;
  auto future = promise.get_future();
  std::lock_guard lock(added_mutex_);
  added_.emplace_back(std::move(flow), std::move(promise));
  return future;
}

std::future<Status> Shipper::record_first_start(FlowStart start) {
  std::promise<Status> promise;
  auto future = promise.get_future();
  std::lock_guard lock(added_mutex_);
  first_starts_.emplace_back(std::move(start), std::move(promise));
  return future;
}

void Shipper::take_added() {
  std::vector<std::pair<ShipFlow, std::promise<Added>>> added;
  std::vector<std::pair<FlowStart, std::promise<Status>>> first_starts;
  {
    std::lock_guard lock(added_mutex_);
    added.swap(added_);
    first_starts.swap(first_starts_);
  }
  for (auto& [flow, promise] : added) {
    FlowState& state = push_flow(std::move(flow));
    if (needs_destination(state)) {
      settle_in_background(state, left_open(state), std::move(promise));
      continue;  // answered by take_recoveries()
    }
    promise.set_value(answer_added(state, settle_left_open(state)));
  }
  for (auto& [start, promise] : first_starts) {
    checkpoint_.begin(start, std::time(nullptr));
    promise.set_value(persist() ? Status(Ok{}) : make_error(kCheckpointNotWritten));
  }
}

Shipper::Added Shipper::answer_added(FlowState& state, const Result<bool>& settled) {
  Added answer;
  answer.id = state.id;
  if (!settled.ok())
    answer.status = settled.error();
  else if (*settled && !persist())
    answer.status = make_error(kCheckpointNotWritten);
  answer.resume = checkpoint_.resume_of(state.flow.checkpoint_key);
  return answer;
}

bool Shipper::note_started_upload(FlowState& state) {
  const std::string& upload_id = state.flow.writer->upload_id();
  if (upload_id.empty() || state.object.upload_noted) return true;
  state.object.upload_noted = true;
  FlowCheckpoint& saved = checkpoint_.flow(state.flow.checkpoint_key);
  if (saved.open && saved.open->upload_id == upload_id) return true;  // a continued upload
  saved.started_upload = StartedUpload{state.object.key, upload_id};
  if (persist()) return true;
  fail_all(kCheckpointNotWritten);
  return false;
}

std::vector<uint32_t> Shipper::failed_flows() const {
  std::vector<uint32_t> failed;
  for (uint32_t i = 0; i < flows_.size(); ++i)
    if (flows_[i].failed) failed.push_back(i);
  return failed;
}

void Shipper::run() {
  for (;;) {
    take_added();
    take_recoveries();
    auto batch = input_.pop_for(std::chrono::milliseconds(kTickMillis));
    if (batch)
      accept(std::move(*batch));
    else if (input_.drained() && !finish_held())
      break;  // every flow has seen its end_of_input, or a failure upstream closed the input
    poll_uploads();
    settle_completions(/*wait=*/false);
    collect_calls(false);
    complete_aged(steady_millis());
    ship_held();
    flush_aged_streams(steady_millis());
    watch_failed_flows(steady_millis());
  }
  settle_completions(/*wait=*/true);  // the input closed early (a failure upstream)
}

void Shipper::poll_uploads() {
  for (auto& state : flows_)
    if (!halted(state) && state.object.open) acknowledge_parts(state);
}

void Shipper::accept(std::unique_ptr<Batch> batch) {
  if (batch->flow >= flows_.size()) take_added();  // added before the tailer read its files
  FERRY_ASSERT(batch->flow < flows_.size());
  FlowState& state = flows_[batch->flow];
  FERRY_ASSERT(!state.recovery);  // a flow is read only once it is settled
  FERRY_ASSERT(batch->sequence >= state.next_sequence);
  const bool inserted = state.waiting.emplace(batch->sequence, std::move(batch)).second;
  FERRY_ASSERT(inserted);
  ship_waiting(state);
}

void Shipper::ship_waiting(FlowState& state, bool may_wait) {
  // Frames are compressed in parallel but appended strictly in source order; none while the
  // object closes or the next must be held (must_hold: its batches wait, bounded per flow by the
  // batch pool's reserve for the other flows).
  for (auto it = state.waiting.begin();
       it != state.waiting.end() && it->first == state.next_sequence && !state.object.closing &&
       (may_wait || !must_hold(state, *it->second));
       it = state.waiting.begin()) {
    std::unique_ptr<Batch> next = std::move(it->second);
    state.waiting.erase(it);
    ++state.next_sequence;
    ship_in_order(state, *next);
    if (next->kind == Batch::Kind::records) pool_.release(std::move(next));
  }
}

bool Shipper::must_hold(FlowState& state, const Batch& batch) {
  if (halted(state)) return false;
  if (state.stream) return stream_must_hold(state, batch);
  if (batch.kind == Batch::Kind::end_of_input) {
    // The flow's end (a reload, a stop) closes its object as a rollover does, and waits for it
    // to complete, at the ticks.
    if (state.object.open && !state.object.closing) close_object(state);
    return !halted(state) && (state.object.open || state.completing);
  }
  return state.object.open && state.flow.writer->append_would_wait(batch.frame.size());
}

void Shipper::ship_in_order(FlowState& state, Batch& batch) {
  if (batch.kind == Batch::Kind::end_of_input) {
    if (!halted(state)) settle_completion(state, /*wait=*/true);
    if (state.object.open && !halted(state)) complete_object(state, /*may_background=*/false);
    if (state.stream && !halted(state)) drain_stream(state);
    state.ended = true;
    std::unique_ptr<ObjectWriter> writer;  // its connections are let go with it
    if (!state.object.open) writer = std::move(state.flow.writer);
    if (on_flow_ended_) on_flow_ended_(state.id, std::move(writer));
    return;
  }
  if (halted(state)) return;  // delivery stopped: nothing more is shipped or checkpointed
  count_processed(state, batch.stats);
  if (state.stream) return ship_stream(state, batch);
  ObjectInProgress& object = state.object;
  if (batch.frame.empty()) {
    // Positions only (skipped lines, a file opened at its end): durable once earlier data is.
    if (object.open)
      merge_positions(object.positions, batch.positions);
    else if (state.completing)
      merge_positions(state.after_completing, batch.positions);
    else
      commit(state, batch.positions);
    return;
  }
  if (state.flow.metrics->oldest_pending_unix_ms.value() == 0)
    state.flow.metrics->oldest_pending_unix_ms.set(unix_millis());
  if (!object.open && !open_object(state)) return;
  ObjectWriter& writer = *state.flow.writer;
  const int submitted_before = writer.submitted_parts();
  if (auto status = writer.append(batch.frame); !status) return fail(state, status.error().message);
  object.records += batch.stats.records;
  merge_positions(object.positions, batch.positions);
  note_submitted(state, submitted_before);
  if (!acknowledge_parts(state)) return;
  if (writer.size() >= state.flow.object.max_object_bytes) close_object(state);
}

void Shipper::count_processed(FlowState& state, const BatchStats& stats) {
  FlowMetrics& metrics = *state.flow.metrics;
  metrics.records_read.add(stats.records);
  metrics.bytes_read.add(stats.input_bytes);
  metrics.records_redacted.add(stats.redacted);
  metrics.records_invalid.add(stats.invalid);
  metrics.records_dropped.add(stats.dropped);
  FERRY_ASSERT(stats.rules.size() <= state.flow.rule_metrics.size());
  for (size_t r = 0; r < stats.rules.size(); ++r) {
    state.flow.rule_metrics[r]->records.add(stats.rules[r].records);
    state.flow.rule_metrics[r]->values.add(stats.rules[r].values);
  }
}

void Shipper::note_submitted(FlowState& state, int submitted_before) {
  const int submitted = state.flow.writer->submitted_parts();
  // A part holds whole batches: it ends where the last appended batch ends.
  if (submitted != submitted_before) {
    state.part_positions[submitted] = state.object.positions;
    state.part_submitted_millis[submitted] = steady_millis();
  }
}

bool Shipper::acknowledge_parts(FlowState& state) {
  if (auto status = state.flow.writer->poll(); !status) {
    fail(state, status.error().message);
    return false;
  }
  // Parts first: an open object recorded with them names their upload, which is then begun
  // as far as the checkpoint is concerned.
  return record_acknowledged_parts(state) && note_started_upload(state);
}

bool Shipper::record_acknowledged_parts(FlowState& state) {
  const ObjectWriter& writer = *state.flow.writer;
  const size_t recorded = state.object.parts_acknowledged;
  if (writer.parts().size() <= recorded) return true;
  const UploadedPart& last = writer.parts().back();
  const uint64_t now = steady_millis();
  for (size_t i = recorded; i < writer.parts().size(); ++i) {
    const UploadedPart& part = writer.parts()[i];
    FERRY_INFO(cat("ship: flow ", state.flow.name, ": part ", part.number, " of ",
                   writer.location(), " acknowledged (", part.size, " bytes)"));
    if (auto submitted = state.part_submitted_millis.find(part.number);
        submitted != state.part_submitted_millis.end()) {
      options_.metrics->part_upload_latency.observe_millis(now - submitted->second);
      state.part_submitted_millis.erase(submitted);
    }
  }
  state.flow.metrics->parts_completed.add(writer.parts().size() - recorded);
  state.object.parts_acknowledged = writer.parts().size();
  note_success(state);
  state.flow.metrics->last_progress_unix_ms.set(unix_millis());
  auto positions = state.part_positions.find(last.number);
  FERRY_ASSERT(positions != state.part_positions.end());
  // Its records are durable as far as a restart is concerned: it resumes after this part.
  std::vector<SourcePosition> through_last = std::move(positions->second);
  state.part_positions.erase(state.part_positions.begin(), std::next(positions));
  if (state.completing) {
    // The checkpoint holds the object before this one until it is complete.
    state.unrecorded = std::move(through_last);
    return true;
  }
  return record_open(state, through_last);
}

bool Shipper::open_object(FlowState& state) {
  std::string key;
  if (state.reuse_key) {
    key = std::move(*state.reuse_key);
    state.reuse_key.reset();
  } else {
    const std::time_t now = std::time(nullptr);
    key = cat(render_key_prefix(state.flow.object.key_prefix, now, state.flow.name, options_.host),
              object_name(ObjectNameParts{options_.host, state.flow.name, now, options_.run_id,
                                          state.object_sequence++}));
  }
  if (auto status = state.flow.writer->begin(key); !status) {
    fail(state, status.error().message);
    return false;
  }
  state.object = ObjectInProgress{true, key, steady_millis(), 0, {}};
  state.object.opened_unix_ms = unix_millis();
  // Positions that came while the object before completed: durable with this one.
  state.object.positions = std::move(state.after_completing);
  state.after_completing.clear();
  return true;
}

bool Shipper::record_open(FlowState& state, const std::vector<SourcePosition>& positions) {
  FERRY_ASSERT(!state.completing);  // the checkpoint's open object is the completing one
  const ObjectWriter& writer = *state.flow.writer;
  OpenObject open;
  open.key = state.object.key;
  open.upload_id = writer.upload_id();
  open.parts = writer.parts();
  open.single_request = writer.single_request();
  // Sealing, every part is in: the one acknowledged last is the object's last.
  open.sealed = state.object.sealing && !open.single_request;
  for (const auto& part : open.parts) open.size += part.size;
  if (open.single_request) open.size = writer.size();
  open.positions = positions;
  FlowCheckpoint& saved = checkpoint_.flow(state.flow.checkpoint_key);
  if (saved.started_upload && saved.started_upload->upload_id == open.upload_id)
    saved.started_upload.reset();  // named by the open object from now on
  saved.open = std::move(open);
  if (persist()) return true;
  fail_all("the checkpoint cannot be written");
  return false;
}

void Shipper::complete_object(FlowState& state, bool may_background) {
  // One object of a flow completes at a time: the one before ends first.
  if (!settle_completion(state, /*wait=*/true)) return;
  ObjectInProgress& object = state.object;
  ObjectWriter& writer = *state.flow.writer;
  FERRY_ASSERT(object.open);
  const int submitted_before = writer.submitted_parts();
  object.sealing = true;
  if (auto status = writer.seal(); !status) return fail(state, status.error().message);
  note_submitted(state, submitted_before);
  if (!acknowledge_parts(state)) return;
  // Before the object becomes visible, the checkpoint knows its key, size and end positions:
  // a crash right after completion then finds the object instead of shipping it again.
  if (writer.single_request() && !record_open(state, object.positions)) return;
  const std::string location = writer.location();
  const uint64_t records = object.records;
  const uint64_t size = writer.size();
  const size_t parts = std::max<size_t>(1, writer.parts().size());
  const bool single_request = writer.single_request();
  if (may_background && writer.complete_in_background()) {
    // Recorded: every part acknowledged, or the whole object about to be sent. Only
    // CompleteMultipartUpload or PutObject is left, and the next object fills meanwhile
    // (settle_completion takes its end), whatever the destination's latency.
    state.completing = CompletingObject{.key = object.key,
                                        .location = location,
                                        .records = records,
                                        .size = size,
                                        .parts = parts,
                                        .positions = std::move(object.positions),
                                        .single_request = single_request};
    object = ObjectInProgress{};
    return;
  }
  const uint64_t completing = steady_millis();
  if (auto status = writer.complete(); !status) return fail(state, status.error().message);
  if (single_request)
    options_.metrics->part_upload_latency.observe_millis(steady_millis() - completing);
  const std::vector<SourcePosition> positions = std::move(object.positions);
  object = ObjectInProgress{};
  count_completed(state, location, records, size, parts);
  commit(state, positions);
}

void Shipper::count_completed(FlowState& state, const std::string& location, uint64_t records,
                              uint64_t size, size_t parts) {
  FlowMetrics& metrics = *state.flow.metrics;
  metrics.objects_completed.add();
  note_success(state);
  metrics.record_object(records, size);
  // The next object's records, if any came while this one completed, are the oldest now.
  metrics.oldest_pending_unix_ms.set(state.object.open ? state.object.opened_unix_ms : 0);
  metrics.last_progress_unix_ms.set(unix_millis());
  FERRY_INFO(cat("ship: flow ", state.flow.name, ": completed ", location, " (", records,
                 " records, ", size, " bytes, ", parts, " part(s))"));
}

std::optional<Shipper::CompletionEnded> Shipper::end_completion(FlowState& state, bool wait) {
  if (!state.completing) return std::nullopt;
  const std::optional<ObjectWriter::Completion> ended = state.flow.writer->completion(wait);
  if (!ended) return std::nullopt;
  const CompletingObject done = std::move(*state.completing);
  state.completing.reset();
  FlowCheckpoint& saved = checkpoint_.flow(state.flow.checkpoint_key);
  FERRY_ASSERT(saved.open && saved.open->key == done.key);
  if (!ended->status) {
    // The next object's records follow this one's in the files: they are read again after it.
    state.unrecorded.reset();
    state.after_completing.clear();
    if (ended->must_restart) {
      saved.open = object_to_rebuild(done.key);
      if (!persist()) fail_all(kCheckpointNotWritten);
    }
    return CompletionEnded{ended->status, done.location};
  }
  if (done.single_request) options_.metrics->part_upload_latency.observe_millis(ended->millis);
  count_completed(state, done.location, done.records, done.size, done.parts);
  const int64_t now = std::time(nullptr);
  checkpoint_.commit(state.flow.checkpoint_key, done.positions, now);
  saved.open.reset();
  if (!state.object.open)
    checkpoint_.commit(state.flow.checkpoint_key, state.after_completing, now);
  state.after_completing.clear();
  if (state.unrecorded) {
    const std::vector<SourcePosition> through_last = std::move(*state.unrecorded);
    state.unrecorded.reset();
    (void)record_open(state, through_last);  // persists; fails every flow if it cannot
  } else if (!persist()) {
    fail_all(kCheckpointNotWritten);
  }
  return CompletionEnded{Ok{}, done.location};
}

bool Shipper::settle_completion(FlowState& state, bool wait) {
  if (const auto ended = end_completion(state, wait); ended && !ended->status) {
    fail(state, ended->status.error().message, "", ended->location);
    return false;
  }
  return !halted(state);
}

void Shipper::settle_completions(bool wait) {
  for (auto& state : flows_)
    if (state.completing) settle_completion(state, wait);
}

void Shipper::complete_aged(uint64_t now) {
  for (auto& state : flows_) {
    if (halted(state) || !state.object.open) continue;
    if (state.object.closing) {
      advance_closing(state);
      continue;
    }
    // One whose object before still completes closes in the tick after it ended, and one with
    // uploads in flight (its CreateMultipartUpload, its parts) in the tick after they came
    // back: until then its batches go on filling the object (a stalled request holds up
    // neither the other flows nor this one's reading).
    if (!state.completing && !state.flow.writer->uploads_in_flight() &&
        now - state.object.opened_millis >= state.flow.object.max_object_age_millis)
      close_object(state);
  }
}

void Shipper::close_object(FlowState& state) {
  FERRY_ASSERT(state.object.open && !state.object.closing);
  state.object.closing = true;
  // The next part acknowledged may be its last: the checkpoint records it sealed from now on
  // (a restart completes the object with the parts acknowledged by then, and reads the rest
  // again).
  state.object.sealing = true;
  advance_closing(state);
}

void Shipper::advance_closing(FlowState& state) {
  FERRY_ASSERT(state.object.open && state.object.closing);
  if (state.completing) return;  // the object before completes first, at a tick
  ObjectWriter& writer = *state.flow.writer;
  const int submitted_before = writer.submitted_parts();
  const Result<bool> sealed = writer.try_seal();
  note_submitted(state, submitted_before);
  if (!sealed) return fail(state, sealed.error().message);
  if (!acknowledge_parts(state) || !sealed.value()) return;
  complete_object(state, /*may_background=*/true);  // nothing left to wait for
  // Completed or failed, the object is reset; after fail_all it is not, and the flow, halted,
  // lets its held batches go.
  state.object.closing = false;
}

void Shipper::ship_held() {
  for (auto& state : flows_) {
    if (state.stream && !state.stream->unsent.empty()) send_unsent(state);
    if (!state.object.closing && !state.waiting.empty()) ship_waiting(state);
  }
}

bool Shipper::finish_held() {
  bool held = false;
  for (auto& state : flows_) {
    const bool next_waits =
        !state.waiting.empty() && state.waiting.begin()->first == state.next_sequence;
    if (!state.object.closing && !next_waits) continue;
    // The input has ended: nothing else is left to ship meanwhile.
    if (state.object.closing && !halted(state)) complete_object(state, /*may_background=*/true);
    state.object.closing = false;
    ship_waiting(state, /*may_wait=*/true);
    held = true;
  }
  return held;
}

void Shipper::commit(FlowState& state, const std::vector<SourcePosition>& positions) {
  FERRY_ASSERT(!state.completing);  // its positions come first (end_completion)
  FlowCheckpoint& saved = checkpoint_.flow(state.flow.checkpoint_key);
  const bool had_open = saved.open.has_value() && !state.reuse_key;
  if (positions.empty() && !had_open) return;
  checkpoint_.commit(state.flow.checkpoint_key, positions, std::time(nullptr));
  if (had_open) saved.open.reset();
  if (!persist()) fail_all("the checkpoint cannot be written");
}

bool Shipper::persist() {
  checkpoint_.prune(std::time(nullptr), options_.checkpoint_ttl_seconds,
                    [](const FileCheckpoint& file) {
                      return file_is_at(file.path, file.identity.device, file.identity.inode);
                    });
  ++checkpoint_.generation;
  const std::string text = encode_checkpoint(checkpoint_);
  // A full or read-only checkpoint directory pauses delivery (the pool fills, reading stops:
  // the files are the buffer) until the write goes through again.
  uint64_t delay_millis = 100;
  uint64_t last_report = 0;
  for (bool first = true;; first = false) {
    auto status = save_checkpoint(options_.checkpoint_path, text);
    if (status) {
      if (!first) FERRY_INFO("checkpoint: written again; delivery resumes");
      publish_checkpoint();
      return true;
    }
    const uint64_t now = steady_millis();
    if (first || now - last_report >= 30000) {
      FERRY_ERROR(cat("checkpoint: ", status.error().message,
                      "; delivery is paused until the checkpoint can be written (nothing is "
                      "lost: unacknowledged records stay in their files)"));
      last_report = now;
    }
    if (stop_waiting_.load()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_millis));
    delay_millis = std::min<uint64_t>(delay_millis * 2, 5000);
  }
}

void Shipper::publish_checkpoint() {
  options_.metrics->last_checkpoint_unix_ms.set(unix_millis());
  options_.metrics->checkpoint_writes.add();
  for (const FlowState& state : flows_) {
    const FlowCheckpoint* saved = checkpoint_.find_flow(state.flow.checkpoint_key);
    if (saved == nullptr) continue;  // not started yet
    std::vector<CommittedFile> files;
    for (const FileCheckpoint& file : saved->files)
      files.push_back(
          CommittedFile{file.path, file.identity.device, file.identity.inode, file.offset});
    state.flow.metrics->set_committed(std::move(files));
  }
}

void Shipper::fail(FlowState& state, const std::string& what, std::string_view code,
                   std::string_view where) {
  if (state.failed) return;
  std::string line;
  if (state.stream) {
    line = cat("ship: flow ", state.flow.name, ": ", what,
               "; records not yet acknowledged stay after the checkpoint");
  } else {
    ObjectWriter& writer = *state.flow.writer;
    // A completion that has ended counts: delivered, its records are committed; failed, the
    // checkpoint keeps its object, which comes before the current one's.
    if (const auto ended = end_completion(state, /*wait=*/false); ended && !ended->status)
      FERRY_ERROR(cat("ship: flow ", state.flow.name, ": ", ended->location, ": ",
                      ended->status.error().message));
    if (state.completing) {
      // One still running is not waited for here (a stalled one would hold up every flow for
      // its attempts): the checkpoint keeps its object sealed, and the flow's next start
      // settles it, after the writer's end has waited for it.
      FERRY_WARN(cat("ship: flow ", state.flow.name, ": ", state.completing->location,
                     ": its completion still runs; the flow's next start settles it"));
      state.completing.reset();
    }
    line = cat("ship: flow ", state.flow.name, ": ", where.empty() ? writer.location() : where,
               ": ", what, "; its records stay unacknowledged in its files");
    const auto& saved = checkpoint_.flow(state.flow.checkpoint_key).open;
    if (writer.must_restart() && state.object.open && (!saved || saved->key == state.object.key)) {
      // The upload cannot be completed as recorded: the flow's next start ships the object
      // again, same key, in a new upload, and aborts this one if the destination still has it.
      FlowCheckpoint& flow = checkpoint_.flow(state.flow.checkpoint_key);
      flow.open = object_to_rebuild(state.object.key);
      if (!writer.upload_id().empty()) {
        flow.started_upload = StartedUpload{state.object.key, writer.upload_id()};
        state.object.upload_noted = true;
      }
      if (!persist()) return fail_all("the checkpoint cannot be written");
    }
    writer.abandon();
    // An upload that part 1 began before it failed (or came back only now, with the parts in
    // flight): the checkpoint names it, so that the flow's next start aborts it. A checkpoint
    // that cannot be written has stopped every flow by now.
    (void)note_started_upload(state);
    state.object = ObjectInProgress{};
    state.part_positions.clear();
    state.part_submitted_millis.clear();
    state.unrecorded.reset();
    state.after_completing.clear();
  }
  state.failed = true;
  flows_failed_.store(true);
  const uint64_t failures = state.flow.metrics->record_failure(
      code.empty() ? error_code_of(what) : std::string(code), what, unix_millis());
  const uint64_t now = steady_millis();
  state.reminded_millis = now;
  if (options_.retry_failed_flows) {
    const uint64_t backoff =
        equal_jitter(doubling_backoff(options_.first_flow_retry_millis,
                                      options_.max_flow_retry_millis, failures),
                     retry_jitter_);
    state.retry_at_millis = now + backoff;
    FERRY_ERROR(cat(line, "; the other flows go on, this one is tried again in ",
                    describe_millis(backoff), " (failure ", failures,
                    " in a row; SIGHUP tries it at once)"));
  } else {
    FERRY_ERROR(cat(line, "; the other flows go on, and the next run ships them"));
  }
  if (on_flow_failure_) on_flow_failure_(state.id);
}

void Shipper::fail_all(const std::string& what) {
  FERRY_ERROR(cat("ship: ", what, "; every flow stops, the records stay unacknowledged"));
  const bool first = !failed_.exchange(true);
  if (first && on_failure_) on_failure_();
}

void Shipper::note_success(FlowState& state) {
  state.flow.metrics->record_success();
}

void Shipper::watch_failed_flows(uint64_t now) {
  if (!flows_failed_.load() || failed_.load()) return;
  for (FlowState& state : flows_) {
    if (!state.failed || state.ended) continue;
    if (options_.retry_failed_flows && !state.retry_requested && now >= state.retry_at_millis) {
      state.retry_requested = true;
      if (!state.deferred)
        FERRY_INFO(cat("ship: flow ", state.flow.name,
                       ": trying its destination again (the flow starts again from the "
                       "checkpoint; the other flows go on)"));
      if (on_retry_due_) on_retry_due_(state.id);
    }
    if (state.deferred) continue;  // no failure to remind of
    if (now - state.reminded_millis >= kFailedFlowReminderMillis) {
      state.reminded_millis = now;
      const auto failure = state.flow.metrics->failure();
      FERRY_WARN(cat(
          "ship: flow ", state.flow.name, ": its destination still fails (",
          failure ? failure->message : std::string("?"), ")",
          options_.retry_failed_flows
              ? cat("; tried again in ",
                    describe_millis(state.retry_at_millis > now ? state.retry_at_millis - now : 0))
              : std::string()));
    }
  }
}

}  // namespace ferry
