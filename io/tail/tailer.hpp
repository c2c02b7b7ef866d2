// Tailer: the reactor thread. Finds and watches the flows' files (io/tail/directory_watcher.*),
// reads them with io_uring into pooled buffers, frames lines and hands whole-record batches to the
// workers; follows rotation (rename, copytruncate, truncation, deletion) by file identity.
// The loop and batches live in tailer.cpp, reads and framing in tailer_reads.cpp, the files'
// lifecycle (identity, rotation, descriptors) in tailer_files.cpp.
#pragma once

#include <atomic>
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/batch/batch.hpp"
#include "core/batch/batch_pool.hpp"
#include "core/checkpoint/checkpoint.hpp"
#include "core/convert/java_regex.hpp"
#include "core/observe/metrics.hpp"
#include "core/observe/rate_limit.hpp"
#include "core/redact/pattern_set.hpp"
#include "core/result.hpp"
#include "core/tail/file_change.hpp"
#include "core/tail/line_framer.hpp"
#include "io/ring_queue.hpp"
#include "io/tail/directory_watcher.hpp"
#include "io/tail/uring.hpp"
#include "io/unique_fd.hpp"

namespace ferry {

using BatchQueue = RingQueue<std::unique_ptr<Batch>>;

struct TailFlow {
  std::string name;
  std::string checkpoint_key;  // the flow's entry in the checkpoint (config::Flow::checkpoint_key)
  std::string file_pattern;    // absolute; wildcards (* ?) in any component
  bool start_at_end = false;   // initialPosition END_OF_FILE, for files present at a first start
  uint64_t max_record_bytes = 1 << 20;
  uint64_t linger_millis = 1000;  // a partial batch waits at most this long before compression
  // A last line without newline of a file rotated away or deleted is shipped once the file has
  // been idle this long (maxBufferAgeMillis); in a file still being written it waits.
  uint64_t partial_line_millis = 60000;
  uint64_t skip_header_lines = 0;  // skipHeaderLines: of every file read from its start
  // truncatedRecordTerminator: set, an over-long line becomes one record cut to max_record_bytes
  // ending with it, and the rest of the line is dropped (the Kinesis Agent's behaviour); unset,
  // it is shipped in pieces.
  std::optional<std::string> truncated_record_terminator;
  // multiLineStartPattern (core/tail/line_patterns.hpp, validated by the configuration): a line it
  // matches at its start begins a record, and so does the first line read when no record is
  // open; the lines after it that do not match are joined to it with `multi_line_joiner`. A
  // record is complete when the next one starts or its file has been idle partial_line_millis.
  std::string multi_line_start_pattern;
  // "\n" (the Kinesis Agent: a stream record keeps its line breaks), or " " where records are
  // lines of an object (NDJSON).
  std::string multi_line_joiner = " ";
  // fileFooterPattern: a line that matches it whole (trimmed) ends the file's records: it and
  // everything after it in that file are not shipped (counted in `records_dropped`).
  std::string file_footer_pattern;
  Counter* records_dropped = nullptr;    // not owned
  Counter* records_truncated = nullptr;  // not owned; lines cut (truncated_record_terminator)
  size_t max_open_files = 1024;  // maxOpenFiles: descriptors of this flow's files; the least
                                 // recently read idle ones are closed and reopened by identity
  // followSymlinks: a file reached through a link is read wherever it really is; otherwise only
  // inside the directories the pattern covers (core/tail/symlink_policy.hpp).
  bool follow_symlinks = false;
  Counter* symlinks_refused = nullptr;  // not owned; links not followed (each counted once)
  // minTimeBetweenFilePollsMillis and statPollMillis (0: the reactor's own); one reactor serves
  // every flow, so the shortest any flow asks for applies to all.
  uint64_t rescan_millis = 0;
  uint64_t stat_poll_millis = 0;
  // A batch is dispatched once it holds this many input bytes; with the reads in flight it
  // stays within twice that (what the pool's batches reserve).
  size_t batch_bytes = 1 << 20;
};

// A read straight into a batch is cut to what cannot outgrow max_record_bytes; shorter than this
// (or than read_bytes), it goes through a read buffer instead.
inline constexpr uint64_t kMinDirectReadBytes = 64 * 1024;

struct TailerOptions {
  bool once = false;                      // read what the files hold at start, then end
  size_t read_bytes = 1 << 20;            // one io_uring read
  size_t reads_in_flight = 8;             // read buffers (bounded memory)
  bool direct_reads = true;               // into batches where they can (false: read buffers)
  uint64_t rescan_millis = 10000;         // safety net behind inotify: list directories, stat files
  uint64_t stat_poll_millis = 0;          // >0: also stat every tracked file this often (NFS, EFS)
  uint64_t detached_grace_millis = 5000;  // keep a rotated-away file open this long after EOF
};

struct TailerStats {
  uint64_t files_opened = 0;
  uint64_t bytes_read = 0;
  uint64_t records = 0;
  uint64_t batches = 0;
  uint64_t overflows = 0;              // inotify queue overflows, each followed by a full rescan
  uint64_t reopened = 0;               // idle files closed for the descriptor cap and opened again
  uint64_t reads_into_batches = 0;     // reads that landed straight in a batch ...
  uint64_t reads_through_buffers = 0;  // ... and through a read buffer
};

class Tailer {
 public:
  Tailer(std::vector<TailFlow> flows, Checkpoint committed, TailerOptions options, BatchPool& pool,
         BatchQueue& work);
  ~Tailer();

  // Lists, watches and opens the flows' files, deciding where each starts: the checkpoint's
  // position, or for a flow the checkpoint does not know yet, 0 (START_OF_FILE) or the file's
  // end (END_OF_FILE). run() does it first if it was not called.
  Status start();
  // After start(): each flow the checkpoint did not know, with where its files start. Once
  // recorded in the checkpoint, the next start is a restart for these flows, whatever happens
  // before their first record is shipped (files present now are never taken as history again).
  std::vector<FlowStart> first_starts() const;

  // Runs on the calling thread until the input is done (--once) or a stop is requested
  // (request_stop(): SIGTERM through the shutdown watchdog, a reload, a failure); then dispatches
  // open batches and one end_of_input per flow.
  Status run();

  // Thread-safe: ends run() (SIGTERM, a reload, the shipper failed).
  void request_stop();
  // Thread-safe: the reactor re-checks what it can read (a batch came back to the pool).
  void wake();
  // Thread-safe: the flow's destination failed; its files are not read any more in this run
  // (what they hold stays unacknowledged for the next), and with --once they count as done.
  void pause_flow(uint32_t flow);

  // Flows added and ended while run() runs (a reload, a failed flow started again): a flow is
  // numbered in the order it was added, and a number is never reused (tailer_flows.cpp).
  //
  // Thread-safe, following only: adds `flow` as number `id` (the number of flows so far).
  // The reactor watches, lists and opens its files from `resume` (its checkpoint entry now;
  // none: a first start) and holds them unread until release_flow(id). The future gives the
  // first start to record (Shipper::record_first_starts) when `resume` is none.
  std::future<std::optional<FlowStart>> add_flow(uint32_t id, TailFlow flow,
                                                 std::optional<FlowCheckpoint> resume);
  // Thread-safe: an added flow's files are read from now on.
  void release_flow(uint32_t id);
  // Thread-safe: the flow ends alone: its files are closed once its reads in flight landed, its
  // open batch is dispatched and its end_of_input follows (the shipper completes its object).
  // Its partial last lines stay unacknowledged, read again by whatever reads the files next.
  void end_flow(uint32_t id);

  TailerStats stats() const { return stats_; }

 private:
  struct TrackedFile;

  // What a flow is doing; anything but `reading` reads nothing.
  enum class FlowRun : uint8_t { reading, held, paused, ending, ended };
  struct AddedFlow {
    uint32_t id = 0;
    TailFlow flow;
    std::optional<FlowCheckpoint> resume;
    std::promise<std::optional<FlowStart>> first_start;
  };
  struct FlowCommand {
    enum class Kind : uint8_t { pause, release, end } kind;
    uint32_t flow = 0;
  };

  // tailer_flows.cpp: flows added, paused and ended at run time.
  void add_flow_state(const TailFlow& flow);  // the per-flow state of one more flow
  void take_commands();                       // from other threads, at the loop's top
  void start_added(AddedFlow& added);
  void end_flows_whose_reads_landed();
  void push_end_of_input(uint32_t flow);
  bool reading(uint32_t flow) const { return run_[flow] == FlowRun::reading; }
  // The flow's reads land straight in its batch (no multiLineStartPattern), one at a time.
  bool reads_into_batch(uint32_t flow) const {
    return options_.direct_reads && !start_patterns_[flow];
  }

  // tailer.cpp: the loop, timers and batches.
  void dispatch(uint32_t flow);      // when none of the flow's reads is in flight
  void dispatch_now(uint32_t flow);  // asserts none is
  void dispatch_aged(uint64_t now);
  bool input_done() const;
  int64_t next_timeout(uint64_t now) const;
  void arm_inotify();
  void arm_control();
  Batch* current_batch(uint32_t flow);

  // tailer_reads.cpp: reads and framing.
  void pump_reads();
  void handle_read(uint64_t file_id, int result);
  // Where a read of `file` lands in `batch` when it can land there, its length cut to fit;
  // null when it goes through a read buffer.
  char* direct_destination(TrackedFile& file, Batch& batch, uint64_t& length);
  // `data`: the read's bytes, in a read buffer or (direct) in the flow's open batch.
  void consume_read(TrackedFile& file, int result, const char* data, bool direct);
  size_t source_index(Batch& batch, const TrackedFile& file);
  void add_record(TrackedFile& file, Batch& batch, size_t source, std::string_view record,
                  uint64_t offset, bool piece);
  void line_truncated(const TrackedFile& file, uint64_t offset);  // counted, warned (limited)
  void join_line(TrackedFile& file, Batch& batch, size_t source, std::string_view line,
                 uint64_t offset);
  void flush_joined(TrackedFile& file, Batch& batch, size_t source);
  static void append_record(Batch& batch, size_t source, std::string_view record,
                            std::string_view suffix, uint64_t offset, bool piece);
  static void set_position(Batch& batch, size_t source, const TrackedFile& file);
  // Ships the file's last line without newline and its joined record (joined_only: only the
  // joined record); false if it must wait (reads in flight, no batch free).
  bool flush_partial_line(TrackedFile& file, bool joined_only = false);

  // tailer_files.cpp: which files, from where, and what became of them.
  void consider_file(uint32_t flow, const std::string& path, bool at_start);
  // Is the open `fd`, found as `path`, a file the flow may read (symlink policy)? A link it
  // refuses is logged and counted once.
  bool may_read(uint32_t flow, const std::string& path, int fd);
  TrackedFile& track(uint32_t flow, const std::string& path, UniqueFd fd,
                     const FileIdentity& identity, uint64_t start);
  void handle_inotify(int result);
  void apply(const FileEvent& event);
  bool moved_is(const TrackedFile& file, const FileEvent& event) const;
  void check_file(TrackedFile& file);
  void truncated(TrackedFile& file, const struct stat& st);
  bool settled(TrackedFile& file);
  bool release_copies_of(const TrackedFile& original, uint64_t offset);
  void start_copy_at(TrackedFile& copy, const TrackedFile& original, uint64_t offset);
  bool read_rotated_copy(const TrackedFile& original, const FileIdentity& old_identity,
                         uint64_t offset);
  void detach(TrackedFile& file, const char* why);
  bool ensure_open(TrackedFile& file);
  void close_idle_descriptor(uint64_t except);
  void forget(TrackedFile& file);
  void housekeeping(uint64_t now);  // detached and settling files; at most every 50 ms
  void safety_rescan();
  void stat_poll();
  TrackedFile* find_by_path(uint32_t flow, const std::string& path);
  TrackedFile* find_by_inode(uint32_t flow, uint64_t device, uint64_t inode);
  void set_path(TrackedFile& file, const std::string& path);

  std::vector<TailFlow> flows_;
  Checkpoint committed_;  // where the flows' files were when each flow was added
  TailerOptions options_;
  BatchPool& pool_;
  BatchQueue& work_;
  TailerStats stats_;

  Uring ring_;
  DirectoryWatcher watcher_;
  UniqueFd control_;  // eventfd: wake / stop from other threads
  std::atomic<bool> stop_requested_{false};
  bool stopping_ = false;
  bool started_ = false;  // start() has listed and opened the files
  bool paused(uint32_t flow) const { return !reading(flow); }
  std::vector<char> inotify_buffer_;
  std::vector<FileEvent> events_;
  std::vector<std::optional<RegexMatcher>> start_patterns_;   // per flow: multiLineStartPattern
  std::vector<std::optional<RegexMatcher>> footer_patterns_;  // per flow: fileFooterPattern
  std::vector<RateLimit> truncation_warnings_;                // per flow: lines cut
  uint64_t control_value_ = 0;

  std::map<uint64_t, std::unique_ptr<TrackedFile>> files_;        // by file id
  std::map<std::pair<uint32_t, std::string>, uint64_t> by_path_;  // live files only
  std::map<std::tuple<uint32_t, uint64_t, uint64_t>, uint64_t> by_inode_;
  std::vector<size_t> open_descriptors_;  // per flow
  uint64_t next_file_id_ = 1;
  uint64_t last_served_id_ = 0;
  std::vector<std::unique_ptr<char[]>> free_buffers_;
  size_t reads_in_flight_ = 0;
  std::vector<std::unique_ptr<Batch>> open_batches_;            // per flow, may be null
  std::vector<uint64_t> next_sequence_;                         // per flow
  std::vector<uint32_t> flow_reads_in_flight_;                  // per flow
  std::vector<uint64_t> flow_bytes_in_flight_;                  // per flow: read lengths submitted
  std::vector<std::vector<SourcePosition>> pending_positions_;  // per flow, no records yet
  std::vector<FlowRun> run_;                                    // per flow
  std::mutex commands_mutex_;  // guards the two below, written by other threads
  std::vector<AddedFlow> added_;
  std::vector<FlowCommand> commands_;
  std::set<std::pair<uint32_t, std::string>> refused_links_;  // warned once (capped)
  uint64_t last_rescan_ = 0;
  uint64_t last_stat_poll_ = 0;
  uint64_t last_housekeeping_ = 0;
  bool files_need_care_ = false;  // some file is detached or settling: housekeeping is due
};

}  // namespace ferry
