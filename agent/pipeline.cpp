// Builds the stages for a configuration, runs them, and joins them in order on the way out.
#include "agent/pipeline.hpp"

#include <sys/random.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "agent/shipper.hpp"
#include "core/batch_pool.hpp"
#include "core/batch_processor.hpp"
#include "core/checkpoint.hpp"
#include "core/log.hpp"
#include "core/object_key.hpp"
#include "core/text.hpp"
#include "io/checkpoint_store.hpp"
#include "io/directory_object_writer.hpp"
#include "io/s3_client.hpp"
#include "io/s3_object_writer.hpp"
#include "io/tailer.hpp"

namespace ferry {
namespace {

constexpr size_t kBatchBytes = 1 << 20;
// Part uploads in flight per S3 flow, each on its own connection, while the next part fills.
constexpr size_t kParallelParts = 2;
// A partial batch waits at most this long for more lines: a record on a quiet file reaches a
// completed object within maxObjectAgeMillis plus about this plus the shipper's tick.
constexpr uint64_t kMaxLingerMillis = 250;

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return sanitize_key_component(buf);
}

uint64_t random_run_id() {
  uint64_t id = 0;
  if (::getrandom(&id, sizeof id, 0) != static_cast<ssize_t>(sizeof id))
    id = static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) ^
         static_cast<uint64_t>(::getpid());
  return id;
}

}  // namespace

Result<RunSummary> run_pipeline(const config::Config& config, const RunOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  auto checkpoint = load_checkpoint(config.checkpoint_file);
  if (!checkpoint) return checkpoint.error();

  const std::string host = host_name();
  std::unique_ptr<S3Client> s3;
  std::optional<S3ClientOptions> s3_client_options;
  std::vector<ShipFlow> ship_flows;
  std::vector<TailFlow> tail_flows;
  std::vector<FlowProcessing> processing;
  for (const auto& flow : config.flows) {
    std::unique_ptr<ObjectWriter> writer;
    if (const auto* dest = std::get_if<config::S3Destination>(&flow.destination)) {
      if (!s3) {
        auto credentials = credentials_from_environment();
        if (!credentials) return credentials.error();
        S3ClientOptions s3_options;
        s3_options.endpoint = config.s3.endpoint;
        s3_options.region = config.s3.region;
        s3_options.force_path_style = config.s3.force_path_style;
        s3_options.credentials = std::move(credentials.value());
        if (auto status = validate_s3_options(s3_options); !status) return status.error();
        s3 = std::make_unique<S3Client>(s3_options);
        s3_client_options = std::move(s3_options);
      }
      writer = std::make_unique<S3ObjectWriter>(*s3, *s3_client_options, dest->bucket,
                                                dest->part_size_bytes, kParallelParts);
    } else {
      const auto& dir = std::get<config::DirectoryDestination>(flow.destination);
      auto directory_writer = std::make_unique<DirectoryObjectWriter>(dir.path);
      directory_writer->remove_stale_temp_files(host, flow.name);
      writer = std::move(directory_writer);
    }
    ship_flows.push_back(ShipFlow{flow.name, flow.object, std::move(writer)});
    tail_flows.push_back(TailFlow{
        flow.name, flow.file_pattern, flow.initial_position == config::InitialPosition::end_of_file,
        flow.max_record_bytes, std::min(flow.max_buffer_age_millis, kMaxLingerMillis)});
    processing.push_back(FlowProcessing{flow.redact, flow.object.compression_level});
  }

  const unsigned workers =
      options.workers ? options.workers : std::max(1u, std::thread::hardware_concurrency());
  BatchPool pool(2 * workers + 2, 2 * kBatchBytes);
  // Room for every pooled batch plus one end marker per flow: producers never block.
  BatchQueue work(pool.total() + config.flows.size());
  BatchQueue shipped(pool.total() + config.flows.size());

  TailerOptions tail_options;
  tail_options.once = options.once;
  tail_options.signal_fd = options.signal_fd;
  tail_options.batch_bytes = kBatchBytes;
  ShipperOptions ship_options;
  ship_options.checkpoint_path = config.checkpoint_file;
  ship_options.host = host;
  ship_options.run_id = random_run_id();
  Shipper shipper(std::move(ship_flows), std::move(checkpoint.value()), ship_options, pool,
                  shipped);
  // Objects left open by an earlier run are settled before any file is read.
  if (auto status = shipper.recover(); !status) return status.error();
  const Checkpoint resume = shipper.resume_view();

  Tailer tailer(std::move(tail_flows), resume, tail_options, pool, work);
  pool.set_on_release([&tailer] { tailer.wake(); });
  shipper.set_on_failure([&tailer] { tailer.request_stop(); });

  std::vector<std::thread> worker_threads;
  for (unsigned i = 0; i < workers; ++i) {
    worker_threads.emplace_back([&work, &shipped, &processing] {
      BatchProcessor processor(processing);
      while (auto batch = work.pop()) {
        if ((*batch)->kind == Batch::Kind::records) processor.process(**batch);
        const bool pushed = shipped.push(*batch);
        FERRY_ASSERT(pushed);
      }
    });
  }
  std::thread shipper_thread([&shipper] { shipper.run(); });

  const Status tail_status = tailer.run();
  shipper.stop_waiting();  // from here on, a checkpoint that cannot be written is a failure
  work.close();
  for (auto& t : worker_threads) t.join();
  shipped.close();
  shipper_thread.join();

  RunSummary summary;
  summary.bytes_read = tailer.stats().bytes_read;
  summary.shipped = shipper.stats();
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!tail_status) return tail_status.error();
  if (shipper.failed())
    return make_error("delivery failed; undelivered records will be read again at the next start");
  return summary;
}

}  // namespace ferry
