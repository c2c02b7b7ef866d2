// The reactor's reads: io_uring reads submitted round robin over the readable files, their
// bytes framed into records of the flow's open batch with exact source positions.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/assert.hpp"
#include "core/observe/log.hpp"
#include "core/tail/line_patterns.hpp"
#include "core/text.hpp"
#include "io/steady_clock.hpp"
#include "io/tail/file_probe.hpp"
#include "io/tail/tailer.hpp"
#include "io/tail/tailer_tracked_file.hpp"

namespace ferry {

void Tailer::pump_reads() {
  if (stopping_ || files_.empty()) return;
  // Round robin from the file after the last one served, so busy files cannot starve others.
  auto start = files_.upper_bound(last_served_id_);
  const size_t count = files_.size();
  for (size_t visited = 0; visited < count; ++visited, ++start) {
    if (start == files_.end()) start = files_.begin();
    TrackedFile& file = *start->second;
    if (file.in_flight || !file.readable || file.done || file.copy_of != 0) continue;
    if (paused(file.flow)) continue;  // held, ending, or its destination failed
    // A flow whose reads land in its batch reads one file at a time: the next read lands where
    // the records of this one end.
    if (reads_into_batch(file.flow) && flow_reads_in_flight_[file.flow] > 0) continue;
    Batch* batch = current_batch(file.flow);
    if (batch == nullptr) continue;  // no batch for this flow: backpressure
    // Reads in flight land in this batch too: together they stay within twice the batch size,
    // so a pooled batch's buffer never grows past what it reserved.
    const uint64_t committed = batch->input.size() + flow_bytes_in_flight_[file.flow];
    const size_t batch_bytes = flows_[file.flow].batch_bytes;
    if (committed >= batch_bytes) continue;  // full: dispatched once its reads land
    if (!reads_into_batch(file.flow) && free_buffers_.empty()) continue;
    if (!ensure_open(file)) continue;  // gone meanwhile (forgotten on the next event or poll)
    if (file.settle_until != 0 && !settled(file)) continue;
    uint64_t length = std::min<uint64_t>(options_.read_bytes, 2 * batch_bytes - committed);
    if (options_.once) length = std::min(length, file.target - file.framer.next_offset());
    FERRY_ASSERT(length > 0);
    char* destination = direct_destination(file, *batch, length);
    if (destination == nullptr) {
      if (free_buffers_.empty()) continue;
      file.buffer = std::move(free_buffers_.back());
      free_buffers_.pop_back();
      destination = file.buffer.get();
      ++stats_.reads_through_buffers;
    } else {
      ++stats_.reads_into_batches;
    }
    file.in_flight = true;
    file.modified_since_submit = false;
    file.read_offset = file.framer.next_offset();
    file.read_length = static_cast<unsigned>(length);
    ring_.prep_read(file.fd.get(), destination, file.read_length, file.read_offset,
                    read_tag(file.id));
    ++reads_in_flight_;
    ++flow_reads_in_flight_[file.flow];
    flow_bytes_in_flight_[file.flow] += file.read_length;
    last_served_id_ = file.id;
  }
}

// A read lands in the batch when its flow joins no lines (multiLineStartPattern copies them)
// and it can be cut short enough that no line in it outgrows max_record_bytes: then no record
// is longer than the bytes it was read from (plus the file's partial line, for which room is
// left in front), so appending the records in place, or moving them down over the lines that
// are dropped, never overtakes the bytes still to be framed. Null: through a read buffer.
char* Tailer::direct_destination(TrackedFile& file, Batch& batch, uint64_t& length) {
  if (!reads_into_batch(file.flow)) return nullptr;
  FERRY_ASSERT(flow_reads_in_flight_[file.flow] == 0);
  const uint64_t pending = file.framer.pending_bytes();
  const uint64_t max = flows_[file.flow].max_record_bytes;
  FERRY_ASSERT(pending <= max);
  // Within what the batch reserved (it grows only for a partial line that does not fit).
  const uint64_t reserved =
      std::max<uint64_t>(batch.input.capacity(), 2 * flows_[file.flow].batch_bytes);
  const uint64_t room =
      reserved > batch.input.size() + pending ? reserved - batch.input.size() - pending : 0;
  const uint64_t fits = std::min({length, max - pending, room});
  if (fits < std::min<uint64_t>(length, kMinDirectReadBytes)) return nullptr;
  length = fits;
  batch.input.reserve(batch.input.size() + pending + length);  // no read is in flight into it
  file.direct_at = batch.input.size();
  file.direct_pending = pending;
  return batch.input.spare() + pending;
}

void Tailer::handle_read(uint64_t file_id, int result) {
  auto it = files_.find(file_id);
  FERRY_ASSERT(it != files_.end());
  TrackedFile& file = *it->second;
  FERRY_ASSERT(file.in_flight);
  file.in_flight = false;
  file.last_active = steady_millis();
  --reads_in_flight_;
  FERRY_ASSERT(flow_reads_in_flight_[file.flow] > 0);
  --flow_reads_in_flight_[file.flow];
  flow_bytes_in_flight_[file.flow] -= file.read_length;
  std::unique_ptr<char[]> buffer = std::move(file.buffer);
  const uint32_t flow = file.flow;
  if (buffer) {
    consume_read(file, result, buffer.get(), false);  // may forget the file
    free_buffers_.push_back(std::move(buffer));
  } else {
    // Landed in the batch, behind its records and the room left for the partial line.
    Batch& batch = *open_batches_[flow];
    FERRY_ASSERT(batch.input.size() == file.direct_at &&
                 file.framer.pending_bytes() == file.direct_pending);
    consume_read(file, result, batch.input.spare() + file.direct_pending, true);
  }
  // A full batch may have been waiting for this read to land.
  const auto& batch = open_batches_[flow];
  if (batch && batch->input.size() >= flows_[flow].batch_bytes) dispatch(flow);
}

size_t Tailer::source_index(Batch& batch, const TrackedFile& file) {
  for (size_t i = batch.positions.size(); i-- > 0;)
    if (batch.positions[i].identity.same_inode(file.identity)) return i;
  batch.positions.push_back(SourcePosition{file.path, file.identity, 0});
  return batch.positions.size() - 1;
}

void Tailer::add_record(TrackedFile& file, Batch& batch, size_t source, std::string_view record,
                        uint64_t offset, bool piece) {
  ++stats_.records;
  if (file.skip_lines > 0 && !piece) {  // skipHeaderLines: a header line is no record
    --file.skip_lines;
    return;
  }
  const TailFlow& flow = flows_[file.flow];
  if (file.after_footer) {  // fileFooterPattern: the file's records have ended
    if (!piece && flow.records_dropped != nullptr) flow.records_dropped->add();
    return;
  }
  if (auto& footer = footer_patterns_[file.flow];
      footer && !piece && is_file_footer(*footer, record)) {
    flush_joined(file, batch, source);  // the record before the footer is complete
    file.after_footer = true;
    if (flow.records_dropped != nullptr) flow.records_dropped->add();
    FERRY_INFO(cat("tail: flow ", flow.name, ": ", file.path, ": footer at offset ", offset,
                   " (fileFooterPattern); what follows in this file is not shipped"));
    return;
  }
  const auto& terminator = flow.truncated_record_terminator;
  std::string_view suffix;
  if (terminator) {
    // The Kinesis Agent's truncation: the first max bytes (terminator included) of a long line
    // make its one record; the rest of the line is dropped.
    if (file.cutting_line) {
      if (!piece) file.cutting_line = false;  // the line's last part: its newline ends the cut
      return;
    }
    if (piece) {
      file.cutting_line = true;
      suffix = *terminator;
      record = record.substr(0, record.size() - std::min(record.size(), suffix.size()));
      line_truncated(file, offset);
    }
  }
  if (start_patterns_[file.flow]) {
    if (!piece && suffix.empty()) {
      join_line(file, batch, source, record, offset);
      return;
    }
    flush_joined(file, batch, source);  // a piece of a long line is a record of its own
  }
  append_record(batch, source, record, suffix, offset, piece);
}

void Tailer::line_truncated(const TrackedFile& file, uint64_t offset) {
  const TailFlow& flow = flows_[file.flow];
  if (flow.records_truncated != nullptr) flow.records_truncated->add();
  uint64_t held_back = 0;
  if (!truncation_warnings_[file.flow].pass(steady_millis(), held_back)) return;
  FERRY_WARN(cat("tail: flow ", flow.name, ": ", file.path, ": the line at offset ", offset,
                 " is longer than ", flow.max_record_bytes,
                 " bytes; shipped truncated to that, the rest of the line dropped "
                 "(truncatedRecordTerminator)",
                 held_back > 0 ? cat("; ", held_back, " more since the last such line") : ""));
}

void Tailer::join_line(TrackedFile& file, Batch& batch, size_t source, std::string_view line,
                       uint64_t offset) {
  // multiLineStartPattern (the Kinesis Agent's RegexSplitter): a line it matches at its start
  // begins a record, and so does the first line when no record is open; the lines after it
  // that do not match are joined to it with the flow's joiner.
  const TailFlow& flow = flows_[file.flow];
  const bool starts = starts_record(*start_patterns_[file.flow], line);
  if (starts || !file.joining ||
      file.joined.size() + flow.multi_line_joiner.size() + line.size() > flow.max_record_bytes) {
    flush_joined(file, batch, source);
    file.joining = true;
    file.joined_offset = offset;
    file.joined.assign(line);
    return;
  }
  file.joined.append(flow.multi_line_joiner);
  file.joined.append(line);
}

void Tailer::flush_joined(TrackedFile& file, Batch& batch, size_t source) {
  if (!file.joining) return;
  append_record(batch, source, file.joined, {}, file.joined_offset, false);
  file.joining = false;
  file.joined.clear();
}

void Tailer::append_record(Batch& batch, size_t source, std::string_view record,
                           std::string_view suffix, uint64_t offset, bool piece) {
  if (record.empty() && suffix.empty()) return;  // an empty line carries no record
  const uint64_t length = record.size() + suffix.size();
  FERRY_ASSERT(batch.input.size() + length < (uint64_t{1} << 32));
  batch.records.push_back(RecordRef{static_cast<uint32_t>(batch.input.size()),
                                    static_cast<uint32_t>(length), static_cast<uint32_t>(source),
                                    piece, offset});
  batch.input.append(record);
  batch.input.append(suffix);
  batch.input.push_back('\n');
}

void Tailer::set_position(Batch& batch, size_t source, const TrackedFile& file) {
  SourcePosition& position = batch.positions[source];
  position.path = file.path;
  position.identity = file.identity;
  // A record still being joined is not shipped: reading resumes at its first line.
  position.end_offset = file.joining ? file.joined_offset : file.framer.committed_offset();
}

void Tailer::consume_read(TrackedFile& file, int result, const char* data, bool direct) {
  const uint64_t now = steady_millis();
  if (result < 0) {
    if (result == -EINTR || result == -EAGAIN) {
      file.readable = true;
    } else {
      FERRY_ERROR(cat("tail: read ", file.path, " at ", file.read_offset, ": ",
                      std::strerror(-result), "; letting the file go"));
      detach(file, nullptr);
      file.readable = false;
      file.done = true;
      file.idle_since = 0;
    }
    return;
  }
  if (result == 0) {
    file.readable = file.modified_since_submit;
    if (options_.once) {
      file.done = true;
      (void)flush_partial_line(file, /*joined_only=*/true);  // as at the target, below
    }
    file.idle_since = now;
    check_file(file);  // at the end: truncated (copytruncate), or replaced?
    return;
  }

  const auto bytes = static_cast<uint64_t>(result);
  stats_.bytes_read += bytes;
  Batch* batch = open_batches_[file.flow].get();
  FERRY_ASSERT(batch != nullptr);  // acquired before the read was submitted
  if (batch->first_record_millis == 0) batch->first_record_millis = now;
  if (file.read_offset < kFingerprintBytes && file.identity.fingerprint_bytes < kFingerprintBytes &&
      file.read_offset + bytes > file.identity.fingerprint_bytes) {
    struct stat st {};
    if (::fstat(file.fd.get(), &st) == 0) file.identity = identify(file.fd.get(), st);
  }

  const size_t source = source_index(*batch, file);
  // Read into the batch: where the bytes landed, as an index (a copy read leaves it unused).
  const size_t landed = direct ? static_cast<size_t>(data - batch->input.data()) : 0;
  file.framer.feed(std::string_view(data, bytes), [&](std::string_view record, uint64_t offset,
                                                      uint64_t end_offset) {
    add_record(file, *batch, source, record, offset, end_offset == offset + record.size());
    // The records appended never reach past the bytes framed so far.
    FERRY_ASSERT(!direct || batch->input.size() <= landed + (end_offset - file.read_offset));
  });
  set_position(*batch, source, file);

  file.readable = bytes == file.read_length || file.modified_since_submit;
  if (!file.readable) file.idle_since = now;
  if (options_.once && file.framer.next_offset() >= file.target) {
    file.done = true;
    // --once ships what the file held: its last multi-line record is complete (as the Kinesis
    // Agent's splitter at the end of the data); a last line without newline still waits.
    if (file.joining) {
      flush_joined(file, *batch, source);
      set_position(*batch, source, file);
    }
  }
}

bool Tailer::flush_partial_line(TrackedFile& file, bool joined_only) {
  if ((joined_only || file.framer.pending_bytes() == 0) && !file.joining) return true;
  if (flow_reads_in_flight_[file.flow] > 0) return false;  // would race the batch's reads
  Batch* batch = current_batch(file.flow);
  if (batch == nullptr) return false;  // no batch for this flow: try again on the next turn
  if (batch->first_record_millis == 0) batch->first_record_millis = steady_millis();
  const size_t source = source_index(*batch, file);
  if (!joined_only) {
    if (file.framer.pending_bytes() > 0) {
      FERRY_INFO(cat("tail: ", file.path, ": shipping its last ", file.framer.pending_bytes(),
                     " bytes, which have no newline (the file was rotated away or deleted)"));
    }
    file.framer.flush([&](std::string_view record, uint64_t offset, uint64_t) {
      add_record(file, *batch, source, record, offset, /*piece=*/false);
    });
  }
  flush_joined(file, *batch, source);
  set_position(*batch, source, file);
  return true;
}

}  // namespace ferry
