// Micro benchmark: ZstdFrameCompressor::compress_frame on one 1 MiB batch of seed NDJSON at
// zstd levels 1, 3 and 9. Reports input bytes/s and the compression ratio.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "bench/seed_records.hpp"
#include "core/batch/compressor.hpp"

namespace {

constexpr size_t kBatchBytes = 1 << 20;  // a stream flow's batch (an object flow's is 2 MiB)

void BM_CompressFrame1MiB(benchmark::State& state) {
  const int level = static_cast<int>(state.range(0));
  std::string input = ferry::bench::SeedRecords(3).ndjson(kBatchBytes);
  ferry::ZstdFrameCompressor compressor(level);
  std::string out;
  size_t frame_bytes = 0;
  for (auto _ : state) {
    out.clear();
    compressor.compress_frame(input, out);
    frame_bytes = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * input.size()));
  state.counters["ratio"] = static_cast<double>(input.size()) / static_cast<double>(frame_bytes);
  state.counters["frame_KiB"] = static_cast<double>(frame_bytes) / 1024.0;
}
BENCHMARK(BM_CompressFrame1MiB)
    ->ArgName("level")
    ->Arg(1)
    ->Arg(3)
    ->Arg(9)
    ->Unit(benchmark::kMillisecond);

}  // namespace
