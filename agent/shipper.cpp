// Shipper thread: in-order assembly of objects from frames, completion, then checkpoint.
#include "agent/shipper.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

#include "core/assert.hpp"
#include "core/log.hpp"
#include "core/object_key.hpp"
#include "core/text.hpp"
#include "io/durable_file.hpp"

namespace ferry {
namespace {

uint64_t now_millis() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

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

}  // namespace

Shipper::Shipper(std::vector<ShipFlow> flows, Checkpoint checkpoint, ShipperOptions options,
                 BatchPool& pool, BoundedQueue<std::unique_ptr<Batch>>& input)
    : checkpoint_(std::move(checkpoint)), options_(std::move(options)), pool_(pool), input_(input) {
  flows_.reserve(flows.size());
  for (auto& flow : flows) flows_.push_back(FlowState{std::move(flow)});
}

bool Shipper::all_ended() const {
  return std::all_of(flows_.begin(), flows_.end(), [](const FlowState& f) { return f.ended; });
}

void Shipper::run() {
  while (!all_ended()) {
    auto batch = input_.pop_for(std::chrono::milliseconds(200));
    if (batch)
      accept(std::move(*batch));
    else if (input_.drained())
      break;  // closed before every end marker: only after a failure upstream
    complete_aged(now_millis());
  }
}

void Shipper::accept(std::unique_ptr<Batch> batch) {
  FERRY_ASSERT(batch->flow < flows_.size());
  FlowState& state = flows_[batch->flow];
  FERRY_ASSERT(batch->sequence >= state.next_sequence);
  const bool inserted = state.waiting.emplace(batch->sequence, std::move(batch)).second;
  FERRY_ASSERT(inserted);
  // Frames are compressed in parallel but appended strictly in source order.
  for (auto it = state.waiting.begin();
       it != state.waiting.end() && it->first == state.next_sequence; it = state.waiting.begin()) {
    std::unique_ptr<Batch> next = std::move(it->second);
    state.waiting.erase(it);
    ++state.next_sequence;
    ship_in_order(state, *next);
    if (next->kind == Batch::Kind::records) pool_.release(std::move(next));
  }
}

void Shipper::ship_in_order(FlowState& state, Batch& batch) {
  if (batch.kind == Batch::Kind::end_of_input) {
    if (state.object.open && !failed_) complete_object(state);
    state.ended = true;
    return;
  }
  if (failed_) return;  // delivery stopped: nothing more is shipped or checkpointed
  stats_.records += batch.stats.records;
  stats_.redacted += batch.stats.redacted;
  stats_.invalid += batch.stats.invalid;
  stats_.ndjson_bytes += batch.stats.output_bytes;
  if (batch.frame.empty()) {
    // Positions only (skipped lines, a file opened at its end): durable once earlier data is.
    if (state.object.open)
      merge_positions(state.object.positions, batch.positions);
    else
      commit(state.flow.name, batch.positions);
    return;
  }
  OpenObject& object = state.object;
  if (!object.open) {
    const std::time_t now = std::time(nullptr);
    const std::string key =
        cat(render_key_prefix(state.flow.object.key_prefix, now, state.flow.name, options_.host),
            object_name(ObjectNameParts{options_.host, state.flow.name, now, options_.run_id,
                                        state.object_sequence++}));
    if (auto status = state.flow.writer->begin(key); !status)
      return fail(state, status.error().message);
    object = OpenObject{};
    object.open = true;
    object.opened_millis = now_millis();
  }
  if (auto status = state.flow.writer->append(batch.frame); !status)
    return fail(state, status.error().message);
  object.bytes += batch.frame.size();
  object.records += batch.stats.records;
  stats_.compressed_bytes += batch.frame.size();
  merge_positions(object.positions, batch.positions);
  if (object.bytes >= state.flow.object.max_object_bytes) complete_object(state);
}

void Shipper::complete_object(FlowState& state) {
  OpenObject& object = state.object;
  FERRY_ASSERT(object.open);
  if (auto status = state.flow.writer->complete(); !status)
    return fail(state, status.error().message);
  ++stats_.objects;
  stats_.parts += state.flow.writer->parts();
  FERRY_INFO(cat("ship: flow ", state.flow.name, ": completed ", state.flow.writer->location(),
                 " (", object.records, " records, ", object.bytes, " bytes, ",
                 state.flow.writer->parts(), " part(s))"));
  commit(state.flow.name, object.positions);
  object = OpenObject{};
}

void Shipper::complete_aged(uint64_t now) {
  if (failed_) return;
  for (auto& state : flows_) {
    if (state.object.open &&
        now - state.object.opened_millis >= state.flow.object.max_object_age_millis)
      complete_object(state);
  }
}

void Shipper::commit(const std::string& flow, const std::vector<SourcePosition>& positions) {
  if (positions.empty()) return;
  const int64_t now = std::time(nullptr);
  for (const auto& position : positions) checkpoint_.commit(flow, position, now);
  checkpoint_.prune(now, options_.checkpoint_ttl_seconds);
  ++checkpoint_.generation;
  if (auto status = write_file_atomically(options_.checkpoint_path, encode_checkpoint(checkpoint_));
      !status) {
    FERRY_ERROR(
        cat("checkpoint: cannot write ", options_.checkpoint_path, ": ", status.error().message));
    failed_ = true;
    if (on_failure_) on_failure_();
  }
}

void Shipper::fail(FlowState& state, const std::string& what) {
  FERRY_ERROR(cat("ship: flow ", state.flow.name, ": giving up ", state.flow.writer->location(),
                  ": ", what,
                  "; its records stay unacknowledged and are read again at the next "
                  "start"));
  state.flow.writer->abort();
  state.object = OpenObject{};
  const bool first = !failed_.exchange(true);
  if (first && on_failure_) on_failure_();
}

}  // namespace ferry
