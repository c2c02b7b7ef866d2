"""Hostile bytes from outside: file names and server answers never brick ferry or its logs.

Each test failed on ferry before issue 15:
- A file name that is not UTF-8 (`touch $'logs/bad\\xff.log'`) went raw into the checkpoint,
  which no later start could read ("invalid JSON ... and the previous generation too").
- A file name with a newline forged a complete log line; ESC and BEL reached the terminal raw.
- An S3 error message of ~300 KB after `token=` killed ferry with SIGSEGV (the log scrubber's
  std::regex recursed once per character).
"""
import json
import os
import re
import tempfile
import unittest

import harness
from harness import MIB
from test_s3_faults import FaultProxy

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (debug|info |warn |error) ")


def assert_inert_log(tc, stderr):
    """Every line of ferry's stderr is one well-formed log line with no control character."""
    for line in stderr.splitlines():
        tc.assertRegex(line, LOG_LINE, f"not a log line of its own: {line!r}")
        tc.assertFalse(any(ord(c) < 0x20 or ord(c) == 0x7F for c in line),
                       f"control character in a log line: {line!r}")


class HostileNames(unittest.TestCase):
    def setUp(self):
        harness.require_ferry()
        harness.require_zstd()
        self._tmp = tempfile.TemporaryDirectory(prefix="ferry-hostile-names-")
        self.tmp = self._tmp.name
        self.logs = os.path.join(self.tmp, "logs")
        self.out = os.path.join(self.tmp, "out")
        os.makedirs(self.logs)
        os.makedirs(self.out)
        self.cfg = harness.base_config(self.tmp)
        self.cfg["flows"] = [harness.dir_flow("names", os.path.join(self.logs, "*.log"), self.out,
                                              "{flow}/", redact=False)]
        self.cfg_path = os.path.join(self.tmp, "agent.json")

    def tearDown(self):
        self._tmp.cleanup()

    def write(self, name, ids):
        path = os.path.join(os.fsencode(self.logs), name)
        with open(path, "ab") as f:
            for i in ids:
                f.write(json.dumps({"id": i, "msg": f"record {i}"}).encode() + b"\n")
        return path

    def once(self):
        result = harness.run_ferry(self.cfg, "--once", timeout=120, config_path=self.cfg_path)
        self.assertEqual(result.returncode, 0, result.describe())
        return result

    def delivered_ids(self):
        objects, temps = harness.directory_objects(self.out)
        self.assertEqual(temps, [])
        return sorted(json.loads(line)["id"] for line in harness.records_of_objects(objects))

    def test_a_name_that_is_not_utf8_is_checkpointed_and_read_again(self):
        bad = self.write(b"bad\xff\xfe.log", range(0, 50))
        self.write(b"ok.log", range(100, 150))
        self.once()
        with open(self.cfg["checkpointFile"], "rb") as f:
            checkpoint = f.read()
        checkpoint.decode("utf-8")  # valid UTF-8, hence valid JSON text
        self.assertIn(b"bad", checkpoint)
        # The next start reads the checkpoint and continues where the first one stopped.
        with open(bad, "ab") as f:
            for i in range(50, 60):
                f.write(json.dumps({"id": i}).encode() + b"\n")
        second = self.once()
        self.assertNotIn("checkpoint: invalid", second.stderr, second.describe())
        self.assertEqual(self.delivered_ids(), list(range(0, 60)) + list(range(100, 150)))
        # And a third start still reads it (both generations are valid).
        self.once()
        self.assertEqual(self.delivered_ids(), list(range(0, 60)) + list(range(100, 150)))

    def test_a_name_cannot_forge_a_log_line_or_drive_the_terminal(self):
        forged = b"x\n2026-01-01T00:00:00.000Z error FORGED \x1b[2J\x07\xe2\x80\xae.log"
        self.write(forged, range(0, 5))
        result = self.once()
        self.assertEqual(self.delivered_ids(), list(range(0, 5)))
        assert_inert_log(self, result.stderr)
        self.assertIn("x\\n2026-01-01T00:00:00.000Z error FORGED \\x1b[2J\\x07\\u{202e}.log",
                      result.stderr)

    def test_json_log_lines_stay_valid_json_objects(self):
        self.cfg["log.format"] = "json"
        self.write(b"raw\xff\nname.log", range(0, 3))
        result = self.once()
        messages = []
        for line in result.stderr.splitlines():
            entry = json.loads(line)
            self.assertEqual(set(entry), {"time", "level", "message"})
            messages.append(entry["message"])
        self.assertTrue(any("raw\\xff\\nname.log" in m for m in messages), messages)


class PrivateFiles(unittest.TestCase):
    """What ferry writes is private, whatever the umask; secrets it reads are checked.

    Before: under umask 022 objects written from a 0600 log and the checkpoint were 0644 (a
    world-readable copy of a private file); a world-readable keyFile or agent.json holding
    awsSecretAccessKey got no warning."""

    def setUp(self):
        harness.require_ferry()
        self._tmp = tempfile.TemporaryDirectory(prefix="ferry-private-")
        self.tmp = self._tmp.name
        self.logs = os.path.join(self.tmp, "logs")
        os.makedirs(self.logs)
        with open(os.path.join(self.logs, "a.log"), "wb") as f:
            f.write(b'{"id":1}\n')
        os.chmod(os.path.join(self.logs, "a.log"), 0o600)
        self.out = os.path.join(self.tmp, "out")
        self.cfg = harness.base_config(self.tmp)
        self.cfg["checkpointFile"] = os.path.join(self.tmp, "state", "checkpoints")
        self.cfg["flows"] = [harness.dir_flow("p", os.path.join(self.logs, "*.log"), self.out,
                                              "{flow}/", redact=False)]
        self.cfg_path = os.path.join(self.tmp, "agent.json")
        self.old_umask = os.umask(0o022)

    def tearDown(self):
        os.umask(self.old_umask)
        self._tmp.cleanup()

    def run_once(self, *args, expect=0):
        result = harness.run_ferry(self.cfg, *args, timeout=60, config_path=self.cfg_path)
        self.assertEqual(result.returncode, expect, result.describe())
        return result

    def modes(self, root):
        """{relative path: mode} of every file and directory under root (root excluded)."""
        found = {}
        for dirpath, dirs, files in os.walk(root):
            for name in dirs + files:
                path = os.path.join(dirpath, name)
                found[os.path.relpath(path, root)] = os.stat(path).st_mode & 0o7777
        return found

    def test_objects_and_checkpoint_are_private_under_umask_022(self):
        self.run_once("--once")
        objects = self.modes(self.out)
        self.assertTrue(objects)
        for rel, mode in objects.items():
            want = 0o700 if os.path.isdir(os.path.join(self.out, rel)) else 0o600
            self.assertEqual(mode, want, f"{rel}: {oct(mode)}")
        state = self.modes(os.path.join(self.tmp, "state"))
        self.assertEqual(os.stat(os.path.join(self.tmp, "state")).st_mode & 0o777, 0o700)
        self.assertTrue(state)
        for rel, mode in state.items():
            self.assertEqual(mode, 0o600, f"{rel}: {oct(mode)}")

    def test_file_mode_widens_objects_on_purpose(self):
        self.cfg["flows"][0]["directory"]["fileMode"] = "0640"
        self.run_once("--once")
        for rel, mode in self.modes(self.out).items():
            want = 0o750 if os.path.isdir(os.path.join(self.out, rel)) else 0o640
            self.assertEqual(mode, want, f"{rel}: {oct(mode)}")

    def test_a_bad_file_mode_names_the_key(self):
        self.cfg["flows"][0]["directory"]["fileMode"] = "0755"
        result = self.run_once("--check-config", expect=2)
        self.assertIn("flows[0].directory.fileMode", result.stderr)
        self.assertIn("at most 0666", result.stderr)

    def test_secrets_readable_by_others_are_named(self):
        key = os.path.join(self.tmp, "hmac.key")
        with open(key, "w") as f:
            f.write("00" * 32)
        os.chmod(key, 0o644)
        self.cfg["flows"][0]["redact"] = [{"fields": ["id"], "mode": "hmac", "keyFile": key}]
        self.cfg["awsAccessKeyId"] = "AKIDEXAMPLE"
        self.cfg["awsSecretAccessKey"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
        harness.write_config(self.cfg_path, self.cfg)
        os.chmod(self.cfg_path, 0o644)
        for args in (("--check-config",), ("--once",)):
            result = harness.run_ferry(self.cfg_path, *args, timeout=60)
            self.assertEqual(result.returncode, 0, result.describe())
            self.assertIn(f"{key} holds an HMAC key and group or others may read it (mode 0644)",
                          result.stderr)
            self.assertIn(f"{self.cfg_path} holds awsSecretAccessKey and group or others may "
                          "read it (mode 0644)", result.stderr)
        os.chmod(key, 0o600)
        os.chmod(self.cfg_path, 0o600)
        result = harness.run_ferry(self.cfg_path, "--check-config", timeout=60)
        self.assertNotIn("group or others may read", result.stderr)


class HostileServerMessages(harness.S3rverTestCase):
    tmp_prefix = "ferry-hostile-server-"

    def run_against(self, pad):
        """ferry --once through a proxy answering 403 AccessDenied with "token=" + pad bytes."""
        with open(os.path.join(self.tmp, "a.log"), "wb") as f:
            f.write(b'{"id":1}\n')
        proxy = FaultProxy(self.s3, self.tmp, [
            {"op": op, "nth": 1, "count": 1000, "action": "status", "status": 403,
             "code": "AccessDenied", "message": "denied; token=", "pad": pad, "suffix": " end"}
            for op in ("PutObject", "CreateMultipartUpload")])
        try:
            cfg = harness.base_config(self.tmp, proxy.endpoint)
            cfg["flows"].append(harness.s3_flow("big", os.path.join(self.tmp, "*.log"),
                                                self.prefix, redact=False))
            result = harness.run_ferry(cfg, "--once", timeout=120,
                                       config_path=os.path.join(self.tmp, "agent.json"))
        finally:
            proxy.close()
        # The flow failed (exit 1), ferry did not crash (139), and no line holds the token.
        self.assertEqual(result.returncode, 1, result.describe())
        self.assertNotIn("A" * 1000, result.stderr)
        assert_inert_log(self, result.stderr)
        for line in result.stderr.splitlines():
            self.assertLess(len(line.encode()), 24 * 1024, line[:200])
        return result

    def test_a_long_error_message_with_a_token_is_logged_scrubbed_and_cut(self):
        # Under the 64 KiB error-body cap: parsed, logged with its code, the token masked.
        result = self.run_against(60_000)
        self.assertIn("AccessDenied", result.stderr, result.describe())
        self.assertIn("token=<redacted>", result.stderr, result.describe())

    def test_a_huge_error_body_is_refused_at_its_cap(self):
        # 300 KB: the body is cut at its cap, the transfer aborted (it killed ferry before).
        result = self.run_against(300_000)
        self.assertIn("-byte cap for non-2xx answers", result.stderr, result.describe())


if __name__ == "__main__":
    unittest.main()
