// libFuzzer target for LineFramer: any bytes, chunked at data-driven boundaries, must frame into
// contiguous records that reproduce the input exactly and never exceed the bound. The same bytes
// read the way the reactor reads into a batch (io/tail/tailer_reads.cpp) must leave exactly the
// records in the batch's InputBuffer, each followed by '\n', with no append overtaking the bytes
// not yet framed.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/assert.hpp"
#include "core/batch/input_buffer.hpp"
#include "core/tail/line_framer.hpp"

namespace {

struct Emitted {
  std::string record;
  uint64_t offset;
  uint64_t end;
  bool operator==(const Emitted&) const = default;
};

}  // namespace

// Input layout: [max selector][chunking seed x2][payload...].
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const size_t max = data[0] >= 0xF0 ? 4096 : 1 + data[0] % 40;
  uint32_t seed = (uint32_t{data[1]} << 8 | data[2]) + 1;
  const std::string_view payload(reinterpret_cast<const char*>(data + 3), size - 3);
  const uint64_t start = 1000;

  // Feed in chunks whose sizes follow the seed (0..63 bytes, empty reads included).
  ferry::LineFramer framer(start, max);
  std::vector<Emitted> emitted;
  uint64_t expected_offset = start;
  auto check = [&](std::string_view record, uint64_t offset, uint64_t end) {
    FERRY_ASSERT(offset == expected_offset);  // contiguous
    FERRY_ASSERT(record.size() <= max);
    FERRY_ASSERT(record.find('\n') == std::string_view::npos);
    const size_t at = offset - start;
    FERRY_ASSERT(payload.substr(at, record.size()) == record);
    if (end == offset + record.size() + 1) {
      FERRY_ASSERT(payload[at + record.size()] == '\n');
    } else {
      // A piece of an overlong line: exactly max bytes, and the line goes on past it.
      FERRY_ASSERT(end == offset + record.size());
      FERRY_ASSERT(record.size() == max);
      FERRY_ASSERT(at + max < payload.size() && payload[at + max] != '\n');
    }
    expected_offset = end;
    emitted.push_back({std::string(record), offset, end});
  };
  size_t pos = 0;
  while (pos < payload.size()) {
    seed = seed * 1103515245u + 12345u;
    const size_t chunk = std::min<size_t>((seed >> 16) % 64, payload.size() - pos);
    framer.feed(payload.substr(pos, chunk), check);
    pos += chunk;
    FERRY_ASSERT(framer.next_offset() == start + pos);
    FERRY_ASSERT(framer.committed_offset() + framer.pending_bytes() == framer.next_offset());
    FERRY_ASSERT(framer.pending_bytes() <= max);
  }

  // Records plus their newlines reproduce the input up to the committed offset, and what is
  // held holds no newline.
  std::string rebuilt;
  for (const Emitted& e : emitted) {
    rebuilt += e.record;
    if (e.end != e.offset + e.record.size()) rebuilt += '\n';
  }
  const uint64_t committed = framer.committed_offset();
  FERRY_ASSERT(committed == expected_offset);
  FERRY_ASSERT(rebuilt == payload.substr(0, committed - start));
  FERRY_ASSERT(payload.find('\n', committed - start) == std::string_view::npos);

  // The same bytes in one read frame identically: the split never depends on read sizes.
  ferry::LineFramer whole(start, max);
  std::vector<Emitted> at_once;
  whole.feed(payload, [&](std::string_view record, uint64_t offset, uint64_t end) {
    at_once.push_back({std::string(record), offset, end});
  });
  FERRY_ASSERT(at_once == emitted);
  FERRY_ASSERT(whole.pending_bytes() == framer.pending_bytes());

  // Into a batch: a read lands in the spare capacity behind room for the partial line, cut so
  // that no line in it can outgrow max; when that leaves too little, it goes through a buffer.
  // Records are appended as the tailer appends them: empty ones dropped, the rest with '\n'.
  ferry::InputBuffer batch;
  ferry::LineFramer direct(start, max);
  std::string expected;
  for (const Emitted& e : emitted) {
    if (!e.record.empty()) expected += e.record + "\n";
  }
  pos = 0;
  while (pos < payload.size()) {
    seed = seed * 1103515245u + 12345u;
    size_t chunk = std::min<size_t>((seed >> 16) % 64 + 1, payload.size() - pos);
    const size_t pending = direct.pending_bytes();
    const bool into_batch = max - pending >= std::min<size_t>(chunk, 8);
    const uint64_t read_offset = direct.next_offset();
    std::string copy;
    size_t landed = 0;
    std::string_view read;
    if (into_batch) {
      chunk = std::min(chunk, max - pending);
      batch.reserve(batch.size() + pending + chunk);
      char* const landing = batch.spare() + pending;
      std::memcpy(landing, payload.data() + pos, chunk);
      landed = static_cast<size_t>(landing - batch.data());
      read = std::string_view(landing, chunk);
    } else {
      copy.assign(payload.substr(pos, chunk));
      read = copy;
    }
    direct.feed(read, [&](std::string_view record, uint64_t offset, uint64_t end) {
      FERRY_ASSERT(!into_batch || end == offset + record.size() + 1);  // no piece in place
      if (!record.empty()) {
        batch.append(record);
        batch.push_back('\n');
      }
      FERRY_ASSERT(!into_batch || batch.size() <= landed + (end - read_offset));
    });
    pos += chunk;
  }
  FERRY_ASSERT(direct.committed_offset() == framer.committed_offset());
  FERRY_ASSERT(batch.view() == expected);
  return 0;
}
