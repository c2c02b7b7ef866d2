"""How many workers ferry starts when --workers is not given: one per CPU it may use, at most 4,
where the CPUs it may use are its affinity mask lowered to its cgroup's CPU quota (systemd's
CPUQuota=, a container's --cpus, a Kubernetes CPU limit), as the Kinesis Agent's JVM counts
them. The start-up line names the count and why.

The quota test makes a cgroup with a quota of half a CPU (cgroup v2 cpu.max, or v1
cpu.cfs_quota_us) and starts ferry in it; it is skipped where cgroups cannot be made (not root,
a read-only /sys/fs/cgroup, no cpu controller).
"""
import os
import re
import tempfile
import unittest
import uuid

import harness

START_LINE = re.compile(r"starting: .*, (\d+) worker\(s\) \(([^)]*)\)")


def make_cpu_cgroup(quota, period=100000):
    """A new cgroup with the CPU quota `quota`/`period`; returns (directory, procs file), or
    raises SkipTest when this host does not let us make one."""
    name = f"ferry-test-{uuid.uuid4().hex[:12]}"
    with open("/proc/self/cgroup") as f:
        lines = f.read().splitlines()
    v2 = next((line[3:] for line in lines if line.startswith("0::")), None)
    candidates = []
    if os.path.isdir("/sys/fs/cgroup/cpu"):  # v1 (or hybrid: the cpu controller is in v1)
        own = next((line.split(":", 2)[2] for line in lines
                    if "cpu" in line.split(":", 2)[1].split(",")), "/")
        candidates.append(("v1", os.path.join("/sys/fs/cgroup/cpu", own.lstrip("/"), name)))
    if v2 is not None and os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
        candidates.append(("v2", os.path.join("/sys/fs/cgroup", v2.lstrip("/"), name)))
    for kind, directory in candidates:
        try:
            os.mkdir(directory)
        except OSError:
            continue
        try:
            if kind == "v1":
                with open(os.path.join(directory, "cpu.cfs_period_us"), "w") as f:
                    f.write(str(period))
                with open(os.path.join(directory, "cpu.cfs_quota_us"), "w") as f:
                    f.write(str(quota))
            else:
                with open(os.path.join(directory, "cpu.max"), "w") as f:
                    f.write(f"{quota} {period}")
            return directory, os.path.join(directory, "cgroup.procs")
        except OSError:
            os.rmdir(directory)
    raise unittest.SkipTest("cannot make a cgroup with a CPU quota here (needs root and a "
                            "writable cpu controller)")


class CpuBudget(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="ferry-cpu-budget-")
        self.tmp = self._tmp.name
        self.addCleanup(self._tmp.cleanup)
        in_dir = os.path.join(self.tmp, "in")
        os.makedirs(in_dir)
        harness.gen("seed", os.path.join(in_dir, "a.log"), 64 * 1024, seed=7)
        self.out = os.path.join(self.tmp, "out")
        self.config = harness.base_config(self.tmp)
        self.config["flows"] = [harness.dir_flow("cpu", os.path.join(in_dir, "*.log"), self.out,
                                                 "cpu/")]

    def start_line(self, *args, preexec_fn=None):
        result = harness.run_ferry(self.config, "--once", *args, preexec_fn=preexec_fn)
        self.assertEqual(result.returncode, 0, result.describe())
        m = START_LINE.search(result.stderr)
        self.assertIsNotNone(m, result.stderr[-2000:])
        return int(m.group(1)), m.group(2)

    def test_one_worker_per_cpu_of_the_affinity_mask_at_most_four(self):
        cpus = len(os.sched_getaffinity(0))
        workers, why = self.start_line()
        self.assertTrue(why.startswith(f"{cpus} CPU"), why)
        # Where the tests themselves run under a CPU quota (a container), it is counted too.
        quota = re.fullmatch(r"\d+ CPUs?, cgroup quota \d+\.\d\d: (\d+)", why)
        available = int(quota.group(1)) if quota else cpus
        self.assertLessEqual(available, cpus)
        self.assertEqual(workers, min(available, 4))

    def test_an_affinity_of_one_cpu_is_one_worker(self):
        cpu = min(os.sched_getaffinity(0))
        workers, why = self.start_line(preexec_fn=lambda: os.sched_setaffinity(0, {cpu}))
        self.assertEqual(workers, 1)
        self.assertRegex(why, r"^1 CPU(, cgroup quota \d+\.\d\d: 1)?$")

    def test_workers_given_are_used_as_given(self):
        self.assertEqual(self.start_line("--workers", "6"), (6, "--workers"))

    def test_a_cgroup_quota_of_half_a_cpu_is_one_worker(self):
        cpus = len(os.sched_getaffinity(0))
        if cpus < 2:
            self.skipTest("needs 2 CPUs to tell the quota from the affinity")
        directory, procs = make_cpu_cgroup(50000)

        def join():
            with open(procs, "w") as f:
                f.write(str(os.getpid()))

        try:
            workers, why = self.start_line(preexec_fn=join)
        finally:
            os.rmdir(directory)  # empty again: ferry has exited
        self.assertEqual(workers, 1)
        quota = re.fullmatch(rf"{cpus} CPUs, cgroup quota (\d+\.\d\d): 1", why)
        self.assertIsNotNone(quota, why)
        self.assertLessEqual(float(quota.group(1)), 0.5)  # ours, or a tighter one above it
        self.assertTrue(os.listdir(self.out), "nothing shipped")


if __name__ == "__main__":
    unittest.main()
