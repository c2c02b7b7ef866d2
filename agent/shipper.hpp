// Shipper: the thread that turns compressed batches into objects. It restores each flow's batch
// order, appends frames to the open object, completes it when big or old enough, and records in
// the checkpoint every step that makes data durable (a part acknowledged, an object about to be
// completed, an object completed), so that a restart neither loses nor repeats a record.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "agent/config/config.hpp"
#include "agent/left_open_object.hpp"
#include "core/aws/stream_calls.hpp"
#include "core/batch/batch_pool.hpp"
#include "core/checkpoint/checkpoint.hpp"
#include "core/observe/metrics.hpp"
#include "core/observe/rate_limit.hpp"
#include "io/aws/stream_sender.hpp"
#include "io/object_writer.hpp"
#include "io/ring_queue.hpp"

namespace ferry {

// Keeps the newest position per file (same inode) in `into`.
void merge_positions(std::vector<SourcePosition>& into, const std::vector<SourcePosition>& from);

// A Kinesis / Firehose flow's sending: how its records become calls, and where they go.
struct ShipStream {
  StreamCallLimits limits;
  bool deterministic_keys = false;         // partitionKeyOption DETERMINISTIC: MD5 of the data
  uint64_t max_buffer_age_millis = 60000;  // a call waits at most this long for more records
  size_t target = 0;                       // in the StreamSender's targets
};

struct ShipFlow {
  std::string name;
  std::string checkpoint_key;    // its entry in the checkpoint (config::Flow::checkpoint_key)
  config::ObjectOptions object;  // an object flow's; a stream flow's max age is its buffer age
  std::unique_ptr<ObjectWriter> writer;    // an S3 or directory flow's; null for a stream flow
  std::optional<ShipStream> stream;        // a stream flow's
  FlowMetrics* metrics = nullptr;          // required: lives in the run's Metrics registry
  std::vector<RuleMetrics*> rule_metrics;  // by redaction rule index
};

struct ShipperOptions {
  Metrics* metrics = nullptr;  // required: checkpoint writes, part latency
  std::string checkpoint_path;
  std::string host;     // sanitized, for object names and {host}
  uint64_t run_id = 0;  // random per process start
  int64_t checkpoint_ttl_seconds = 7 * 24 * 3600;
  StreamSender* stream_sender = nullptr;  // required when a flow is a stream flow
  // Following: a flow whose destination failed is tried again after a backoff that doubles
  // with its failures in a row from first_flow_retry_millis to max_flow_retry_millis, with
  // jitter; --once: it is not (the run exits 1).
  bool retry_failed_flows = false;
  uint64_t first_flow_retry_millis = 10'000;  // s3.maxBackoffMillis
  uint64_t max_flow_retry_millis = 300'000;
};

class Shipper {
 public:
  Shipper(std::vector<ShipFlow> flows, Checkpoint checkpoint, ShipperOptions options,
          BatchPool& pool, RingQueue<std::unique_ptr<Batch>>& input);

  // Before reading starts: settles each flow's object left open by an earlier run (completed,
  // to be continued, or to be started again under the same key) and writes the checkpoint. A
  // flow whose destination cannot be asked fails alone (failed_flows()). Following
  // (retry_failed_flows), a flow whose destination must be asked is not settled here: it is
  // paused (failed_flows(), with no failure counted) and due to be tried again at once, so its
  // requests run when it is added again, while the other flows ship.
  Status recover();
  // Flows whose destination failed so far (at recovery: before the tailer exists to be told).
  std::vector<uint32_t> failed_flows() const;
  // Before reading starts, once the tailer has opened the files: records the flows started for
  // the first time (Tailer::first_starts()) and writes the checkpoint.
  Status record_first_starts(const std::vector<FlowStart>& starts);
  // Where reading starts, once recovered.
  Checkpoint resume_view() const { return checkpoint_.resume_view(); }

  // Runs until every flow has seen its end_of_input (or the queue closes).
  void run();

  // Called once, from the shipper thread, when delivery failed for every flow (the checkpoint
  // cannot be written): the reactor should stop.
  void set_on_failure(std::function<void()> on_failure) { on_failure_ = std::move(on_failure); }
  // Called from the shipper thread when one flow's destination failed: its files should not be
  // read any more in this run (its records stay unacknowledged); the other flows go on.
  void set_on_flow_failure(std::function<void(uint32_t flow)> on_flow_failure) {
    on_flow_failure_ = std::move(on_flow_failure);
  }
  // Called once per failed flow, from the shipper thread, when it is due to be tried again
  // (retry_failed_flows): the flow should end and be added again, alone.
  void set_on_retry_due(std::function<void(uint32_t flow)> on_retry_due) {
    on_retry_due_ = std::move(on_retry_due);
  }
  // Flows added while run() runs (a reload, a failed flow started again), numbered on from the
  // flows so far; each ends with its end_of_input like any other.
  //
  // Thread-safe: the shipper settles the flow's object left open (as recover() does; any
  // requests on a thread of their own, while the other flows ship) and answers with the flow's
  // checkpoint entry to resume from (none: a first start), or the error that failed the flow
  // (it is then failed_flows() and the retry rule applies).
  struct Added {
    uint32_t id = 0;  // its number
    Status status = Ok{};
    std::optional<FlowCheckpoint> resume;
  };
  std::future<Added> add_flow(ShipFlow flow);
  // Thread-safe: records an added flow's first start (Tailer::add_flow) in the checkpoint.
  std::future<Status> record_first_start(FlowStart start);
  // Called from the shipper thread when a flow has seen its end_of_input: its object is
  // completed (unless it failed) and its positions are in the checkpoint. The flow's writer
  // (null for a stream flow, or one that keeps its open object) goes with it: destroying it
  // waits for the uploads a failure let go of (ObjectWriter::abandon), which this thread must
  // not.
  using OnFlowEnded = std::function<void(uint32_t flow, std::unique_ptr<ObjectWriter> writer)>;
  void set_on_flow_ended(OnFlowEnded on_flow_ended) { on_flow_ended_ = std::move(on_flow_ended); }

  // Thread-safe: a checkpoint write that keeps failing stops waiting for space and fails.
  void stop_waiting() { stop_waiting_.store(true); }
  // Something could not be delivered: the checkpoint, or a flow's destination.
  bool failed() const { return failed_.load() || flows_failed_.load(); }
  // Every flow stopped: the checkpoint could not be written.
  bool checkpoint_failed() const { return failed_.load(); }

 private:
  struct ObjectInProgress {
    bool open = false;
    std::string key;
    uint64_t opened_millis = 0;
    uint64_t records = 0;
    std::vector<SourcePosition> positions;  // latest per file, through the last appended batch
    bool sealing = false;  // being completed: the next part acknowledged is its last
    // A rollover began (ship_in_order, complete_aged): sealed at the ticks without waiting,
    // then completed; the flow's next batches wait in `waiting` meanwhile.
    bool closing = false;
    size_t parts_acknowledged = 0;  // of the writer's parts(): logged, and counted
    bool upload_noted = false;      // its multipart upload is named in the checkpoint
    int64_t opened_unix_ms = 0;     // for the oldest-pending gauge
  };
  // An object completing in the background (ObjectWriter::complete_in_background: its
  // CompleteMultipartUpload, or its one PutObject) while the next one fills. The checkpoint keeps
  // it as the flow's open object, sealed, until it is complete; the next object's acknowledged
  // parts are recorded only then, so the checkpoint never holds two objects of a flow.
  struct CompletingObject {
    std::string key;
    std::string location;
    uint64_t records = 0;
    uint64_t size = 0;
    size_t parts = 0;
    std::vector<SourcePosition> positions;  // its end
    bool single_request = false;            // one PutObject: timed like a part
  };
  // A stream flow's calls: built, in flight, acknowledged; and the file positions that become
  // durable once every call up to theirs is acknowledged.
  struct StreamState {
    std::unique_ptr<StreamCallBuilder> builder;
    uint64_t building_since_millis = 0;  // steady clock: the call being built got a record
    uint64_t next_call = 0;              // sequence number of the next call submitted
    uint64_t acknowledged = 0;           // every call below this one is acknowledged
    std::set<uint64_t> acknowledged_ahead;
    // Positions of batches with records still in the builder.
    std::vector<SourcePosition> in_builder;
    // Positions durable once every call below `first` is acknowledged, oldest first.
    std::deque<std::pair<uint64_t, std::vector<SourcePosition>>> pending;
    // Calls built (numbered) that the sender had no room for, oldest first: sent at the ticks,
    // while the flow's next batches wait in the shipper (a stream that throttles without end
    // holds up no other flow).
    std::deque<StreamJob> unsent;
    size_t calls_out = 0;                 // sent and not yet answered
    RateLimit truncation_warning{60000};  // records truncated to the service's limit
  };
  // A flow's object left open, being settled on a thread of its own (settle_in_background).
  struct PendingRecovery {
    LeftOpen left;
    std::future<Settled> settled;
    std::promise<Added> answer;  // add_flow's
  };
  struct FlowState {
    ShipFlow flow;
    // Destroyed before `flow`: waits for the requests, which use the flow's writer.
    std::optional<PendingRecovery> recovery;
    uint32_t id = 0;                      // its number (Batch::flow)
    std::unique_ptr<StreamState> stream;  // stream flows only
    uint64_t next_sequence = 0;
    std::map<uint64_t, std::unique_ptr<Batch>> waiting;  // arrived ahead of order
    ObjectInProgress object;
    std::optional<CompletingObject> completing;
    // While one completes: positions of batches without records that came while no object was
    // open (durable with it), and the next object's positions through its last acknowledged
    // part (recorded once it is complete).
    std::vector<SourcePosition> after_completing;
    std::optional<std::vector<SourcePosition>> unrecorded;
    uint64_t object_sequence = 0;
    std::optional<std::string> reuse_key;  // an object to start again under its old key
    // File positions at the end of each part submitted but not yet acknowledged.
    std::map<int, std::vector<SourcePosition>> part_positions;
    std::map<int, uint64_t> part_submitted_millis;  // steady clock, for the latency histogram
    bool ended = false;
    // Its destination failed in this run: nothing more of it is shipped or checkpointed.
    bool failed = false;
    uint64_t retry_at_millis = 0;  // steady clock: when it is tried again
    bool retry_requested = false;  // on_retry_due was called for it
    // Paused at start until its object left open is settled (defer_start): not a failure.
    bool deferred = false;
    uint64_t reminded_millis = 0;  // steady clock: the last "still failing" line
  };

  // A new flow's state (its stream set up).
  FlowState& push_flow(ShipFlow flow);
  // Flows and first starts from other threads (add_flow, record_first_start).
  void take_added();
  // Settles the flow's object left open by an earlier run, if the checkpoint has one, and the
  // upload begun with no part recorded: true when it changed the checkpoint; an error (the flow
  // failed alone) when the destination cannot be asked now. Blocking (agent/left_open_object).
  Result<bool> settle_left_open(FlowState& state);
  // The flow's checkpoint entry if it holds an object left open or an upload begun, else null.
  const FlowCheckpoint* leftovers(const FlowState& state) const;
  // It has leftovers its destination must be asked about (a stream flow has none to ask).
  bool needs_destination(const FlowState& state) const;
  // Those leftovers, copied for the requests (needs_destination).
  LeftOpen left_open(const FlowState& state) const;
  // The destination's answers into the checkpoint and the flow (settle_left_open's result).
  Result<bool> apply_settled(FlowState& state, const LeftOpen& left, const Settled& settled);
  // Asks on a thread of its own; take_recoveries() applies the answers and answers add_flow.
  void settle_in_background(FlowState& state, LeftOpen left, std::promise<Added> answer);
  void take_recoveries();
  Added answer_added(FlowState& state, const Result<bool>& settled);
  // Following, at start: the flow waits, paused, to be added again (see recover()).
  void defer_start(FlowState& state);
  // Once the writer knows the upload part 1 began (its job came back): names it in the
  // checkpoint (StartedUpload) unless the open object recorded with that part already does, so
  // that the next start aborts an upload whose object is built again. A crash between S3's
  // answer and this write leaves the upload behind (a lifecycle rule aborts it). false: the
  // checkpoint cannot be written.
  bool note_started_upload(FlowState& state);
  Status save_at_start();  // a new generation, written before any thread runs
  void accept(std::unique_ptr<Batch> batch);
  // Ships the flow's batches that are next in order, unless its object is closing or (unless
  // `may_wait`) the next must be held (must_hold): they are shipped at a later tick (ship_held).
  void ship_waiting(FlowState& state, bool may_wait = false);
  // Whether shipping `batch` now would wait for the flow's uploads: a frame that fills a part
  // with no connection free (or before the upload has an id), or the flow's end while its
  // object is open (closed here, as at a rollover) or completes.
  bool must_hold(FlowState& state, const Batch& batch);
  void ship_held();  // every flow's whose object closed, or whose uploads came back
  void ship_in_order(FlowState& state, Batch& batch);
  bool open_object(FlowState& state);
  // Seals the open object and completes it; `may_background`: the completion may run while the
  // next object fills (a rollover), else it is waited for (the flow's end). Blocking: it waits
  // for the object's uploads in flight.
  void complete_object(FlowState& state, bool may_background);
  // A rollover: closes the object without waiting for its uploads (advance_closing at each
  // tick), then completes it in the background.
  void close_object(FlowState& state);
  void advance_closing(FlowState& state);
  // Once the input has ended: completes the closing objects, waiting, and ships the batches
  // held, waiting for the uploads they need. false when no flow held any.
  bool finish_held();
  // Metrics and the log line of a completed object.
  void count_completed(FlowState& state, const std::string& location, uint64_t records,
                       uint64_t size, size_t parts);
  // Takes the end of the flow's background completion, if it ended (or `wait`): delivered, its
  // positions are committed and the next object's acknowledged parts recorded; failed, the flow
  // fails. false when the flow cannot go on.
  bool settle_completion(FlowState& state, bool wait);
  void settle_completions(bool wait);  // every flow's
  // settle_completion without failing the flow: nullopt when none ended, else how it ended. A
  // failed one stays in the checkpoint, sealed (the next start completes it), or, refused for
  // good, as an object to build again under its key.
  struct CompletionEnded {
    Status status = Ok{};
    std::string location;  // of the object
  };
  std::optional<CompletionEnded> end_completion(FlowState& state, bool wait);
  void complete_aged(uint64_t now);
  void poll_uploads();
  // Records the open object as the writer now has it (parts, or about to complete at once),
  // with the file positions its durable bytes reach.
  bool record_open(FlowState& state, const std::vector<SourcePosition>& positions);
  // Collects finished part uploads, records the newly acknowledged ones, and names an upload
  // that part 1 began.
  bool acknowledge_parts(FlowState& state);
  bool record_acknowledged_parts(FlowState& state);
  // After a call that may have submitted a part: remembers where that part ends.
  void note_submitted(FlowState& state, int submitted_before);
  void commit(FlowState& state, const std::vector<SourcePosition>& positions);
  // Adds a processed batch's counts (read, redacted, invalid, per rule) to the flow's metrics.
  void count_processed(FlowState& state, const BatchStats& stats);
  bool persist();
  // After a checkpoint write: its time, and each flow's committed files (for the lag gauge).
  void publish_checkpoint();
  // One flow's destination failed: logged, counted, the flow stops here (see set_on_flow_failure).
  // `where`: the object it concerns, if not the writer's current one.
  void fail(FlowState& state, const std::string& what, std::string_view code = "",
            std::string_view where = "");
  // The checkpoint cannot be written: every flow stops (see set_on_failure).
  void fail_all(const std::string& what);
  bool halted(const FlowState& state) const { return failed_.load() || state.failed; }
  // A flow delivered something: it is up, its consecutive failures start again from 0.
  void note_success(FlowState& state);
  // Reminders for failed flows, and the end of the run when one is due to be tried again.
  void watch_failed_flows(uint64_t now);

  // Stream flows (agent/shipper_streams.cpp).
  void init_stream(FlowState& state);
  void ship_stream(FlowState& state, Batch& batch);
  // Numbers the built calls and sends what the sender has room for; the rest wait in `unsent`.
  void submit_calls(FlowState& state, std::vector<StreamCall>& calls);
  // Sends the flow's unsent calls, in order, while may_send() says so.
  void send_unsent(FlowState& state);
  // Whether the sender has a thread for one more of the flow's calls: a flow past its share of
  // the threads leaves the last free ones to the other stream flows.
  bool may_send(const FlowState& state) const;
  void truncated_to_service_limit(FlowState& state);
  // Collects finished calls (waiting for one if `wait`); false if none was in flight.
  bool collect_calls(bool wait);
  void acknowledge_call(const StreamDone& done);
  // Moves positions whose records have all left the builder, and commits the acknowledged.
  void settle_stream(FlowState& state);
  void flush_stream(FlowState& state);
  void flush_aged_streams(uint64_t now);
  // end_of_input: sends what is built and waits until every call of the flow is answered (the
  // end waits for that at the ticks, must_hold, unless the input has ended everywhere).
  void drain_stream(FlowState& state);
  // Whether the stream flow's `batch` must wait: a call is left unsent, or at its end, a call
  // is unanswered.
  bool stream_must_hold(FlowState& state, const Batch& batch);

  std::deque<FlowState> flows_;  // by number; a deque: added flows never move the others
  Checkpoint checkpoint_;
  ShipperOptions options_;
  BatchPool& pool_;
  RingQueue<std::unique_ptr<Batch>>& input_;
  std::function<void()> on_failure_;
  std::function<void(uint32_t)> on_flow_failure_;
  std::function<void(uint32_t)> on_retry_due_;
  OnFlowEnded on_flow_ended_;
  std::mutex added_mutex_;  // guards the two below
  std::vector<std::pair<ShipFlow, std::promise<Added>>> added_;
  std::vector<std::pair<FlowStart, std::promise<Status>>> first_starts_;
  std::atomic<bool> failed_{false};        // every flow: the checkpoint cannot be written
  std::atomic<bool> flows_failed_{false};  // some flow's destination failed
  std::mt19937_64 retry_jitter_{std::random_device{}()};
  std::atomic<bool> stop_waiting_{false};
};

}  // namespace ferry
