// The CPUs this process may use (core/cpu_budget): the count of its affinity mask, lowered to
// the tightest CPU quota of its cgroup and of every cgroup above it (cgroup v2 cpu.max, or v1
// cpu.cfs_quota_us / cpu.cfs_period_us), found through /proc/self/cgroup under /sys/fs/cgroup.
// A file that is missing, unreadable or not what the kernel writes counts as no limit. Any
// thread; a few small reads.
#pragma once

#include "core/cpu_budget.hpp"

namespace ferry {

CpuBudget probe_cpu_budget();

}  // namespace ferry
