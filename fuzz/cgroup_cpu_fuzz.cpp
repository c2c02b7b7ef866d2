// libFuzzer target for core/cpu_budget: /proc/self/cgroup, cpu.max and cpu.cfs_* are read from
// the environment. Every reading must return without crashing; a limit is positive and finite,
// a path is absolute, within the input and free of "." and ".." parts.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/cpu_budget.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto check_limit = [](std::optional<double> limit) {
    if (limit && !(std::isfinite(*limit) && *limit > 0)) std::abort();
    if (ferry::available_cpus(4, limit) < 1 || ferry::available_cpus(4, limit) > 4) std::abort();
  };
  check_limit(ferry::cgroup2_cpu_limit(text));
  const size_t half = size / 2;
  check_limit(ferry::cgroup1_cpu_limit(text.substr(0, half), text.substr(half)));
  for (const std::string_view controller : {std::string_view(), std::string_view("cpu")}) {
    const auto path = ferry::cgroup_path(text, controller);
    if (!path) continue;
    if (path->empty() || path->front() != '/' || path->size() > size) std::abort();
    if (path->find("/../") != std::string::npos || path->find("/./") != std::string::npos)
      std::abort();
    if (path->ends_with("/..") || path->ends_with("/.")) std::abort();
  }
  return 0;
}
