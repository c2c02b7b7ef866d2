// Reads the affinity mask and the cgroup CPU quotas (see the header).
#include "io/cpu_budget_probe.hpp"

#include <sched.h>

#include <algorithm>
#include <string>
#include <thread>

#include "core/cpu_budget.hpp"
#include "io/small_file.hpp"

namespace ferry {

namespace {

constexpr size_t kMaxCgroupFileBytes = size_t{64} << 10;
constexpr int kMaxAncestors = 64;  // a path deeper than this is not looked at past it

unsigned allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());  // more CPUs than cpu_set_t holds
}

std::optional<std::string> read_or_nothing(const std::string& path) {
  auto read = read_small_file(path, kMaxCgroupFileBytes);
  if (!read.ok() || !*read) return std::nullopt;
  return std::move(**read);
}

std::optional<double> tighter(std::optional<double> a, std::optional<double> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

// Calls `limit_at(directory)` for `root` + `path` and each directory above it up to `root`,
// and returns the tightest limit found.
template <class LimitAt>
std::optional<double> tightest_up_from(const std::string& root, std::string path,
                                       const LimitAt& limit_at) {
  std::optional<double> limit;
  for (int depth = 0; depth < kMaxAncestors; ++depth) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    limit = tighter(limit, limit_at(path == "/" ? root : root + path));
    if (path == "/") break;
    path.resize(std::max<size_t>(1, path.rfind('/')));
  }
  return limit;
}

// The tighter of the v2 quota and the v1 one: a hybrid host lists both hierarchies, and the
// cpu controller is in one of them.
std::optional<double> cgroup_limit(const std::string& proc_self_cgroup) {
  std::optional<double> limit;
  if (const auto path = cgroup_path(proc_self_cgroup, "")) {
    limit = tightest_up_from("/sys/fs/cgroup", *path, [](const std::string& dir) {
      const auto cpu_max = read_or_nothing(dir + "/cpu.max");
      return cpu_max ? cgroup2_cpu_limit(*cpu_max) : std::nullopt;
    });
  }
  if (const auto path = cgroup_path(proc_self_cgroup, "cpu")) {
    for (const char* root : {"/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup/cpu"}) {
      limit = tighter(limit, tightest_up_from(root, *path, [](const std::string& dir) {
                        const auto quota = read_or_nothing(dir + "/cpu.cfs_quota_us");
                        const auto period = read_or_nothing(dir + "/cpu.cfs_period_us");
                        return quota && period ? cgroup1_cpu_limit(*quota, *period) : std::nullopt;
                      }));
    }
  }
  return limit;
}

}  // namespace

CpuBudget probe_cpu_budget() {
  CpuBudget budget;
  budget.allowed = allowed_cpus();
  if (const auto cgroups = read_or_nothing("/proc/self/cgroup"))
    budget.limit = cgroup_limit(*cgroups);
  budget.available = available_cpus(budget.allowed, budget.limit);
  return budget;
}

}  // namespace ferry
