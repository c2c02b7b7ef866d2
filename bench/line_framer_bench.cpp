// Micro benchmark: LineFramer::feed splitting 1 MiB reads of ~400-byte seed records into lines.
// Reports bytes/s (SetBytesProcessed) and lines/s (SetItemsProcessed).
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bench/seed_records.hpp"
#include "core/tail/line_framer.hpp"

namespace {

constexpr size_t kReadBytes = 1 << 20;       // the tailer's read size
constexpr size_t kCorpusBytes = 16 << 20;    // cycled through, so reads cut lines at varied spots
constexpr size_t kMaxRecordBytes = 1 << 20;  // the default maxRecordBytes

void BM_LineFramerFeed1MiB(benchmark::State& state) {
  std::string corpus = ferry::bench::SeedRecords(1).ndjson(kCorpusBytes);
  corpus.resize(kCorpusBytes);  // cut mid-line: the wrap-around joins two partial lines
  ferry::LineFramer framer(0, kMaxRecordBytes);
  size_t at = 0;
  int64_t lines = 0;
  uint64_t checksum = 0;
  for (auto _ : state) {
    framer.feed(std::string_view(corpus).substr(at, kReadBytes),
                [&](std::string_view record, uint64_t offset, uint64_t end_offset) {
                  ++lines;
                  checksum += record.size() + (end_offset - offset);
                });
    at = (at + kReadBytes) % kCorpusBytes;
  }
  benchmark::DoNotOptimize(checksum);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * kReadBytes);
  state.SetItemsProcessed(lines);
}
BENCHMARK(BM_LineFramerFeed1MiB);

}  // namespace
