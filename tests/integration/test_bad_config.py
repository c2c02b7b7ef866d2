"""The operator's side: a wrong agent.json is refused with exit 2 and one line naming the exact
JSON path; `--check-config` validates without shipping; `--version` works; and secrets given in
the environment never reach the logs, even at debug level during a real upload.
"""
import copy
import os
import re
import tempfile
import unittest

import harness

SECRET = "very-secret-value-123"
TOKEN = "session-token-IQoJb3JpZ2luX2VjEXAMPLE-456"


class BadConfig(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_ferry()

    def setUp(self):
        self._tmpdir = tempfile.TemporaryDirectory(prefix="ferry-config-")
        self.addCleanup(self._tmpdir.cleanup)
        self.tmp = self._tmpdir.name
        self.good = harness.base_config(self.tmp, "http://127.0.0.1:9")
        self.good["flows"] = [harness.s3_flow("seed", os.path.join(self.tmp, "in", "*.log"),
                                              "seed/dt=%Y-%m-%d/{host}/")]

    def config_with(self, edit):
        cfg = copy.deepcopy(self.good)
        edit(cfg)
        return cfg

    def assertConfigError(self, config, pattern, *args):
        r = harness.run_ferry(config, *args, "--check-config", timeout=30)
        self.assertEqual(r.returncode, 2, r.describe())
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, f"expected one line on stderr, got:\n{r.stderr}")
        self.assertRegex(lines[0], pattern)
        return lines[0]

    def test_good_config_checks_and_names_the_flow(self):
        r = harness.run_ferry(self.good, "--check-config", timeout=30)
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertIn("seed", r.stdout)

    def test_missing_flows(self):
        self.assertConfigError(self.config_with(lambda c: c.pop("flows")), r"^config: flows: \S.*")

    def test_empty_flows(self):
        self.assertConfigError(self.config_with(lambda c: c.update(flows=[])),
                               r"^config: flows: \S.*")

    def test_part_size_too_small(self):
        def edit(c):
            c["flows"][0]["s3"]["partSizeBytes"] = 1024
        self.assertConfigError(self.config_with(edit), r"^config: flows\[0\]\.s3\.partSizeBytes: "
                               r"must be between 5242880 and 5368709120, got 1024$")

    def test_wrong_type(self):
        def edit(c):
            c["flows"][0]["s3"]["compressionLevel"] = "high"
        self.assertConfigError(self.config_with(edit),
                               r"^config: flows\[0\]\.s3\.compressionLevel: \S.*")

    def test_flows_is_not_an_array(self):
        self.assertConfigError(self.config_with(lambda c: c.update(flows={"name": "x"})),
                               r"^config: flows: \S.*")

    def test_missing_bucket(self):
        def edit(c):
            del c["flows"][0]["s3"]["bucket"]
        self.assertConfigError(self.config_with(edit), r"^config: flows\[0\]\.s3\.bucket: \S.*")

    def test_error_in_second_flow_names_its_index(self):
        def edit(c):
            flow = harness.s3_flow("two", os.path.join(self.tmp, "two", "*.log"), "two/")
            flow["s3"]["compressionLevel"] = 25
            c["flows"].append(flow)
        self.assertConfigError(self.config_with(edit), r"^config: flows\[1\]\.s3\.compressionLevel: "
                               r"must be between 1 and 19, got 25$")

    def test_duplicate_flow_names(self):
        def edit(c):
            c["flows"].append(copy.deepcopy(c["flows"][0]))
        self.assertConfigError(self.config_with(edit), r"^config: flows\[1\]\.name: \S.*")

    def test_invalid_json(self):
        path = os.path.join(self.tmp, "broken.json")
        with open(path, "w") as f:
            f.write('{"checkpointFile": "/tmp/x", "flows": [ {"name": "a",, } ]')
        self.assertConfigError(path, r"^config: \S.*")

    def test_nonexistent_config_file(self):
        path = os.path.join(self.tmp, "does-not-exist.json")
        self.assertConfigError(path, r"^config: " + re.escape(path) + r": \S.*")

    def test_unknown_key_is_a_warning(self):
        def edit(c):
            c["flows"][0]["fooBar"] = 1
        r = harness.run_ferry(self.config_with(edit), "--check-config", timeout=30)
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertIn("flows[0].fooBar", r.stderr)

    def test_version(self):
        r = harness.run_ferry(None, "--version", timeout=30)
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertTrue(r.stdout.strip(), "--version printed nothing")

    def test_help(self):
        r = harness.run_ferry(None, "--help", timeout=30)
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertIn("--config", r.stdout)

    def test_usage_errors_exit_2(self):
        for args in (["--no-such-option"], ["--config"], ["--once", "--bogus"]):
            with self.subTest(args=args):
                r = harness.run_ferry(None, *args, timeout=30)
                self.assertEqual(r.returncode, 2, r.describe())
                self.assertTrue(r.stderr.strip(), "a usage error must say what is wrong")


class SecretsStayOutOfLogs(unittest.TestCase):
    def test_debug_log_of_a_real_upload_holds_no_secret(self):
        harness.require_ferry()
        harness.require_s3_tools()
        with tempfile.TemporaryDirectory(prefix="ferry-secret-") as tmp, \
                harness.S3rver(allow_mismatched_signatures=True) as s3:
            in_dir = os.path.join(tmp, "in")
            os.makedirs(in_dir)
            harness.gen("seed", os.path.join(in_dir, "a.log"), 6 * harness.MIB, seed=81,
                        filler="random")
            cfg = harness.base_config(tmp, s3.endpoint)
            cfg["flows"] = [harness.s3_flow("secret", os.path.join(in_dir, "*.log"), "secret/")]
            r = harness.run_ferry(cfg, "--once", "--log-level", "debug", timeout=120,
                                  env={"AWS_SECRET_ACCESS_KEY": SECRET,
                                       "AWS_SESSION_TOKEN": TOKEN})
            self.assertEqual(r.returncode, 0, r.describe())
            self.assertTrue(s3.list_objects("secret/"), "nothing was uploaded")
            for out, name in ((r.stderr, "stderr"), (r.stdout, "stdout")):
                self.assertNotIn(SECRET, out, f"the secret key appears on {name}")
                self.assertNotIn(TOKEN, out, f"the session token appears on {name}")
                self.assertNotRegex(out, r"(?i)authorization\s*:", f"an Authorization header "
                                                                     f"appears on {name}")
                self.assertNotRegex(out, r"Signature=[0-9a-f]{64}", f"a signature on {name}")


class KinesisAgentArguments(unittest.TestCase):
    """The unit passes the Java agent's AGENT_ARGS after its own --config: JCommander's
    -c/--configuration, -L/--log-level (TRACE..ERROR) and -l/--log-file, with "=" or a space."""

    def test_agent_args_are_understood(self):
        with tempfile.TemporaryDirectory(prefix="ferry-agent-args-") as tmp:
            cfg = harness.base_config(tmp)
            cfg["flows"] = [harness.dir_flow("a", os.path.join(tmp, "*.log"),
                                             os.path.join(tmp, "out"), "", redact=False)]
            path = harness.write_config(os.path.join(tmp, "other.json"), cfg)
            result = harness.run_ferry(None, "--config", "/nonexistent/agent.json",
                                       f"--configuration={path}", "-L", "TRACE",
                                       "-l", "/var/log/aws-kinesis-agent/aws-kinesis-agent.log",
                                       "--check-config", timeout=30)
            self.assertEqual(result.returncode, 0, result.describe())
            self.assertIn("configuration ok: 1 flow(s)", result.stdout)
            # -l is the log file (test_log_file); --check-config writes none.
            self.assertNotIn("log.file", result.stderr)
            bad = harness.run_ferry(None, "-L", "VERBOSE", timeout=30)
            self.assertEqual(bad.returncode, 2, bad.describe())
            self.assertIn("VERBOSE", bad.stderr)


if __name__ == "__main__":
    unittest.main()
