// How many CPUs ferry may use, counted the way a container-aware JVM's availableProcessors()
// counts them (the Kinesis Agent sizes its sending threads by it): the CPUs the process may run
// on, lowered to its cgroup's CPU quota rounded up. This is the parsing of what the kernel's
// files say (io/cpu_budget_probe reads them); a text that is not what the kernel writes counts
// as no limit.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ferry {

// cgroup v2 `cpu.max`: "max <period>" (no limit) or "<quota> <period>", in microseconds. The
// limit in CPUs, or nullopt when there is none.
std::optional<double> cgroup2_cpu_limit(std::string_view cpu_max);

// cgroup v1 `cpu.cfs_quota_us` ("-1": no limit) and `cpu.cfs_period_us`.
std::optional<double> cgroup1_cpu_limit(std::string_view quota, std::string_view period);

// The process's cgroup, from /proc/self/cgroup: the v2 line "0::/path" when `controller` is
// empty, else the v1 line whose controller list names it ("4:cpu,cpuacct:/path"). nullopt when
// there is no such line or its path is not an absolute, normal one (no "." or ".." parts).
std::optional<std::string> cgroup_path(std::string_view proc_self_cgroup,
                                       std::string_view controller);

struct CpuBudget {
  unsigned allowed = 1;         // CPUs in the affinity mask
  std::optional<double> limit;  // the cgroup quota in CPUs, if any
  unsigned available = 1;       // available_cpus(allowed, limit)
};

// For the start-up line: "2 CPUs" or "8 CPUs, cgroup quota 1.50: 2".
std::string describe_cpu_budget(const CpuBudget& budget);

// The CPUs to size thread pools by: `allowed` (the affinity mask's count, at least 1) lowered to
// `limit` rounded up, never below 1.
unsigned available_cpus(unsigned allowed, std::optional<double> limit);

// Compression workers when --workers is not given: one per available CPU, at most this many.
// Each worker holds about 13 MB in a backlog (its batches, zstd context and buffers), and four
// already compress faster than most disks read (docs/operations.md, "Threads and memory").
inline constexpr unsigned kMaxDefaultWorkers = 4;
unsigned default_workers(unsigned available);

}  // namespace ferry
