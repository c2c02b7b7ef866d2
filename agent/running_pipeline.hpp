// RunningPipeline: the stages of one run (reactor -> workers -> shipper) and the flows in them.
// agent/pipeline.cpp builds and runs it; agent/flow_lifecycle.cpp adds, ends and starts again
// single flows while it runs (a reload flow by flow, a failed flow tried again), on a thread of
// its own so that neither the reactor nor the shipper ever waits for it. Internal to agent/.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "agent/config/config.hpp"
#include "agent/pipeline.hpp"
#include "agent/setup/s3_setup.hpp"
#include "agent/shipper.hpp"
#include "core/aws/ec2_metadata_cell.hpp"
#include "core/batch/batch_pool.hpp"
#include "core/batch/flow_processing_table.hpp"
#include "io/aws/s3_client.hpp"
#include "io/aws/stream_sender.hpp"
#include "io/credentials/ec2_metadata_refresher.hpp"
#include "io/tail/tailer.hpp"

namespace ferry {

class RunningPipeline {
 public:
  RunningPipeline(const config::Config& config, const RunOptions& options);
  ~RunningPipeline();
  RunningPipeline(const RunningPipeline&) = delete;
  RunningPipeline& operator=(const RunningPipeline&) = delete;

  Result<RunSummary> run();

  // Any thread but the pipeline's own, while run() runs: applies `next` flow by flow (kept
  // flows go on untouched, removed ones complete their object and stop, changed ones do that
  // and start again, added ones start) and returns true once done; false with `why_not` when a
  // setting every flow shares changed (agent/flow_plan.hpp) and only a new run can apply it.
  bool reconfigure(const config::Config& next, std::string& why_not);

 private:
  // One flow's parts before it joins the stages.
  struct FlowParts {
    ShipFlow ship;
    TailFlow tail;
    FlowProcessing processing;
  };
  // A flow of the configuration now (config_.flows at the same index): its number in the stages.
  struct Slot {
    static constexpr uint32_t kNotRunning = UINT32_MAX;  // a reload could not start it
    uint32_t id = kNotRunning;
    FlowMetrics* metrics = nullptr;
  };

  // pipeline.cpp: the stages.
  Status resolve_aws();
  // at_start: before the stages exist (stream targets wait for the sender, stale temporary
  // files of a directory flow are removed).
  Result<FlowParts> build_flow(const config::Flow& flow, bool at_start);

  // flow_lifecycle.cpp: flows while running, on the lifecycle thread.
  void post(std::function<void()> job);  // any thread; dropped once stopping
  void lifecycle_loop();
  void stop_lifecycle();
  // Returns once its files are being read (or, its destination failing, it waits for the retry).
  Result<Slot> add_running(const config::Flow& flow);
  bool end_running(uint32_t id);     // returns once its object is completed (false: run ending)
  void restart_failed(uint32_t id);  // on_retry_due: the same flow, afresh
  bool apply(const config::Config& next, std::string& why_not);
  // Shipper thread. `writer`: the flow's, or null; it goes with end_running(), on this thread.
  void flow_ended(uint32_t id, std::unique_ptr<ObjectWriter> writer);
  void flow_failed(uint32_t id);  // shipper thread
  bool has_failed(uint32_t id);
  // Waits for `future` unless the run is ending (nullopt then).
  template <class T>
  std::optional<T> wait_for(std::future<T>& future);

  config::Config config_;  // its flows: as in slots_ (lifecycle thread once running)
  const RunOptions options_;
  const std::string host_;
  // Set when reading stops in follow mode (SIGTERM, or a failure): S3 requests waiting to be
  // tried again later give up, so that ferry can exit.
  std::atomic<bool> stop_retrying_{false};
  std::optional<AwsAccess> aws_;
  std::optional<S3ClientOptions> s3_client_options_;
  std::vector<StreamTarget> stream_targets_;  // until the sender exists
  Ec2MetadataCell ec2_metadata_;
  std::unique_ptr<Ec2MetadataRefresher> ec2_refresher_;
  FlowProcessingTable processing_;
  std::unique_ptr<BatchPool> pool_;
  std::unique_ptr<BatchQueue> work_;
  std::unique_ptr<BatchQueue> shipped_;
  // After shipped_, which its answers wake (so its threads are joined first), and before the
  // shipper, which sends through it.
  std::unique_ptr<StreamSender> stream_sender_;
  std::unique_ptr<Shipper> shipper_;
  std::unique_ptr<Tailer> tailer_;
  std::vector<Slot> slots_;  // lifecycle thread once running

  std::mutex lifecycle_mutex_;  // guards the members up to lifecycle_thread_
  std::condition_variable lifecycle_wake_;
  std::deque<std::function<void()>> jobs_;
  bool lifecycle_stopping_ = false;
  std::set<uint32_t> ended_;  // flows whose end_of_input the shipper has seen
  // Their writers, until end_running(): destroying one waits for the uploads a failure let go of
  // in flight (the shipper thread must not; a flow started again must not meet them).
  std::map<uint32_t, std::unique_ptr<ObjectWriter>> ended_writers_;
  std::set<uint32_t> failed_;  // flows whose destination failed (a reload starts them again)
  std::atomic<bool> stopping_{false};
  std::thread lifecycle_thread_;
};

}  // namespace ferry
