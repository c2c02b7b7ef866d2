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

#include "agent/setup/aws_access_cache.hpp"
#include "agent/setup/ec2_metadata_setup.hpp"
#include "agent/setup/http_options.hpp"
#include "agent/setup/s3_setup.hpp"
#include "agent/shipper.hpp"
#include "agent/setup/stream_setup.hpp"
#include "core/batch/batch_pool.hpp"
#include "core/batch/batch_processor.hpp"
#include "core/checkpoint/checkpoint.hpp"
#include "core/checkpoint/checkpoint_legacy.hpp"
#include "core/observe/log.hpp"
#include "core/batch/object_key.hpp"
#include "core/text.hpp"
#include "io/checkpoint_store.hpp"
#include "io/directory_object_writer.hpp"
#include "io/tail/flow_files.hpp"
#include "io/host_name.hpp"
#include "io/aws/s3_client.hpp"
#include "io/aws/s3_object_writer.hpp"
#include "io/steady_clock.hpp"
#include "io/tail/tailer.hpp"

namespace ferry {
namespace {

constexpr size_t kBatchBytes = 1 << 20;
// Part uploads in flight per S3 flow, each on its own connection, while the next part fills.
constexpr size_t kParallelParts = 2;
// A partial batch waits at most this long for more lines: a record on a quiet file reaches a
// completed object within maxObjectAgeMillis plus about this plus the shipper's tick.
constexpr uint64_t kMaxLingerMillis = 250;
// --once: a stream call that has not gone through after this long of retries fails the run.
constexpr uint64_t kOnceStreamRetryMillis = 60000;

uint64_t random_run_id() {
  uint64_t id = 0;
  if (::getrandom(&id, sizeof id, 0) != static_cast<ssize_t>(sizeof id))
    id = static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) ^
         static_cast<uint64_t>(::getpid());
  return id;
}

// A request that ran out of attempts is tried again after pauses from the longest backoff up to
// 5 minutes without limit while following; --once (a backfill, a cron job) tries three rounds
// with pauses up to a minute, about a minute in all with the defaults, then exits 1.
RetryLaterPolicy retry_later_policy(const config::S3Service& s3, bool once,
                                    const std::atomic<bool>& stop_retrying) {
  constexpr int kOnceRounds = 3;
  return RetryLaterPolicy{once ? kOnceRounds : 0, s3.max_backoff_millis,
                          std::max(s3.max_backoff_millis, once ? 60'000 : 300'000), &stop_retrying};
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
  return tail;
}

// One reactor serves every flow: the shortest interval any flow asks for applies.
void apply_poll_intervals(const config::Config& config, TailerOptions& options) {
  for (const auto& flow : config.flows) {
    if (flow.file_poll_millis > 0)
      options.rescan_millis = std::min(options.rescan_millis, flow.file_poll_millis);
    if (flow.stat_poll_millis > 0)
      options.stat_poll_millis = options.stat_poll_millis == 0
                                     ? flow.stat_poll_millis
                                     : std::min(options.stat_poll_millis, flow.stat_poll_millis);
  }
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

Result<RunSummary> run_pipeline(const config::Config& config, const RunOptions& options) {
  FERRY_ASSERT(options.metrics != nullptr);
  options.metrics->begin_configuration();
  auto checkpoint = load_checkpoint(config.checkpoint_file);
  if (!checkpoint) return checkpoint.error();
  carry_over_position_keys(config, checkpoint.value());

  const std::string host = host_name();
  // Set when reading stops in follow mode (SIGTERM, or a failure): S3 requests waiting to be
  // tried again later give up, so that ferry can exit.
  std::atomic<bool> stop_retrying{false};
  // Resolved once, for S3 and the streams alike.
  std::optional<AwsAccess> aws;
  const auto resolve_aws = [&]() -> Status {
    if (aws) return Ok{};
    FERRY_ASSERT(options.aws_access != nullptr);
    auto resolved = options.aws_access->access(config, "the pipeline");
    if (!resolved) return resolved.error();
    aws = std::move(resolved.value());
    return Ok{};
  };
  std::unique_ptr<S3Client> s3;
  std::optional<S3ClientOptions> s3_client_options;
  std::vector<StreamTarget> stream_targets;
  std::vector<ShipFlow> ship_flows;
  std::vector<TailFlow> tail_flows;
  std::vector<FlowProcessing> processing;
  // ADDEC2METADATA: fetched before any record is read, refreshed in the background.
  Ec2MetadataCell ec2_metadata;
  auto ec2_refresher = start_ec2_metadata(config, ec2_metadata);
  if (!ec2_refresher) return ec2_refresher.error();
  for (const auto& flow : config.flows) {
    ShipFlow ship{flow.name, flow.checkpoint_key, flow.object, nullptr, std::nullopt, nullptr, {}};
    register_metrics(*options.metrics, flow, ship);
    const auto* stream = std::get_if<config::StreamDestination>(&flow.destination);
    if (const auto* dest = std::get_if<config::S3Destination>(&flow.destination)) {
      if (!s3) {
        if (auto status = resolve_aws(); !status) return status.error();
        auto made = ferry::s3_client_options(config, *aws);
        if (!made) return made.error();
        S3ClientOptions s3_options = std::move(made.value());
        s3_options.on_retry = [metrics = options.metrics](const S3Failure& failure) {
          metrics->retries(classify_retry(failure.http_status, failure.code, failure.timed_out))
              .add();
        };
        s3 = std::make_unique<S3Client>(s3_options);
        s3_client_options = std::move(s3_options);
      }
      ship.writer = std::make_unique<S3ObjectWriter>(
          *s3, *s3_client_options,
          S3WriterOptions{dest->bucket, dest->part_size_bytes, kParallelParts, dest->request,
                          retry_later_policy(config.s3, options.once, stop_retrying)});
    } else if (stream) {
      if (auto status = resolve_aws(); !status) return status.error();
      auto target = stream_target_of(config, *stream, aws->region, *ship.metrics);
      if (!target) return target.error();
      ship.stream = ship_stream_of(flow, *stream, stream_targets.size());
      ship.object.max_object_age_millis = flow.max_buffer_age_millis;  // for /healthz
      stream_targets.push_back(std::move(*target));
    } else {
      const auto& dir = std::get<config::DirectoryDestination>(flow.destination);
      auto directory_writer = std::make_unique<DirectoryObjectWriter>(dir.path, dir.file_mode);
      directory_writer->remove_stale_temp_files(host, flow.name);
      ship.writer = std::move(directory_writer);
    }
    ship_flows.push_back(std::move(ship));
    tail_flows.push_back(tail_flow_of(flow));
    tail_flows.back().symlinks_refused = &ship_flows.back().metrics->symlinks_refused;
    tail_flows.back().records_dropped = &ship_flows.back().metrics->records_dropped;
    tail_flows.back().records_truncated = &ship_flows.back().metrics->records_truncated;
    // A stream record keeps the line breaks of a multi-line record, as the Kinesis Agent's; an
    // object holds one record per line.
    if (stream != nullptr) tail_flows.back().multi_line_joiner = "\n";
    processing.push_back(FlowProcessing{flow.data_processing, flow.redact,
                                        flow.object.compression_level, stream != nullptr});
    processing.back().hooks = RecordHooks{&ec2_metadata};
  }
  // Calls of every stream flow share these threads; a call not through after a minute of
  // retries fails a --once run (its records are sent again by the next one).
  std::unique_ptr<StreamSender> stream_sender;
  if (!stream_targets.empty()) {
    StreamSenderOptions sender_options;
    sender_options.threads = sending_threads(config.streams);
    sender_options.credentials = aws->credentials;
    sender_options.http = http_options(config.http);
    sender_options.stop_retrying = &stop_retrying;
    sender_options.give_up_after_millis = options.once ? kOnceStreamRetryMillis : 0;
    stream_sender = std::make_unique<StreamSender>(std::move(stream_targets), sender_options);
  }

  const unsigned workers =
      options.workers ? options.workers : std::max(1u, std::thread::hardware_concurrency());
  BatchPool pool(2 * workers + 2, 2 * kBatchBytes);
  // Room for every pooled batch plus one end marker per flow: producers never block.
  BatchQueue work(pool.total() + config.flows.size());
  BatchQueue shipped(pool.total() + config.flows.size());

  TailerOptions tail_options;
  tail_options.once = options.once;
  tail_options.batch_bytes = kBatchBytes;
  apply_poll_intervals(config, tail_options);
  ShipperOptions ship_options;
  ship_options.checkpoint_path = config.checkpoint_file;
  ship_options.checkpoint_ttl_seconds = static_cast<int64_t>(config.checkpoint_ttl_days) * 86400;
  ship_options.host = host;
  ship_options.run_id = random_run_id();
  ship_options.metrics = options.metrics;
  ship_options.stream_sender = stream_sender.get();
  ship_options.retry_failed_flows = !options.once;
  Shipper shipper(std::move(ship_flows), std::move(checkpoint.value()), ship_options, pool,
                  shipped);
  // Objects left open by an earlier run are settled before any file is read.
  if (auto status = shipper.recover(); !status) return status.error();
  const Checkpoint resume = shipper.resume_view();
  options.metrics->backlog_bytes.set(static_cast<int64_t>(estimate_backlog(config, resume)));

  Tailer tailer(std::move(tail_flows), resume, tail_options, pool, work);
  // The files are opened, and where new flows start is in the checkpoint, before any is read.
  if (auto status = tailer.start(); !status) return status.error();
  if (auto status = shipper.record_first_starts(tailer.first_starts()); !status)
    return status.error();
  pool.set_on_release([&tailer] { tailer.wake(); });
  shipper.set_on_failure([&tailer] { tailer.request_stop(); });
  // A flow whose destination failed stops alone; following, it is tried again by a new run.
  shipper.set_on_flow_failure([&tailer](uint32_t flow) { tailer.pause_flow(flow); });
  for (const uint32_t flow : shipper.failed_flows()) tailer.pause_flow(flow);  // at recovery
  shipper.set_on_retry_due([stop = options.stop] {
    if (stop) stop->request();
  });

  std::vector<std::thread> worker_threads;
  for (unsigned i = 0; i < workers; ++i) {
    worker_threads.emplace_back([&work, &shipped, &processing] {
      BatchProcessor processor(processing);
      while (auto batch = work.pop()) {
        if ((*batch)->kind == Batch::Kind::records) processor.process(**batch, unix_millis());
        const bool pushed = shipped.push(*batch);
        FERRY_ASSERT(pushed);
      }
    });
  }
  std::thread shipper_thread([&shipper] { shipper.run(); });

  if (options.stop) options.stop->attach([&tailer] { tailer.request_stop(); });
  const Status tail_status = tailer.run();
  if (options.stop) options.stop->detach();
  if (!options.once) stop_retrying.store(true);
  shipper.stop_waiting();  // from here on, a checkpoint that cannot be written is a failure
  work.close();
  for (auto& t : worker_threads) t.join();
  shipped.close();
  shipper_thread.join();
  stop_retrying.store(true);  // stream calls still retrying after a failure give up

  RunSummary summary;
  if (!tail_status) return tail_status.error();
  // Following, a failed flow does not end ferry: the next run tries it again.
  if (shipper.checkpoint_failed() || (options.once && shipper.failed()))
    return make_error("delivery failed; undelivered records will be read again at the next start");
  summary.undelivered = shipper.failed();
  return summary;
}

}  // namespace ferry
