// StatisticSet: the samples of one metric in one period as CloudWatch's StatisticValues carry
// them (sample count, sum, minimum, maximum), and SampleStats, a thread-safe set that writers add
// samples to and one reader takes period by period. Pure but for a mutex; any thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <utility>

namespace ferry {

struct StatisticSet {
  uint64_t sample_count = 0;  // 0: no sample (then sum, minimum and maximum are 0)
  double sum = 0;
  double minimum = 0;
  double maximum = 0;

  static StatisticSet of(double value) { return StatisticSet{1, value, value, value}; }
  bool empty() const { return sample_count == 0; }

  // One more sample.
  void add(double value) { merge(of(value)); }
  // The samples of `other` too (two flows that share a destination, two periods): counts and
  // sums add up, the extremes are kept, as the Java agent accumulates a metric's data.
  void merge(const StatisticSet& other) {
    if (other.empty()) return;
    if (empty()) {
      *this = other;
      return;
    }
    sample_count += other.sample_count;
    sum += other.sum;
    minimum = std::min(minimum, other.minimum);
    maximum = std::max(maximum, other.maximum);
  }
  bool operator==(const StatisticSet&) const = default;
};

class SampleStats {
 public:
  void observe(double value) {
    std::lock_guard lock(mutex_);
    set_.add(value);
  }
  // The samples observed since the last take (empty: none).
  StatisticSet take() {
    std::lock_guard lock(mutex_);
    return std::exchange(set_, StatisticSet{});
  }

 private:
  std::mutex mutex_;
  StatisticSet set_;
};

}  // namespace ferry
