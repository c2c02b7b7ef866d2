// Builds the stages for a configuration, runs them, and joins them in order on the way out.
#include "agent/pipeline.hpp"

#include <sys/random.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "agent/running_pipeline.hpp"
#include "agent/setup/aws_access_cache.hpp"
#include "agent/setup/ec2_metadata_setup.hpp"
#include "agent/setup/http_options.hpp"
#include "agent/setup/s3_setup.hpp"
#include "agent/setup/stream_setup.hpp"
#include "agent/shipper.hpp"
#include "core/batch/batch_pool.hpp"
#include "core/batch/batch_processor.hpp"
#include "core/batch/object_key.hpp"
#include "core/checkpoint/checkpoint.hpp"
#include "core/checkpoint/checkpoint_legacy.hpp"
#include "core/observe/log.hpp"
#include "core/text.hpp"
#include "io/aws/s3_client.hpp"
#include "io/aws/s3_object_writer.hpp"
#include "io/checkpoint_store.hpp"
#include "io/directory_object_writer.hpp"
#include "io/host_name.hpp"
#include "io/steady_clock.hpp"
#include "io/tail/flow_files.hpp"
#include "io/tail/tailer.hpp"
#include "io/thread_name.hpp"

namespace ferry {
namespace {

// A batch of an object flow is one zstd frame: 2 MiB keeps the objects within 1% of zstd -3's
// size on the same bytes (each frame starts without history). A stream flow's batch is also
// what a crash may send again (positions commit per batch), so it stays at 1 MiB.
constexpr size_t kObjectBatchBytes = 2 << 20;
constexpr size_t kStreamBatchBytes = 1 << 20;
// Part uploads in flight per S3 flow, each on its own connection, while the next part fills.
constexpr size_t kParallelParts = 2;
// A partial batch waits at most this long for more lines: a record on a quiet file reaches a
// completed object within maxObjectAgeMillis plus about this plus the shipper's tick.
constexpr uint64_t kMaxLingerMillis = 250;
// --once: a stream call that has not gone through after this long of retries fails the run.
constexpr uint64_t kOnceStreamRetryMillis = 60000;
// Following: the longest pause before a failed flow is tried again.
constexpr uint64_t kMaxFlowRetryMillis = 300'000;

uint64_t random_run_id() {
  uint64_t id = 0;
  if (::getrandom(&id, sizeof id, 0) != static_cast<ssize_t>(sizeof id))
    id = static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) ^
         static_cast<uint64_t>(::getpid());
  return id;
}

// Following, a request that ran out of attempts fails its flow at once: the flow is tried again
// alone after s3.maxBackoffMillis doubling up to 5 minutes (ShipperOptions), and the shipper is
// free for the other flows meanwhile. --once (a backfill, a cron job) has no later: it tries
// three rounds with pauses up to a minute, about a minute in all with the defaults, then exits 1.
RetryLaterPolicy retry_later_policy(const config::S3Service& s3, bool once,
                                    const std::atomic<bool>& stop_retrying) {
  constexpr int kOnceRounds = 3;
  if (!once) return RetryLaterPolicy{1, s3.max_backoff_millis, s3.max_backoff_millis, nullptr};
  return RetryLaterPolicy{kOnceRounds, s3.max_backoff_millis,
                          std::max(s3.max_backoff_millis, 60'000), &stop_retrying};
}

TailFlow tail_flow_of(const config::Flow& flow) {
  TailFlow tail;
  tail.name = flow.name;
  tail.checkpoint_key = flow.checkpoint_key;
  tail.file_pattern = flow.file_pattern;
  tail.start_at_end = flow.initial_position == config::InitialPosition::end_of_file;
  tail.max_record_bytes = flow.max_record_bytes;
  tail.linger_millis = std::min(flow.max_buffer_age_millis, kMaxLingerMillis);
  tail.partial_line_millis = flow.max_buffer_age_millis;
  tail.skip_header_lines = flow.skip_header_lines;
  tail.truncated_record_terminator = flow.truncated_record_terminator;
  tail.multi_line_start_pattern = flow.multi_line_start_pattern;
  tail.file_footer_pattern = flow.file_footer_pattern;
  tail.max_open_files = flow.max_open_files;
  tail.follow_symlinks = flow.follow_symlinks;
  tail.rescan_millis = flow.file_poll_millis;
  tail.stat_poll_millis = flow.stat_poll_millis;
  return tail;
}

}  // namespace

void StopHandle::request() {
  std::function<void()> stop;
  {
    std::lock_guard lock(mutex_);
    requested_ = true;
    stop = stop_;
  }
  if (stop) stop();
}

void StopHandle::attach(std::function<void()> stop) {
  bool already = false;
  {
    std::lock_guard lock(mutex_);
    stop_ = stop;
    already = requested_;
  }
  if (already) stop();
}

void StopHandle::detach() {
  std::lock_guard lock(mutex_);
  stop_ = nullptr;
}

void StopHandle::reset() {
  std::lock_guard lock(mutex_);
  requested_ = false;
}

bool StopHandle::requested() const {
  std::lock_guard lock(mutex_);
  return requested_;
}

bool ReloadHandle::apply(const config::Config& next, std::string& why_not) {
  std::lock_guard lock(mutex_);
  if (!apply_) {
    why_not = "no run is under way";
    return false;
  }
  return apply_(next, why_not);
}

void ReloadHandle::attach(Apply apply) {
  std::lock_guard lock(mutex_);
  apply_ = std::move(apply);
}

void ReloadHandle::detach() {
  std::lock_guard lock(mutex_);
  apply_ = nullptr;
}

namespace {

// Registers the flow (and its rules) in the metrics registry for this run.
void register_metrics(Metrics& metrics, const config::Flow& flow, ShipFlow& ship) {
  std::vector<std::string> descriptions;
  for (const RedactionRule& rule : flow.redact) descriptions.push_back(describe(rule));
  ship.metrics = &metrics.flow(flow.name, descriptions, ship.rule_metrics);
  ship.metrics->set_file_pattern(flow.file_pattern);
  ship.metrics->set_tailer({flow.kinesis_agent_id.empty() ? flow.name : flow.kinesis_agent_id,
                            !flow.data_processing.empty()});
}

// Bytes this run will read (for the progress line): what the matched files hold beyond the
// checkpoint, and whole new files for flows that start at the start of files.
uint64_t estimate_backlog(const config::Config& config, const Checkpoint& resume) {
  uint64_t total = 0;
  for (const auto& flow : config.flows) {
    const FlowCheckpoint* known = resume.find_flow(flow.checkpoint_key);
    total += estimate_unread_bytes(flow.file_pattern,
                                   known ? known->files : std::vector<FileCheckpoint>{},
                                   flow.initial_position == config::InitialPosition::start_of_file);
  }
  return total;
}

// Checkpoints of earlier versions keyed unnamed flows by position ("flow2"): carried over to the
// flows' keys (core/checkpoint/checkpoint_legacy.hpp), in memory until the next checkpoint write.
void carry_over_position_keys(const config::Config& config, Checkpoint& checkpoint) {
  std::vector<FlowKeys> keys;
  for (const auto& flow : config.flows)
    keys.push_back(FlowKeys{flow.name, flow.checkpoint_key, flow.file_pattern});
  for (const std::string& moved : adopt_position_keyed_entries(checkpoint, keys))
    FERRY_INFO(cat("checkpoint: entry ", moved,
                   " (flows are now kept by destination and file pattern, or by name)"));
}

}  // namespace

RunningPipeline::RunningPipeline(const config::Config& config, const RunOptions& options)
    : config_(config), options_(options), host_(host_name()) {
  FERRY_ASSERT(options_.metrics != nullptr);
}

RunningPipeline::~RunningPipeline() {
  stop_lifecycle();
}

// Resolved once, for S3 and the streams alike.
Status RunningPipeline::resolve_aws() {
  if (aws_) return Ok{};
  FERRY_ASSERT(options_.aws_access != nullptr);
  auto resolved = options_.aws_access->access(config_, "the pipeline");
  if (!resolved) return resolved.error();
  aws_ = std::move(resolved.value());
  return Ok{};
}

Result<RunningPipeline::FlowParts> RunningPipeline::build_flow(const config::Flow& flow,
                                                               bool at_start) {
  ShipFlow ship{flow.name, flow.checkpoint_key, flow.object, nullptr, std::nullopt, nullptr, {}};
  register_metrics(*options_.metrics, flow, ship);
  const auto* stream = std::get_if<config::StreamDestination>(&flow.destination);
  if (const auto* dest = std::get_if<config::S3Destination>(&flow.destination)) {
    if (!s3_client_options_) {
      if (auto status = resolve_aws(); !status) return status.error();
      auto made = ferry::s3_client_options(config_, *aws_);
      if (!made) return made.error();
      S3ClientOptions s3_options = std::move(made.value());
      s3_options.on_retry = [metrics = options_.metrics](const S3Failure& failure) {
        metrics->retries(classify_retry(failure.http_status, failure.code, failure.timed_out))
            .add();
      };
      s3_client_options_ = std::move(s3_options);
    }
    ship.writer = std::make_unique<S3ObjectWriter>(
        *s3_client_options_,
        S3WriterOptions{dest->bucket, dest->part_size_bytes, kParallelParts, dest->request,
                        retry_later_policy(config_.s3, options_.once, stop_retrying_)});
  } else if (stream) {
    if (auto status = resolve_aws(); !status) return status.error();
    auto target = stream_target_of(config_, *stream, aws_->region, *ship.metrics);
    if (!target) return target.error();
    // At start the sender is made once every flow's target is known; later it exists.
    FERRY_ASSERT(at_start || stream_sender_ != nullptr);
    const size_t index = at_start ? stream_targets_.size() : stream_sender_->add_target(*target);
    if (at_start) stream_targets_.push_back(std::move(*target));
    ship.stream = ship_stream_of(flow, *stream, index);
    ship.object.max_object_age_millis = flow.max_buffer_age_millis;  // for /healthz
  } else {
    const auto& dir = std::get<config::DirectoryDestination>(flow.destination);
    auto directory_writer = std::make_unique<DirectoryObjectWriter>(dir.path, dir.file_mode);
    if (at_start) directory_writer->remove_stale_temp_files(host_, flow.name);
    ship.writer = std::move(directory_writer);
  }
  TailFlow tail = tail_flow_of(flow);
  tail.symlinks_refused = &ship.metrics->symlinks_refused;
  tail.records_dropped = &ship.metrics->records_dropped;
  tail.records_truncated = &ship.metrics->records_truncated;
  // A stream record keeps the line breaks of a multi-line record, as the Kinesis Agent's; an
  // object holds one record per line.
  if (stream != nullptr) tail.multi_line_joiner = "\n";
  tail.batch_bytes = stream != nullptr ? kStreamBatchBytes : kObjectBatchBytes;
  FlowProcessing processing{flow.data_processing, flow.redact, flow.object.compression_level,
                            stream != nullptr};
  processing.hooks = RecordHooks{&ec2_metadata_};
  return FlowParts{std::move(ship), std::move(tail), std::move(processing)};
}

Result<RunSummary> RunningPipeline::run() {
  Metrics& metrics = *options_.metrics;
  metrics.begin_configuration();
  auto checkpoint = load_checkpoint(config_.checkpoint_file);
  if (!checkpoint) return checkpoint.error();
  carry_over_position_keys(config_, checkpoint.value());

  // ADDEC2METADATA: fetched before any record is read, refreshed in the background.
  auto ec2_refresher = start_ec2_metadata(config_, ec2_metadata_);
  if (!ec2_refresher) return ec2_refresher.error();
  ec2_refresher_ = std::move(ec2_refresher.value());
  std::vector<ShipFlow> ship_flows;
  std::vector<TailFlow> tail_flows;
  for (uint32_t id = 0; id < config_.flows.size(); ++id) {
    auto parts = build_flow(config_.flows[id], /*at_start=*/true);
    if (!parts) return parts.error();
    ship_flows.push_back(std::move(parts->ship));
    tail_flows.push_back(std::move(parts->tail));
    const uint32_t numbered = processing_.add(std::move(parts->processing));
    FERRY_ASSERT(numbered == id);
    slots_.push_back(Slot{id, ship_flows.back().metrics});
  }
  // Calls of every stream flow share these threads; a call not through after a minute of
  // retries fails a --once run (its records are sent again by the next one).
  if (!stream_targets_.empty()) {
    StreamSenderOptions sender_options;
    sender_options.threads = sending_threads(config_.streams, options_.cpus);
    sender_options.credentials = aws_->credentials;
    sender_options.http = http_options(config_.http);
    sender_options.stop_retrying = &stop_retrying_;
    sender_options.give_up_after_millis = options_.once ? kOnceStreamRetryMillis : 0;
    stream_sender_ = std::make_unique<StreamSender>(std::move(stream_targets_), sender_options);
  }

  const unsigned workers = options_.workers;
  FERRY_ASSERT(workers > 0);
  pool_ = std::make_unique<BatchPool>(2 * workers + 2, 2 * kObjectBatchBytes);
  // Room for every pooled batch (the pool grows with the flows) plus end markers: producers
  // hardly ever wait (flows added at run time bring end markers of their own; a full queue only
  // makes the reactor wait its turn).
  const size_t queue_room = pool_->max_total() + 2 * config_.flows.size() + 16;
  work_ = std::make_unique<BatchQueue>(queue_room);
  shipped_ = std::make_unique<BatchQueue>(queue_room);

  TailerOptions tail_options;
  tail_options.once = options_.once;
  ShipperOptions ship_options;
  ship_options.checkpoint_path = config_.checkpoint_file;
  ship_options.checkpoint_ttl_seconds = static_cast<int64_t>(config_.checkpoint_ttl_days) * 86400;
  ship_options.host = host_;
  ship_options.run_id = random_run_id();
  ship_options.metrics = &metrics;
  ship_options.stream_sender = stream_sender_.get();
  ship_options.retry_failed_flows = !options_.once;
  // A failed flow waits from s3.maxBackoffMillis, doubling up to 5 minutes.
  ship_options.first_flow_retry_millis = static_cast<uint64_t>(config_.s3.max_backoff_millis);
  ship_options.max_flow_retry_millis =
      std::max<uint64_t>(ship_options.first_flow_retry_millis, kMaxFlowRetryMillis);
  shipper_ = std::make_unique<Shipper>(std::move(ship_flows), std::move(checkpoint.value()),
                                       ship_options, *pool_, *shipped_);
  // Objects left open by an earlier run are settled before any file is read.
  if (auto status = shipper_->recover(); !status) return status.error();
  Checkpoint resume = shipper_->resume_view();
  metrics.backlog_bytes.set(static_cast<int64_t>(estimate_backlog(config_, resume)));

  tailer_ = std::make_unique<Tailer>(std::move(tail_flows), std::move(resume), tail_options, *pool_,
                                     *work_);
  // The files are opened, and where new flows start is in the checkpoint, before any is read.
  if (auto status = tailer_->start(); !status) return status.error();
  if (auto status = shipper_->record_first_starts(tailer_->first_starts()); !status)
    return status.error();
  Tailer& tailer = *tailer_;
  pool_->set_on_release([&tailer] { tailer.wake(); });
  shipper_->set_on_failure([&tailer] { tailer.request_stop(); });
  // A flow whose destination failed stops alone; following, it is tried again alone.
  shipper_->set_on_flow_failure([this](uint32_t flow) { flow_failed(flow); });
  for (const uint32_t flow : shipper_->failed_flows()) flow_failed(flow);  // at recovery
  shipper_->set_on_retry_due(
      [this](uint32_t flow) { post([this, flow] { restart_failed(flow); }); });
  shipper_->set_on_flow_ended([this](uint32_t flow, std::unique_ptr<ObjectWriter> writer) {
    flow_ended(flow, std::move(writer));
  });

  std::vector<std::thread> worker_threads;
  for (unsigned i = 0; i < workers; ++i) {
    worker_threads.emplace_back([this, i] {
      name_this_thread(cat("ferry-worker-", i));
      BatchProcessor processor(processing_);
      while (auto batch = work_->pop()) {
        if ((*batch)->kind == Batch::Kind::records) processor.process(**batch, unix_millis());
        const bool pushed = shipped_->push(*batch);
        FERRY_ASSERT(pushed);
      }
    });
  }
  std::thread shipper_thread([this] {
    name_this_thread("ferry-shipper");
    shipper_->run();
  });
  if (!options_.once)
    lifecycle_thread_ = std::thread([this] {
      name_this_thread("ferry-lifecycle");
      lifecycle_loop();
    });

  if (options_.stop) options_.stop->attach([&tailer] { tailer.request_stop(); });
  if (options_.reload)
    options_.reload->attach([this](const config::Config& next, std::string& why_not) {
      return reconfigure(next, why_not);
    });
  const Status tail_status = tailer.run();
  stop_lifecycle();
  if (options_.reload) options_.reload->detach();
  if (options_.stop) options_.stop->detach();
  if (!options_.once) stop_retrying_.store(true);
  shipper_->stop_waiting();  // from here on, a checkpoint that cannot be written is a failure
  work_->close();
  for (auto& t : worker_threads) t.join();
  shipped_->close();
  shipper_thread.join();
  stop_retrying_.store(true);  // stream calls still retrying after a failure give up

  RunSummary summary;
  if (!tail_status) return tail_status.error();
  // Following, a failed flow does not end ferry: the next run tries it again.
  if (shipper_->checkpoint_failed() || (options_.once && shipper_->failed()))
    return make_error("delivery failed; undelivered records will be read again at the next start");
  // A flow counts as failed when it still is: not one a reload removed or that started again.
  for (const uint32_t failed : shipper_->failed_flows())
    for (const Slot& slot : slots_) summary.undelivered |= slot.id == failed;
  return summary;
}

Result<RunSummary> run_pipeline(const config::Config& config, const RunOptions& options) {
  RunningPipeline pipeline(config, options);
  return pipeline.run();
}

}  // namespace ferry
