// The batch pool's bounds: the whole pool, and the reserve a flow with batches out may not take.
#include "core/batch/batch_pool.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace ferry {
namespace {

std::vector<std::unique_ptr<Batch>> take_all(BatchPool& pool, uint32_t flow) {
  std::vector<std::unique_ptr<Batch>> taken;
  while (auto batch = pool.try_acquire(flow)) taken.push_back(std::move(batch));
  return taken;
}

TEST(BatchPool, OneFlowTakesEveryBatch) {
  BatchPool pool(6, 1024);
  pool.set_flow_count(1);
  auto taken = take_all(pool, 0);
  EXPECT_EQ(taken.size(), 6u);
  EXPECT_EQ(taken.front()->flow, 0u);
  EXPECT_GE(taken.front()->input.capacity(), 1024u);
  EXPECT_EQ(pool.available(), 0u);
}

TEST(BatchPool, AFlowThatTookAllItMayLeavesTheReserveToTheOthers) {
  // Flow 0's batches wait in the shipper (its destination stalls): the other flows each get one.
  BatchPool pool(6, 1024);
  pool.set_flow_count(3);
  EXPECT_EQ(pool.total(), 8u);  // the reserve comes on top: flow 0 alone keeps its six
  auto stalled = take_all(pool, 0);
  EXPECT_EQ(stalled.size(), 6u);
  auto first = pool.try_acquire(1);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->flow, 1u);
  EXPECT_EQ(pool.try_acquire(1), nullptr);  // flow 1 has one out: the last is flow 2's
  auto second = pool.try_acquire(2);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(pool.try_acquire(2), nullptr);
  // Flow 1's batch comes back: it may take one again, flow 0 may not.
  pool.release(std::move(first));
  EXPECT_EQ(pool.try_acquire(0), nullptr);
  EXPECT_NE(pool.try_acquire(1), nullptr);
}

TEST(BatchPool, AReleasedBatchIsEmptyAndCountedBackToItsFlow) {
  BatchPool pool(2, 1024);
  pool.set_flow_count(2);
  auto a = pool.try_acquire(0);
  ASSERT_NE(a, nullptr);
  a->input.append("abc");
  a->sequence = 7;
  EXPECT_NE(pool.try_acquire(0), nullptr);
  EXPECT_EQ(pool.try_acquire(0), nullptr);  // the third is flow 1's
  pool.release(std::move(a));
  auto again = pool.try_acquire(0);  // flow 0 has one out, and two are free again
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(again->input.empty());
  EXPECT_EQ(again->sequence, 0u);
}

TEST(BatchPool, TheReserveIsAtMostHalfThePoolAndNeverShrinks) {
  BatchPool pool(6, 1024);
  pool.set_flow_count(100);
  EXPECT_EQ(pool.total(), 9u);
  EXPECT_EQ(pool.max_total(), 9u);
  pool.set_flow_count(2);  // flows that ended keep their place
  EXPECT_EQ(pool.total(), 9u);
  EXPECT_EQ(take_all(pool, 0).size(), 6u);
}

TEST(BatchPool, AWaitingReaderIsToldOfEachRelease) {
  BatchPool pool(1, 1024);
  int released = 0;
  pool.set_on_release([&] { ++released; });
  auto batch = pool.try_acquire(0);
  ASSERT_NE(batch, nullptr);
  EXPECT_EQ(pool.try_acquire(0), nullptr);
  pool.release(std::move(batch));
  EXPECT_EQ(released, 1);
  EXPECT_EQ(pool.available(), 1u);
}

}  // namespace
}  // namespace ferry
