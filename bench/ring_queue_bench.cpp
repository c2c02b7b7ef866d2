// Micro benchmark: the hand-off between pipeline stages (io/ring_queue.hpp), items per second
// from one producer to one consumer (shipped -> shipper, alone) and to two consumers (the
// reactor -> the workers). The ring's capacity is the pipeline's for two workers and one flow.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <thread>
#include <vector>

#include "io/ring_queue.hpp"

namespace {

constexpr uint64_t kItems = 1 << 18;  // per iteration: the threads' start is a small part of it
constexpr size_t kCapacity = 24;      // 2 x 2 workers + 2 pooled batches, 2 end markers, 16

// A batch travels as a std::unique_ptr: a word moved in and out, like the uint64_t here (an
// allocation per item would measure the allocator instead).
void BM_RingQueueHandOff(benchmark::State& state) {
  const auto consumers = static_cast<int>(state.range(0));
  for (auto _ : state) {
    ferry::RingQueue<uint64_t> queue(kCapacity);
    std::vector<std::thread> threads;
    for (int c = 0; c < consumers; ++c)
      threads.emplace_back([&queue] {
        while (auto item = queue.pop()) benchmark::DoNotOptimize(*item);
      });
    for (uint64_t i = 0; i < kItems; ++i) {
      uint64_t item = i;
      queue.push(item);
    }
    queue.close();
    for (auto& t : threads) t.join();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kItems));
}
BENCHMARK(BM_RingQueueHandOff)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
