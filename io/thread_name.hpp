// Names the calling thread for `top -H`, `ps -L`, /proc/<pid>/task/*/comm and `perf --sort comm`
// (Linux keeps 15 bytes of it: longer names are cut).
#pragma once

#include <pthread.h>

#include <string>
#include <string_view>

namespace ferry {

inline void name_this_thread(std::string_view name) {
  constexpr size_t kMaxBytes = 15;  // TASK_COMM_LEN - 1
  const std::string cut(name.substr(0, kMaxBytes));
  (void)pthread_setname_np(pthread_self(), cut.c_str());  // best effort: only a label
}

}  // namespace ferry
