// Micro benchmarks: ZstdFrameCompressor::compress_frame on one 1 MiB batch of seed NDJSON at
// zstd levels 1, 3 and 9; and 2 MiB batches (an object flow's) with ferry's parameters against
// zstd's own for the level. Report input bytes/s and the compression ratio.
#include <benchmark/benchmark.h>
#include <zstd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

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

// Eight different 2 MiB batches, compressed in turn (one repeated batch would flatter the
// match tables' cache hits).
std::vector<std::string> object_batches() {
  ferry::bench::SeedRecords records(5);
  std::vector<std::string> batches;
  for (int i = 0; i < 8; ++i) batches.push_back(records.ndjson(2 << 20));
  return batches;
}

template <class Compress>
void run_batches(benchmark::State& state, Compress&& compress) {
  static const std::vector<std::string> batches = object_batches();
  size_t next = 0, input_bytes = 0, frame_bytes = 0;
  for (auto _ : state) {
    const std::string& batch = batches[next++ % batches.size()];
    frame_bytes += compress(batch);
    input_bytes += batch.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(input_bytes));
  state.counters["ratio"] = static_cast<double>(input_bytes) / static_cast<double>(frame_bytes);
}

void BM_CompressBatch2MiB(benchmark::State& state) {
  ferry::ZstdFrameCompressor compressor(static_cast<int>(state.range(0)));
  std::string out;
  run_batches(state, [&](const std::string& batch) {
    out.clear();
    compressor.compress_frame(batch, out);
    return out.size();
  });
}
BENCHMARK(BM_CompressBatch2MiB)->ArgName("level")->Arg(3)->Unit(benchmark::kMillisecond);

// The same frames with zstd's parameters for the level (ferry's before it set the chain log).
void BM_CompressBatch2MiBZstdOwnParameters(benchmark::State& state) {
  struct Free {
    void operator()(ZSTD_CCtx* ctx) const { ZSTD_freeCCtx(ctx); }
  };
  const std::unique_ptr<ZSTD_CCtx, Free> ctx(ZSTD_createCCtx());
  ZSTD_CCtx_setParameter(ctx.get(), ZSTD_c_compressionLevel, static_cast<int>(state.range(0)));
  ZSTD_CCtx_setParameter(ctx.get(), ZSTD_c_checksumFlag, 1);
  std::string out(ZSTD_compressBound(2 << 20), '\0');
  run_batches(state, [&](const std::string& batch) {
    const size_t n = ZSTD_compress2(ctx.get(), out.data(), out.size(), batch.data(), batch.size());
    if (ZSTD_isError(n)) std::abort();
    return n;
  });
}
BENCHMARK(BM_CompressBatch2MiBZstdOwnParameters)
    ->ArgName("level")
    ->Arg(3)
    ->Unit(benchmark::kMillisecond);

}  // namespace
