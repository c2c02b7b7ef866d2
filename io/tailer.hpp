// Tailer: the reactor thread. Watches the flows' directories with inotify, reads matched files
// with io_uring into pooled buffers, frames lines and hands whole-record batches to the workers.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/batch.hpp"
#include "core/batch_pool.hpp"
#include "core/bounded_queue.hpp"
#include "core/checkpoint.hpp"
#include "core/line_framer.hpp"
#include "core/result.hpp"
#include "io/unique_fd.hpp"
#include "io/uring.hpp"

namespace ferry {

using BatchQueue = BoundedQueue<std::unique_ptr<Batch>>;

struct TailFlow {
  std::string name;
  std::string file_pattern;   // absolute; wildcards (* ?) in the last component only
  bool start_at_end = false;  // initialPosition END_OF_FILE, for files present at a first start
  uint64_t max_record_bytes = 1 << 20;
  uint64_t linger_millis = 1000;  // a partial batch waits at most this long before compression
};

struct TailerOptions {
  bool once = false;               // read what the files hold at start, then end
  int signal_fd = -1;              // signalfd for SIGTERM/SIGINT (follow mode), -1: none
  size_t read_bytes = 1 << 20;     // one io_uring read
  size_t reads_in_flight = 8;      // read buffers (bounded memory)
  size_t batch_bytes = 1 << 20;    // a batch is dispatched once it holds this many input bytes
  uint64_t rescan_millis = 10000;  // safety net behind inotify: stat tracked files, rescan dirs
  uint64_t detached_grace_millis = 5000;  // keep a rotated-away file open this long after EOF
};

struct TailerStats {
  uint64_t files_opened = 0;
  uint64_t bytes_read = 0;
  uint64_t records = 0;
  uint64_t batches = 0;
};

class Tailer {
 public:
  Tailer(std::vector<TailFlow> flows, const Checkpoint& committed, TailerOptions options,
         BatchPool& pool, BatchQueue& work);
  ~Tailer();

  // Runs on the calling thread until the input is done (--once) or a stop is requested
  // (signal or request_stop()); then dispatches open batches and one end_of_input per flow.
  Status run();

  // Thread-safe: ends run() as a signal would (e.g. the shipper failed).
  void request_stop();
  // Thread-safe: the reactor re-checks what it can read (a batch came back to the pool).
  void wake();

  TailerStats stats() const { return stats_; }

 private:
  struct TrackedFile;
  struct Directory;

  Status setup();
  void watch_directory(Directory& dir);
  void scan_directory(Directory& dir, bool at_start);
  void consider_file(uint32_t flow, const std::string& path, bool at_start);
  void handle_inotify(int result);
  void handle_read(uint64_t file_id, int result);
  void consume_read(TrackedFile& file, int result, const char* data);
  void pump_reads();
  void dispatch(uint32_t flow);      // when none of the flow's reads is in flight
  void dispatch_now(uint32_t flow);  // asserts none is
  void dispatch_aged(uint64_t now);
  void close_finished_files(uint64_t now);
  void safety_rescan();
  bool input_done() const;
  int64_t next_timeout(uint64_t now) const;
  void arm_inotify();
  void arm_control();
  Batch* current_batch(uint32_t flow);

  std::vector<TailFlow> flows_;
  const Checkpoint& committed_;
  TailerOptions options_;
  BatchPool& pool_;
  BatchQueue& work_;
  TailerStats stats_;

  Uring ring_;
  UniqueFd inotify_;
  UniqueFd control_;  // eventfd: wake / stop from other threads
  std::atomic<bool> stop_requested_{false};
  bool stopping_ = false;
  std::vector<char> inotify_buffer_;
  uint64_t control_value_ = 0;
  uint64_t signal_buffer_[16] = {};

  std::vector<std::unique_ptr<Directory>> directories_;
  std::map<uint64_t, std::unique_ptr<TrackedFile>> files_;  // by file id
  uint64_t next_file_id_ = 1;
  uint64_t last_served_id_ = 0;
  std::vector<std::unique_ptr<char[]>> free_buffers_;
  size_t reads_in_flight_ = 0;
  std::vector<std::unique_ptr<Batch>> open_batches_;            // per flow, may be null
  std::vector<uint64_t> next_sequence_;                         // per flow
  std::vector<uint32_t> flow_reads_in_flight_;                  // per flow
  std::vector<uint64_t> flow_bytes_in_flight_;                  // per flow: read lengths submitted
  std::vector<std::vector<SourcePosition>> pending_positions_;  // per flow, no records yet
  uint64_t last_rescan_ = 0;
};

}  // namespace ferry
