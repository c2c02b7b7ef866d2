// core/cpu_budget: the cgroup files as the kernel writes them, and what they are read as.
#include "core/cpu_budget.hpp"

#include <gtest/gtest.h>

namespace ferry {
namespace {

TEST(CpuBudget, Cgroup2CpuMaxIsQuotaOverPeriod) {
  EXPECT_EQ(cgroup2_cpu_limit("max 100000\n"), std::nullopt);
  EXPECT_DOUBLE_EQ(*cgroup2_cpu_limit("50000 100000\n"), 0.5);  // systemd CPUQuota=50%
  EXPECT_DOUBLE_EQ(*cgroup2_cpu_limit("150000 100000"), 1.5);
  EXPECT_DOUBLE_EQ(*cgroup2_cpu_limit("25000 100000\n"), 0.25);  // a Fargate task's 256 units
}

TEST(CpuBudget, Cgroup2TextNotWrittenByTheKernelIsNoLimit) {
  for (const char* text : {"", "\n", "max", "50000", "50000 0", "0 100000", "-1 100000",
                           "50000  100000", "50000 100000 7", "5e4 100000", "50000 1x",
                           "99999999999999999999 100000", " 50000 100000", "50000\t100000"}) {
    EXPECT_EQ(cgroup2_cpu_limit(text), std::nullopt) << '"' << text << '"';
  }
}

TEST(CpuBudget, Cgroup1QuotaOverPeriodAndMinusOneIsNoLimit) {
  EXPECT_EQ(cgroup1_cpu_limit("-1\n", "100000\n"), std::nullopt);
  EXPECT_DOUBLE_EQ(*cgroup1_cpu_limit("200000\n", "100000\n"), 2.0);
  EXPECT_EQ(cgroup1_cpu_limit("200000", ""), std::nullopt);
  EXPECT_EQ(cgroup1_cpu_limit("x", "100000"), std::nullopt);
  EXPECT_EQ(cgroup1_cpu_limit("-2", "100000"), std::nullopt);
}

TEST(CpuBudget, CgroupPathOfV2AndOfV1Controllers) {
  const char* v2 = "0::/system.slice/ferry.service\n";
  EXPECT_EQ(cgroup_path(v2, ""), "/system.slice/ferry.service");
  EXPECT_EQ(cgroup_path(v2, "cpu"), std::nullopt);
  EXPECT_EQ(cgroup_path("0::/\n", ""), "/");  // in a container's own cgroup namespace

  const char* v1 =
      "12:memory:/ecs/task/abc\n"
      "4:cpu,cpuacct:/ecs/task/abc\n"
      "3:cpuset:/ecs/task/abc\n"
      "1:name=systemd:/ecs/task/abc\n"
      "0::/ecs/task/abc\n";
  EXPECT_EQ(cgroup_path(v1, "cpu"), "/ecs/task/abc");
  EXPECT_EQ(cgroup_path(v1, "cpuacct"), "/ecs/task/abc");
  EXPECT_EQ(cgroup_path(v1, ""), "/ecs/task/abc");
  EXPECT_EQ(cgroup_path("3:cpuset:/a\n", "cpu"), std::nullopt);  // "cpuset" is not "cpu"
  // A path may hold ':' (only the first two separate fields).
  EXPECT_EQ(cgroup_path("0::/a:b/c\n", ""), "/a:b/c");
}

TEST(CpuBudget, CgroupPathsThatCouldLeaveTheHierarchyAreRefused) {
  for (const char* text :
       {"0::/a/../../etc\n", "0::a/b\n", "0::/a/./b\n", "0::\n", "0::/a//b\n", "0::..\n"}) {
    EXPECT_EQ(cgroup_path(text, ""), std::nullopt) << text;
  }
  EXPECT_EQ(cgroup_path(std::string_view("0::/a\0b\n", 8), ""), std::nullopt);
  EXPECT_EQ(cgroup_path("0::/a/\n", ""), "/a/");  // a trailing '/' is harmless
}

TEST(CpuBudget, AvailableCpusIsTheAffinityLoweredToTheQuotaRoundedUp) {
  EXPECT_EQ(available_cpus(8, std::nullopt), 8u);
  EXPECT_EQ(available_cpus(8, 1.5), 2u);
  EXPECT_EQ(available_cpus(8, 0.25), 1u);
  EXPECT_EQ(available_cpus(2, 16.0), 2u);
  EXPECT_EQ(available_cpus(0, std::nullopt), 1u);
  EXPECT_EQ(available_cpus(4, 0.0), 4u);
  EXPECT_EQ(available_cpus(4, 4.0), 4u);
  EXPECT_EQ(available_cpus(4, 1e300), 4u);
}

TEST(CpuBudget, DefaultWorkersAreOnePerCpuUpToFour) {
  EXPECT_EQ(default_workers(1), 1u);
  EXPECT_EQ(default_workers(2), 2u);
  EXPECT_EQ(default_workers(4), 4u);
  EXPECT_EQ(default_workers(64), kMaxDefaultWorkers);
  EXPECT_EQ(default_workers(0), 1u);
}

TEST(CpuBudget, DescriptionNamesTheQuotaWhenThereIsOne) {
  EXPECT_EQ(describe_cpu_budget(CpuBudget{1, std::nullopt, 1}), "1 CPU");
  EXPECT_EQ(describe_cpu_budget(CpuBudget{8, std::nullopt, 8}), "8 CPUs");
  EXPECT_EQ(describe_cpu_budget(CpuBudget{8, 1.5, 2}), "8 CPUs, cgroup quota 1.50: 2");
}

}  // namespace
}  // namespace ferry
