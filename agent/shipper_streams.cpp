// Shipper, stream flows: records become Firehose / Kinesis calls; a file position is committed
// once every call holding a record before it is acknowledged (at least once: a crash re-sends
// what was sent after the last commit).
#include <algorithm>
#include <random>

#include "agent/shipper.hpp"
#include "core/assert.hpp"
#include "core/crypto.hpp"
#include "core/observe/log.hpp"
#include "core/text.hpp"
#include "io/steady_clock.hpp"

namespace ferry {

void Shipper::ship_stream(FlowState& state, Batch& batch) {
  StreamState& stream = *state.stream;
  std::vector<StreamCall> full;
  uint32_t begin = 0;
  for (const uint32_t end : batch.record_ends) {
    FERRY_ASSERT(end > begin && end <= batch.frame.size());
    if (stream.builder->empty()) stream.building_since_millis = steady_millis();
    if (!stream.builder->add(std::string_view(batch.frame).substr(begin, end - begin), full))
      truncated_to_service_limit(state);
    begin = end;
  }
  FERRY_ASSERT(begin == batch.frame.size());
  if (!batch.record_ends.empty() && state.flow.metrics->oldest_pending_unix_ms.value() == 0)
    state.flow.metrics->oldest_pending_unix_ms.set(unix_millis());
  merge_positions(stream.in_builder, batch.positions);
  submit_calls(state, full);
  settle_stream(state);
}

void Shipper::truncated_to_service_limit(FlowState& state) {
  state.flow.metrics->records_truncated.add();
  uint64_t held_back = 0;
  if (!state.stream->truncation_warning.pass(steady_millis(), held_back)) return;
  FERRY_WARN(cat("flow ", state.flow.name, ": a processed record was over the stream's limit of ",
                 max_record_data_bytes(state.flow.stream->limits),
                 " bytes and was truncated to it (truncatedRecordTerminator)",
                 held_back > 0 ? cat("; ", held_back, " more since the last such line") : ""));
}

void Shipper::submit_calls(FlowState& state, std::vector<StreamCall>& calls) {
  StreamState& stream = *state.stream;
  for (StreamCall& call : calls)
    stream.unsent.push_back(
        StreamJob{state.flow.stream->target, stream.next_call++, std::move(call)});
  calls.clear();
  send_unsent(state);
}

void Shipper::send_unsent(FlowState& state) {
  StreamState& stream = *state.stream;
  while (!halted(state) && !stream.unsent.empty() && may_send(state)) {
    options_.stream_sender->submit(std::move(stream.unsent.front()));
    stream.unsent.pop_front();
    ++stream.calls_out;
  }
}

bool Shipper::may_send(const FlowState& state) const {
  const StreamSender& sender = *options_.stream_sender;
  FERRY_ASSERT(sender.in_flight() <= sender.capacity());
  const size_t free = sender.capacity() - sender.in_flight();
  if (free == 0) return false;
  size_t running = 0;  // stream flows
  for (const FlowState& other : flows_)
    if (other.stream && !other.ended && !halted(other)) ++running;
  // Up to its share of the threads a flow may take any free one; past it, not the last ones:
  // one per other stream flow, at most half of them.
  const size_t share = std::max<size_t>(1, sender.capacity() / std::max<size_t>(1, running));
  const size_t reserve = std::min(running > 0 ? running - 1 : 0, sender.capacity() / 2);
  return state.stream->calls_out < share || free > reserve;
}

bool Shipper::stream_must_hold(FlowState& state, const Batch& batch) {
  StreamState& stream = *state.stream;
  if (batch.kind != Batch::Kind::end_of_input) return !stream.unsent.empty();
  flush_stream(state);  // its last call is built, and sent once a thread is free
  return !halted(state) && (!stream.unsent.empty() || stream.acknowledged < stream.next_call);
}

bool Shipper::collect_calls(bool wait) {
  if (options_.stream_sender == nullptr) return false;
  bool any = false;
  while (auto done = options_.stream_sender->collect(wait)) {
    acknowledge_call(*done);
    any = true;
    wait = false;  // one waited for; the rest only if already there
  }
  return any;
}

void Shipper::acknowledge_call(const StreamDone& done) {
  auto it = std::find_if(flows_.begin(), flows_.end(), [&](const FlowState& f) {
    return f.flow.stream && f.flow.stream->target == done.target;
  });
  FERRY_ASSERT(it != flows_.end());
  FlowState& state = *it;
  FERRY_ASSERT(state.stream->calls_out > 0);
  --state.stream->calls_out;
  if (halted(state)) return;  // an answer for a flow that stopped: its records are read again
  if (!done.status.ok()) return fail(state, done.status.error().message);
  StreamState& stream = *state.stream;
  FERRY_ASSERT(done.call >= stream.acknowledged && done.call < stream.next_call);
  stream.acknowledged_ahead.insert(done.call);
  note_success(state);
  while (!stream.acknowledged_ahead.empty() &&
         *stream.acknowledged_ahead.begin() == stream.acknowledged) {
    stream.acknowledged_ahead.erase(stream.acknowledged_ahead.begin());
    ++stream.acknowledged;
  }
  settle_stream(state);
}

void Shipper::settle_stream(FlowState& state) {
  StreamState& stream = *state.stream;
  if (stream.builder->empty() && !stream.in_builder.empty()) {
    // Every record of those batches is in a call built (numbered) by now.
    stream.pending.emplace_back(stream.next_call, std::move(stream.in_builder));
    stream.in_builder.clear();
  }
  std::vector<SourcePosition> durable;
  while (!stream.pending.empty() && stream.pending.front().first <= stream.acknowledged) {
    merge_positions(durable, stream.pending.front().second);
    stream.pending.pop_front();
  }
  const bool idle = stream.builder->empty() && stream.acknowledged == stream.next_call;
  if (idle) state.flow.metrics->oldest_pending_unix_ms.set(0);
  if (!durable.empty()) commit(state, durable);
}

void Shipper::flush_stream(FlowState& state) {
  std::vector<StreamCall> calls;
  state.stream->builder->flush(calls);
  submit_calls(state, calls);
  settle_stream(state);
}

void Shipper::flush_aged_streams(uint64_t now) {
  for (auto& state : flows_) {
    if (halted(state) || !state.stream || state.stream->builder->empty()) continue;
    if (now - state.stream->building_since_millis >= state.flow.stream->max_buffer_age_millis)
      flush_stream(state);
  }
}

void Shipper::drain_stream(FlowState& state) {
  flush_stream(state);
  StreamState& stream = *state.stream;
  while (!halted(state) && (!stream.unsent.empty() || stream.acknowledged < stream.next_call)) {
    collect_calls(true);  // returns at once when none is in flight
    send_unsent(state);
  }
}

void Shipper::init_stream(FlowState& state) {
  const ShipStream& options = *state.flow.stream;
  FERRY_ASSERT(options_.stream_sender != nullptr);
  StreamCallBuilder::PartitionKeyFunction keys;
  if (options.deterministic_keys) {
    keys = [](std::string_view data) {
      const Md5Digest digest = md5(data);
      return to_hex(std::span<const unsigned char>(digest.data(), digest.size()));
    };
  } else {
    keys = [random = std::mt19937_64(std::random_device{}())](std::string_view) mutable {
      return cat(hex64(random()), hex64(random()));
    };
  }
  state.stream = std::make_unique<StreamState>();
  state.stream->builder = std::make_unique<StreamCallBuilder>(options.limits, std::move(keys));
}

}  // namespace ferry
