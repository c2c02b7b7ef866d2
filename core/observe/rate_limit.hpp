// RateLimit: lets at most one event through per interval (a repeated warning: one log line),
// and counts the events held back in between. Pure; the caller supplies the time and, if several
// threads share one, the lock.
#pragma once

#include <cstdint>

namespace ferry {

class RateLimit {
 public:
  explicit RateLimit(uint64_t interval_millis) : interval_millis_(interval_millis) {}

  // Whether an event at `now_millis` (a steady clock) passes. The first one always does; when
  // one passes, `held_back` is how many did not since the last that passed.
  bool pass(uint64_t now_millis, uint64_t& held_back) {
    if (passed_any_ && now_millis - last_millis_ < interval_millis_) {
      ++held_back_;
      return false;
    }
    passed_any_ = true;
    last_millis_ = now_millis;
    held_back = held_back_;
    held_back_ = 0;
    return true;
  }

 private:
  const uint64_t interval_millis_;
  bool passed_any_ = false;
  uint64_t last_millis_ = 0;
  uint64_t held_back_ = 0;
};

}  // namespace ferry
