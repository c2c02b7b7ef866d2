// The hand-off between pipeline stages: the lock-free ring (core/batch/bounded_ring.hpp) and the
// blocking queue on it (io/ring_queue.hpp). Header-only on purpose: tools/test builds this test
// alone under ThreadSanitizer (FERRY_TSAN).
#include "io/ring_queue.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <thread>
#include <vector>

namespace ferry {
namespace {

using namespace std::chrono_literals;
using Item = std::unique_ptr<uint64_t>;

constexpr auto kBlocked = 100ms;  // long enough to see that a call waits
constexpr auto kWakes = 10s;      // a call that should return does so well within this

Item item(uint64_t value) {
  return std::make_unique<uint64_t>(value);
}

TEST(BoundedRing, CapacityIsAPowerOfTwoAndFullLeavesTheItem) {
  BoundedRing<Item> ring(3);
  ASSERT_EQ(ring.capacity(), 4u);
  for (uint64_t i = 0; i < 4; ++i) {
    Item in = item(i);
    ASSERT_EQ(ring.try_push(in), BoundedRing<Item>::Push::pushed);
    EXPECT_EQ(in, nullptr);
  }
  Item extra = item(99);
  EXPECT_EQ(ring.try_push(extra), BoundedRing<Item>::Push::full);
  ASSERT_NE(extra, nullptr);
  EXPECT_EQ(*extra, 99u);
  for (uint64_t i = 0; i < 4; ++i) {
    auto out = ring.try_pop();
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(**out, i);
  }
  EXPECT_FALSE(ring.try_pop().has_value());
}

TEST(BoundedRing, ClosedRefusesPushesAndDrainsWhatItHolds) {
  BoundedRing<Item> ring(2);
  Item first = item(1);
  ASSERT_EQ(ring.try_push(first), BoundedRing<Item>::Push::pushed);
  ring.close();
  Item late = item(2);
  EXPECT_EQ(ring.try_push(late), BoundedRing<Item>::Push::closed);
  ASSERT_NE(late, nullptr);
  EXPECT_EQ(*late, 2u);
  EXPECT_TRUE(ring.closed());
  EXPECT_FALSE(ring.drained());
  auto out = ring.try_pop();
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(**out, 1u);
  EXPECT_TRUE(ring.drained());
}

TEST(RingQueue, FifoOverManyLaps) {
  RingQueue<Item> queue(4);
  std::thread producer([&] {
    for (uint64_t i = 0; i < 10000; ++i) {
      Item in = item(i);
      ASSERT_TRUE(queue.push(in));
    }
    queue.close();
  });
  uint64_t expected = 0;
  while (auto out = queue.pop()) EXPECT_EQ(**out, expected++);
  producer.join();
  EXPECT_EQ(expected, 10000u);
  EXPECT_TRUE(queue.drained());
}

TEST(RingQueue, PushBlocksWhileFullAndResumesAfterAPop) {
  RingQueue<Item> queue(2);
  for (uint64_t i = 0; i < 2; ++i) {
    Item in = item(i);
    ASSERT_TRUE(queue.push(in));
  }
  auto pushed = std::async(std::launch::async, [&] {
    Item in = item(2);
    return queue.push(in);
  });
  ASSERT_EQ(pushed.wait_for(kBlocked), std::future_status::timeout);  // full: it waits
  auto out = queue.pop();
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(**out, 0u);
  ASSERT_EQ(pushed.wait_for(kWakes), std::future_status::ready);
  EXPECT_TRUE(pushed.get());
  for (uint64_t expected : {1u, 2u}) {
    auto next = queue.pop_for(0ms);
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ(**next, expected);
  }
}

TEST(RingQueue, PushAfterCloseReturnsFalseAndKeepsTheItem) {
  RingQueue<Item> queue(4);
  Item kept = item(1);
  ASSERT_TRUE(queue.push(kept));
  queue.close();
  Item refused = item(7);
  EXPECT_FALSE(queue.push(refused));
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(*refused, 7u);
  EXPECT_FALSE(queue.drained());
  auto out = queue.pop();  // what was pushed before close still comes out
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(**out, 1u);
  EXPECT_FALSE(queue.pop().has_value());
  EXPECT_FALSE(queue.pop_for(1s).has_value());  // drained: no wait
  EXPECT_TRUE(queue.drained());
}

TEST(RingQueue, CloseWakesBlockedPoppers) {
  RingQueue<Item> queue(4);
  std::vector<std::future<bool>> poppers;
  for (int i = 0; i < 3; ++i)
    poppers.push_back(std::async(std::launch::async, [&] { return queue.pop().has_value(); }));
  auto timed = std::async(std::launch::async, [&] { return queue.pop_for(1h).has_value(); });
  ASSERT_EQ(timed.wait_for(kBlocked), std::future_status::timeout);
  queue.close();
  for (auto& popper : poppers) {
    ASSERT_EQ(popper.wait_for(kWakes), std::future_status::ready);
    EXPECT_FALSE(popper.get());
  }
  ASSERT_EQ(timed.wait_for(kWakes), std::future_status::ready);
  EXPECT_FALSE(timed.get());
}

TEST(RingQueue, CloseWakesBlockedPushersWithTheirItems) {
  RingQueue<Item> queue(1);
  ASSERT_EQ(queue.capacity(), 2u);  // the smallest ring
  for (uint64_t i = 0; i < 2; ++i) {
    Item in = item(i);
    ASSERT_TRUE(queue.push(in));
  }
  std::vector<std::future<Item>> pushers;
  for (uint64_t i = 2; i <= 4; ++i)
    pushers.push_back(std::async(std::launch::async, [&queue, i] {
      Item in = item(i);
      EXPECT_FALSE(queue.push(in));
      return in;
    }));
  ASSERT_EQ(pushers[0].wait_for(kBlocked), std::future_status::timeout);
  queue.close();
  for (uint64_t i = 2; i <= 4; ++i) {
    ASSERT_EQ(pushers[i - 2].wait_for(kWakes), std::future_status::ready);
    Item back = pushers[i - 2].get();
    ASSERT_NE(back, nullptr);
    EXPECT_EQ(*back, i);
  }
  for (uint64_t expected = 0; expected < 2; ++expected) {
    auto out = queue.pop();
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(**out, expected);
  }
  EXPECT_TRUE(queue.drained());
}

TEST(RingQueue, PopForTimesOutWhenEmptyAndReturnsAnItemPushedMeanwhile) {
  RingQueue<Item> queue(4);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(queue.pop_for(50ms).has_value());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 50ms);
  EXPECT_FALSE(queue.drained());

  std::thread producer([&] {
    std::this_thread::sleep_for(20ms);
    Item in = item(5);
    ASSERT_TRUE(queue.push(in));
  });
  auto out = queue.pop_for(kWakes);
  producer.join();
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(**out, 5u);
}

// The shipper waits for batches in pop_for(); a stream call answered on another thread wakes it
// to send the calls that waited for a thread.
TEST(RingQueue, WakeEndsAPopForOnceAndLeavesPopAndItemsAlone) {
  RingQueue<Item> queue(4);
  std::thread waker([&] {
    std::this_thread::sleep_for(20ms);
    queue.wake();
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(queue.pop_for(kWakes).has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - start, kWakes);
  waker.join();
  EXPECT_FALSE(queue.drained());

  // Once: the next pop_for waits its time again.
  const auto again = std::chrono::steady_clock::now();
  EXPECT_FALSE(queue.pop_for(50ms).has_value());
  EXPECT_GE(std::chrono::steady_clock::now() - again, 50ms);

  // A wake before the call ends the next one; an item there comes first, and pop() only
  // ever returns items.
  Item in = item(7);
  ASSERT_TRUE(queue.push(in));
  queue.wake();
  auto out = queue.pop_for(kWakes);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(**out, 7u);
  EXPECT_FALSE(queue.pop_for(kWakes).has_value());  // the wake, still pending
  in = item(8);
  ASSERT_TRUE(queue.push(in));
  queue.wake();
  out = queue.pop();
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(**out, 8u);
}

// Every item comes out exactly once, and each consumer sees each producer's items in the order
// they were pushed. A small ring keeps producers and consumers waiting on each other.
TEST(RingQueue, ManyProducersManyConsumers) {
  constexpr uint64_t kProducers = 4, kConsumers = 4, kPerProducer = 200000;
  RingQueue<uint64_t> queue(64);
  std::vector<std::thread> producers;
  for (uint64_t p = 0; p < kProducers; ++p)
    producers.emplace_back([&queue, p] {
      for (uint64_t i = 0; i < kPerProducer; ++i) {
        uint64_t value = p << 32 | i;
        ASSERT_TRUE(queue.push(value));
      }
    });
  std::vector<std::vector<uint64_t>> seen(kConsumers);
  std::vector<char> in_order(kConsumers, true);
  std::vector<std::thread> consumers;
  for (uint64_t c = 0; c < kConsumers; ++c)
    consumers.emplace_back([&queue, &mine = seen[c], &in_order = in_order[c]] {
      std::vector<int64_t> last(kProducers, -1);
      while (auto value = queue.pop()) {  // drains whatever it sees, so no producer hangs
        const uint64_t producer = *value >> 32;
        const auto index = static_cast<int64_t>(*value & 0xffffffffu);
        if (producer >= kProducers) continue;
        in_order = in_order && index > last[producer];
        last[producer] = index;
        mine.push_back(*value);
      }
    });
  for (auto& t : producers) t.join();
  queue.close();
  for (auto& t : consumers) t.join();

  std::vector<std::vector<uint8_t>> count(kProducers, std::vector<uint8_t>(kPerProducer, 0));
  size_t total = 0;
  for (const auto& mine : seen) {
    total += mine.size();
    for (const uint64_t value : mine) ++count[value >> 32][value & 0xffffffffu];
  }
  EXPECT_EQ(total, kProducers * kPerProducer);
  for (uint64_t c = 0; c < kConsumers; ++c) EXPECT_TRUE(in_order[c]) << "consumer " << c;
  for (uint64_t p = 0; p < kProducers; ++p)
    for (uint64_t i = 0; i < kPerProducer; ++i)
      ASSERT_EQ(count[p][i], 1) << "producer " << p << " item " << i;
  EXPECT_TRUE(queue.drained());
}

}  // namespace
}  // namespace ferry
