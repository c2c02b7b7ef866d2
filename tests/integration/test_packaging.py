"""The operator's story: install ferry with `cmake --install`, run it as a systemd service, or
build the container image.

`cmake --install` of the build that holds FERRY_BIN goes into a temporary prefix; the unit it
installs (tools/ferry.service with ExecStart pointing at the installed binary) must pass
`systemd-analyze verify` without a single warning and keep its sandboxing; the installed binary
runs and accepts the installed example configuration. The container files are checked offline:
the image runs ferry as a dedicated user, and the ECS task definition shares the bot's
compliance volume read-only with the ferry sidecar. The release artifacts (tarball, .deb, .rpm,
the image's Dockerfile) are tested by tests/package/.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import harness

BUILD_DIR = os.path.dirname(os.path.abspath(harness.FERRY_BIN))
DOCKERFILE = os.path.join(harness.SOURCE_DIR, "tools", "docker", "Dockerfile")
TASK_DEFINITION = os.path.join(harness.SOURCE_DIR, "tools", "docker", "ecs-task-definition.json")


def run(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=300, **kw)


def verify_unit(path):
    """systemd-analyze verify of one unit file; returns (exit code, everything it printed)."""
    p = run("systemd-analyze", "verify", path, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                                                     "SYSTEMD_LOG_COLOR": "0"})
    return p.returncode, (p.stdout + p.stderr).strip()


class InstallAndSystemdUnit(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_ferry()
        if not shutil.which("systemd-analyze"):
            raise unittest.SkipTest("systemd-analyze is missing (tools/setup installs systemd)")
        if not os.path.exists(os.path.join(BUILD_DIR, "cmake_install.cmake")):
            raise unittest.SkipTest(f"{BUILD_DIR} is not a CMake build directory")
        cls._tmp = tempfile.TemporaryDirectory(prefix="ferry-install-")
        cls.prefix = os.path.join(cls._tmp.name, "prefix")
        cls.install = run("cmake", "--install", BUILD_DIR, "--prefix", cls.prefix)
        cls.unit = os.path.join(cls.prefix, "lib", "systemd", "system", "ferry.service")
        cls.docs = os.path.join(cls.prefix, "share", "doc", "ferry")

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def setUp(self):
        self.assertEqual(self.install.returncode, 0, self.install.stdout + self.install.stderr)

    def test_install_puts_binaries_unit_example_and_docs_in_place(self):
        for name in ("ferry", "ferry-checkpoint"):
            path = os.path.join(self.prefix, "bin", name)
            self.assertTrue(os.access(path, os.X_OK), path)
        for name in ("README.md", "operations.md", "configuration.md", "agent.example.json"):
            self.assertTrue(os.path.isfile(os.path.join(self.docs, name)), name)
        self.assertTrue(os.path.isfile(self.unit))
        version = run(os.path.join(self.prefix, "bin", "ferry"), "--version")
        self.assertEqual(version.returncode, 0)
        self.assertTrue(version.stdout.startswith("ferry "), version.stdout)

    def test_installed_example_configuration_is_valid(self):
        p = run(os.path.join(self.prefix, "bin", "ferry"), "--config",
                os.path.join(self.docs, "agent.example.json"), "--check-config",
                env=harness.ferry_env())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("configuration ok: 1 flow(s); checkpoint /var/lib/ferry/checkpoints",
                      p.stdout)

    def test_unit_passes_systemd_analyze_verify(self):
        code, output = verify_unit(self.unit)
        self.assertEqual(code, 0, output)
        self.assertEqual(output, "", "systemd-analyze printed warnings")

    def test_unit_runs_the_installed_binary_sandboxed(self):
        with open(self.unit) as f:
            text = f.read()
        settings = {}
        for line in text.splitlines():
            if "=" in line and not line.startswith("#"):
                key, value = line.split("=", 1)
                settings.setdefault(key, []).append(value)
        binary = os.path.join(self.prefix, "bin", "ferry")
        # The Kinesis Agent's arguments and environment file carry over at cut-over.
        self.assertEqual(settings["ExecStart"],
                         [f"{binary} --config /etc/aws-kinesis/agent.json $AGENT_ARGS"])
        self.assertEqual(settings["EnvironmentFile"],
                         ["-/etc/sysconfig/aws-kinesis-agent", "-/etc/default/ferry"])
        self.assertEqual(settings["PrivateTmp"], ["false"])  # its sample watches /tmp/app.log*
        self.assertEqual(settings["Type"], ["simple"])
        self.assertEqual(settings["Restart"], ["on-failure"])
        self.assertEqual(settings["RestartPreventExitStatus"], ["2"])  # bad config: no loop
        self.assertEqual(settings["KillSignal"], ["SIGTERM"])  # completes objects, checkpoints
        self.assertEqual(settings["ProtectSystem"], ["strict"])
        self.assertEqual(settings["NoNewPrivileges"], ["true"])
        self.assertEqual(settings["StateDirectory"], ["ferry"])
        # A dedicated user in group adm, not root, reading through one capability.
        self.assertEqual(settings["DynamicUser"], ["yes"])
        self.assertEqual(settings["SupplementaryGroups"], ["adm"])
        self.assertEqual(settings["AmbientCapabilities"], ["CAP_DAC_READ_SEARCH"])
        self.assertEqual(settings["CapabilityBoundingSet"], ["CAP_DAC_READ_SEARCH"])
        self.assertNotIn("User", settings)
        self.assertIn("/var/lib/ferry", " ".join(settings["ReadWritePaths"]).split())
        # Backlogs yield to the host's processes; caps and I/O classes are left to a drop-in
        # (docs/operations.md#sharing-the-host-during-a-backlog).
        self.assertEqual(settings.get("Nice"), ["10"])
        for capped in ("CPUQuota", "CPUWeight", "IOSchedulingClass"):
            self.assertNotIn(capped, settings)
        self.assertEqual(settings["WantedBy"], ["multi-user.target"])

    def test_verify_catches_a_broken_unit(self):
        # The check above can fail: the same unit with a misspelt key and a missing binary.
        with open(self.unit) as f:
            text = f.read()
        broken = os.path.join(self._tmp.name, "ferry-broken.service")
        with open(broken, "w") as f:
            f.write(text.replace("NoNewPrivileges=", "NoNewPrivilege=")
                    .replace(os.path.join(self.prefix, "bin", "ferry"), "/nonexistent/ferry"))
        code, output = verify_unit(broken)
        self.assertNotEqual(code, 0)
        self.assertIn("NoNewPrivilege", output)
        self.assertIn("/nonexistent/ferry", output)


class ContainerFiles(unittest.TestCase):
    # The image is built from the release tarball: tests/package/test_release_artifacts.py.
    def test_image_runs_ferry_as_a_dedicated_user(self):
        with open(DOCKERFILE) as f:
            runtime = f.read()
        users = re.findall(r"^USER (\S+)$", runtime, flags=re.M)
        self.assertEqual(users, ["ferry"])
        self.assertRegex(runtime, r"useradd --system --uid 10001 --gid adm")
        self.assertIn("chown ferry:adm /var/lib/ferry", runtime)

    def test_ecs_task_shares_the_compliance_volume_with_a_ferry_sidecar(self):
        with open(TASK_DEFINITION) as f:
            task = json.load(f)
        self.assertEqual(task["requiresCompatibilities"], ["FARGATE"])
        volumes = {v["name"]: v for v in task["volumes"]}
        containers = {c["name"]: c for c in task["containerDefinitions"]}
        bot, ferry = containers["retention-bot"], containers["ferry"]
        self.assertIn("efsVolumeConfiguration", volumes["compliance"])
        self.assertIn("efsVolumeConfiguration", volumes["ferry-state"])
        bot_mounts = {m["sourceVolume"]: m for m in bot["mountPoints"]}
        ferry_mounts = {m["sourceVolume"]: m for m in ferry["mountPoints"]}
        self.assertEqual(bot_mounts["compliance"]["containerPath"],
                         ferry_mounts["compliance"]["containerPath"])
        self.assertTrue(ferry_mounts["compliance"]["readOnly"])
        self.assertEqual(ferry_mounts["ferry-state"]["containerPath"], "/var/lib/ferry")
        self.assertGreaterEqual(ferry["stopTimeout"], 30)  # time to complete open objects
        for c in (bot, ferry):
            self.assertEqual(c["logConfiguration"]["logDriver"], "awslogs")
        # The example configuration watches the shared folder.
        with open(os.path.join(harness.SOURCE_DIR, "tools", "agent.example.json")) as f:
            example = f.read()
        self.assertIn(f'"{ferry_mounts["compliance"]["containerPath"]}/', example)


if __name__ == "__main__":
    unittest.main()
