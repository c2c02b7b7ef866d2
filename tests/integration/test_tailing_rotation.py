"""Rotation scenarios, driven by Debian's logrotate itself while a writer appends numbered
records: rename + create (the Kinesis Agent's default assumption) and copytruncate, each with the
rotated copies inside and outside the flow's pattern. Every written record must be in S3 exactly
once; for copytruncate, records written between logrotate's copy and its truncation exist in no
file any more (no tailer can read them): they are measured from the files on disk and reported."""
import os
import shutil
import signal
import subprocess
import time
import unittest

import harness
import tailing_support as ts

ROTATIONS = 4


def require_logrotate():
    if not shutil.which("logrotate") and not os.access("/usr/sbin/logrotate", os.X_OK):
        raise unittest.SkipTest("logrotate is not installed (tools/setup installs it)")


class Rotation(ts.ScenarioCase):
    def rotate_with_logrotate(self, log, mode):
        """Runs `logrotate -f` with a state file and a config of our own (no root paths)."""
        conf = os.path.join(self.tmp, "logrotate.conf")
        with open(conf, "w") as f:
            f.write(f"{log} {{\n  rotate 100\n  {mode}\n  missingok\n  compress\n"
                    f"  delaycompress\n}}\n")
        os.chmod(conf, 0o644)
        logrotate = shutil.which("logrotate") or "/usr/sbin/logrotate"
        p = subprocess.run([logrotate, "-f", "-s", os.path.join(self.tmp, "logrotate.state"),
                            conf], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, f"logrotate failed: {p.stderr}")

    def scenario(self, name, mode, pattern_name):
        require_logrotate()
        log = os.path.join(self.input, "app.log")
        prefix = f"{name}/"
        ferry = self.start(self.config(ts.flow(name, os.path.join(self.input, pattern_name),
                                               prefix)))
        writer = ts.Writer(name, log, reopen=(mode == "create")).start()
        try:
            self.wait_for_log(ferry, "following " + log)
            for i in range(ROTATIONS):
                time.sleep(1.0)
                # Every other rotation happens while ferry is stopped (SIGSTOP), so that the
                # file holds unread records when it is renamed or copied and truncated.
                frozen = i % 2 == 1
                if frozen:
                    ferry.proc.send_signal(signal.SIGSTOP)
                    time.sleep(0.3)
                try:
                    self.rotate_with_logrotate(log, mode)
                finally:
                    if frozen:
                        time.sleep(0.3)
                        ferry.proc.send_signal(signal.SIGCONT)
            time.sleep(1.0)
        finally:
            writer.stop()
        time.sleep(2.5)  # rotated files drained, last objects aged
        log_text = self.stop(ferry)
        on_disk = ts.seqs_on_disk(self.input, "app.log")
        # Only copytruncate destroys records (written after the copy, before the truncation).
        unreachable = set(writer.written) - on_disk
        if mode == "create":
            self.assertEqual(unreachable, set(), "rename + create lost records on disk?")
            unreachable = None
        tally = ts.Tally(name, writer.written, self.shipped(prefix), unreachable)
        tally.assert_exact(self)
        self.assertGreater(len(writer.written), 5000)
        self.assertTrue(any(n.endswith(".gz") for n in os.listdir(self.input)),
                        "logrotate compressed no copy: the .gz files were not exercised")
        return tally, log_text

    def test_rename_and_create_rotated_names_outside_the_pattern(self):
        _, log = self.scenario("rename_create_out", "create", "app.log")
        self.assertIn("reading it to its end before letting it go", log)

    def test_rename_and_create_rotated_names_inside_the_pattern(self):
        # app.log.1 keeps its identity (same inode, new name); the .gz copies are ignored.
        _, log = self.scenario("rename_create_in", "create", "app.log*")
        self.assertIn("app.log renamed to ", log)

    def test_copytruncate_copy_outside_the_pattern(self):
        _, log = self.scenario("copytruncate_out", "copytruncate", "app.log")
        self.assertIn("was truncated", log)
        # Truncated while ferry was stopped with records unread: the copy supplied them.
        self.assertIn("is the rotated copy of", log)

    def test_copytruncate_copy_inside_the_pattern(self):
        # The copy has the first KiB of the file being read: it is held, never shipped again.
        _, log = self.scenario("copytruncate_in", "copytruncate", "app.log*")
        self.assertIn("was truncated", log)
        self.assertIn("is the rotated copy of", log)


class NameRecreatedDuringRotation(ts.ScenarioCase):
    """A logger that reopens its file by name can recreate it between logrotate's rename and its
    create; logrotate then moves that file aside (`app.log-YYYYMMDDHH.backup`) and creates a new
    one. When ferry applies those events late (here: stopped with SIGSTOP through the whole
    dance, as a busy host would delay it), the name `app.log` already holds the newest file
    when the move of the middle one is applied: the middle file must still be shipped, and the
    newest one still followed."""

    def dance(self, name, pattern_name):
        log = os.path.join(self.input, "app.log")
        prefix = f"{name}/"
        ferry = self.start(self.config(ts.flow(name, os.path.join(self.input, pattern_name),
                                               prefix)))
        written = []

        def write(n):
            with open(log, "ab") as f:
                for i in range(n):
                    f.write(ts.line(name, len(written)))
                    written.append(f"{name}-{len(written)}")

        write(5)
        self.wait_for_log(ferry, "following " + log)
        ferry.proc.send_signal(signal.SIGSTOP)
        try:
            os.rename(log, log + ".1")                         # logrotate: rename
            write(20)                                          # the logger recreates the name
            os.rename(log, log + "-2026112412.backup")         # logrotate: create finds it
            write(3)                                           # ... and creates a new file
        finally:
            ferry.proc.send_signal(signal.SIGCONT)
        time.sleep(1.0)
        write(4)  # the newest file is still followed under the name
        time.sleep(2.5)
        log_text = self.stop(ferry)
        ts.Tally(name, written, self.shipped(prefix)).assert_exact(self)
        return log_text

    def test_moved_aside_inside_the_pattern(self):
        log = self.dance("recreated_in", "app.log*")
        self.assertIn("app.log-2026112412.backup (new) from offset 0", log)

    def test_moved_aside_outside_the_pattern(self):
        log = self.dance("recreated_out", "app.log")
        self.assertIn("before it was read; reading it to its end", log)


if __name__ == "__main__":
    unittest.main()
