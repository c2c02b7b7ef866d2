"""log.file: the Kinesis Agent's log file and its "Agent: Progress:" lines, on the real binary.

Users who switch from the Java agent keep a CloudWatch Logs agent shipping
/var/log/aws-kinesis-agent/aws-kinesis-agent.log, with metric filters on lines such as

  2017-05-24 13:56:47.067+0000 ip-10-0-0-1 (Agent.MetricsEmitter RUNNING)
  com.amazon.kinesis.streaming.agent.Agent [INFO] Agent: Progress: 215457 records parsed
  (337927789 bytes), and 215000 records sent successfully to destinations. Uptime: 270069ms

(one line; Agent.java's emitStatus, custom.log4j.xml's layout). Here:

- ferry follows files into a directory destination with log.file in a temporary directory, a
  1-second status period and a 2 KiB log.maxFileSize: every file of the log is in the Java
  layout; the Progress lines count the records read (and their bytes) and the records in
  completed objects; the file rolls over as log4j's RollingFileAppender (FILE, FILE.1 .. FILE.3,
  never a FILE.4; a full file ends at the first line past the size); stderr keeps every line.
- At SIGTERM the Progress line is written a last time, with the final counts, as the Java agent
  does at shutdown.
- A log.file whose directory does not exist is reported once on stderr and ferry ships anyway.
"""
import json
import os
import re
import tempfile
import time
import unittest

import harness

MAX_FILE_SIZE = 2048
MAX_BACKUPS = 3
LOG_NAME = "aws-kinesis-agent.log"

# custom.log4j.xml: %d{yyyy-MM-dd HH:mm:ss.SSSZ} %X{hostname} (%t) %c [%p] %m%n
LAYOUT = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}[+-]\d{4} (\S*) \((.+?)\) (\S+) "
                    r"\[(DEBUG|INFO|WARN|ERROR)\] (.*)$")
# Agent.java's format string, as a metric filter written for it would read it.
PROGRESS = re.compile(r"Agent: Progress: (\d+) records parsed \((\d+) bytes\), and (\d+) records "
                      r"sent successfully to destinations\. Uptime: (\d+)ms$")


class LogFile(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="ferry-log-file-")
        self.tmp = self._tmp.name
        self.in_dir = os.path.join(self.tmp, "in")
        self.out_dir = os.path.join(self.tmp, "out")
        self.log_dir = os.path.join(self.tmp, "logs")
        for d in (self.in_dir, self.log_dir):
            os.makedirs(d)
        self.log_path = os.path.join(self.log_dir, LOG_NAME)

    def tearDown(self):
        self._tmp.cleanup()

    def config(self, log_file):
        config = harness.base_config(self.tmp)
        config.update({"log.file": log_file, "log.maxFileSize": MAX_FILE_SIZE,
                       "log.maxBackupIndex": MAX_BACKUPS, "log.statusReportingPeriodSeconds": 1})
        config["flows"] = [harness.dir_flow("seed", os.path.join(self.in_dir, "*.log"),
                                            self.out_dir, "p/", max_object_age_millis=1000)]
        return config

    def log_files(self):
        """The names in the log directory, and the lines of the log oldest first (FILE.3 .. FILE)."""
        names = sorted(os.listdir(self.log_dir))
        lines = []
        for i in range(MAX_BACKUPS + 5, -1, -1):
            path = self.log_path if i == 0 else f"{self.log_path}.{i}"
            try:
                with open(path, "rb") as f:
                    lines += f.read().decode().splitlines()
            except FileNotFoundError:
                pass
        return names, lines

    def progress(self, lines):
        """(records parsed, bytes, records sent, uptime ms) of each Agent Progress line."""
        out = []
        for line in lines:
            m = LAYOUT.match(line)
            if m and m.group(2) == "Agent.MetricsEmitter RUNNING":
                self.assertEqual(m.group(3), "com.amazon.kinesis.streaming.agent.Agent", line)
                self.assertEqual(m.group(4), "INFO", line)
                p = PROGRESS.fullmatch(m.group(5))
                self.assertTrue(p, f"not the Java agent's Progress message: {line}")
                out.append(tuple(int(g) for g in p.groups()))
        return out

    def check_rotation(self, names):
        allowed = {LOG_NAME} | {f"{LOG_NAME}.{i}" for i in range(1, MAX_BACKUPS + 1)}
        self.assertLessEqual(set(names), allowed, f"more than {MAX_BACKUPS} backups: {names}")

    def test_progress_lines_and_rotation_while_following(self):
        written = harness.gen("seed", os.path.join(self.in_dir, "a.log"), 300_000, seed=3,
                              start_id=1)
        size = os.path.getsize(os.path.join(self.in_dir, "a.log"))
        config_path = os.path.join(self.tmp, "agent.json")
        seen_names = set()
        with harness.FerryProcess(self.config(self.log_path), config_path) as ferry:
            def delivered():
                names, lines = self.log_files()
                seen_names.update(names)
                self.check_rotation(names)
                done = [p for p in self.progress(lines) if p[2] == written]
                return done if ferry.alive() else None
            done = harness.poll(delivered, 60)
            self.assertTrue(done, f"no Progress line with {written} records sent\n"
                                  f"{ferry.stderr()[-3000:]}")
            self.assertEqual(done[-1][:3], (written, size, written))
            # Later periods add lines: the file rolls over; wait for the last backup to appear.
            full = harness.poll(lambda: (seen_names.update(self.log_files()[0]) or
                                         f"{LOG_NAME}.{MAX_BACKUPS}" in seen_names), 60)
            self.assertTrue(full, f"the log never rolled over to {MAX_BACKUPS} backups: "
                                  f"{sorted(seen_names)}")
            names, lines = self.log_files()
            self.check_rotation(names)
            for i in range(1, MAX_BACKUPS + 1):
                # log4j rolls once a line takes the file to MaxFileSize: a full file is at least
                # that big, and less by its last line.
                with open(f"{self.log_path}.{i}", "rb") as f:
                    backup = f.read()
                self.assertGreaterEqual(len(backup), MAX_FILE_SIZE, f"{LOG_NAME}.{i}")
                last = backup[:-1].rsplit(b"\n", 1)[-1]
                self.assertLess(len(backup) - len(last) - 1, MAX_FILE_SIZE, f"{LOG_NAME}.{i}")
            for line in lines:
                self.assertRegex(line, LAYOUT, "a line not in the Kinesis Agent's layout")
            progress = self.progress(lines)
            self.assertGreaterEqual(len(progress), 2)
            uptimes = [p[3] for p in progress]
            self.assertEqual(uptimes, sorted(uptimes), "uptime went back")
            # The per-flow line, as FileTailer's (a flow without a stream: named by its name).
            self.assertTrue(any(
                f"(FileTailer[seed].MetricsEmitter RUNNING) com.amazon.kinesis.streaming.agent."
                f"tailing.FileTailer [INFO] FileTailer[seed]: Tailer Progress: Tailer has parsed "
                f"{written} records ({size} bytes), transformed 0 records, skipped 0 records, and "
                f"has successfully sent {written} records to destination." in line
                for line in lines), "no Tailer Progress line with the final counts")

            more = harness.gen("seed", os.path.join(self.in_dir, "a.log"), 50_000, seed=4,
                               start_id=written + 1, append=True)
            total_size = os.path.getsize(os.path.join(self.in_dir, "a.log"))
            self.assertTrue(harness.poll(
                lambda: any(p[2] == written + more for p in self.progress(self.log_files()[1])),
                30), f"the new records never showed as sent\n{ferry.stderr()[-3000:]}")
            rc, _ = ferry.stop()
            self.assertEqual(rc, 0, ferry.stderr()[-3000:])
            stderr = ferry.stderr()

        names, lines = self.log_files()
        self.check_rotation(names)
        last = self.progress(lines)[-1]
        self.assertEqual(last[:3], (written + more, total_size, written + more),
                         "the last Progress line (at the stop) does not have the final counts")
        self.assertTrue(any(" (ferry) ferry [INFO] done: " in line for line in lines),
                        "the end-of-run summary is not in the file")
        # stderr (the journal) keeps ferry's own layout, Progress lines included.
        self.assertRegex(stderr, r"\d\dZ info  Agent: Progress: \d+ records parsed")
        self.assertIn(f"log: writing {self.log_path} too", stderr)
        objects, _ = harness.directory_objects(self.out_dir)
        ids = [json.loads(line)["id"] for line in harness.records_of_objects(objects)]
        self.assertEqual(sorted(ids), list(range(1, written + more + 1)))

    def test_a_missing_directory_is_reported_once_and_ferry_ships_anyway(self):
        written = harness.gen("seed", os.path.join(self.in_dir, "a.log"), 50_000, seed=5,
                              start_id=1)
        missing = os.path.join(self.tmp, "no-such-dir", LOG_NAME)
        result = harness.run_ferry(self.config(missing), "--once",
                                   config_path=os.path.join(self.tmp, "agent.json"))
        self.assertEqual(result.returncode, 0, result.describe())
        report = f"log: cannot open log.file {missing}: No such file or directory"
        self.assertEqual(result.stderr.count(report), 1, result.describe())
        self.assertIn("ferry creates the file, not its directory", result.stderr)
        self.assertFalse(os.path.exists(os.path.dirname(missing)))
        # The last Progress line (at the end of the run) is on stderr with the final counts.
        self.assertIn(f"Agent: Progress: {written} records parsed", result.stderr)
        self.assertIn(f"and {written} records sent successfully to destinations", result.stderr)
        objects, _ = harness.directory_objects(self.out_dir)
        self.assertEqual(len(harness.records_of_objects(objects)), written)

    def test_the_kinesis_agents_l_flag_wins_over_log_file(self):
        harness.gen("seed", os.path.join(self.in_dir, "a.log"), 20_000, seed=6, start_id=1)
        other = os.path.join(self.log_dir, "from-agent-args.log")
        result = harness.run_ferry(self.config(self.log_path), "--once", "-l", other,
                                   config_path=os.path.join(self.tmp, "agent.json"))
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertFalse(os.path.exists(self.log_path))
        with open(other) as f:
            text = f.read()
        self.assertIn("(Agent.MetricsEmitter RUNNING) com.amazon.kinesis.streaming.agent.Agent "
                      "[INFO] Agent: Progress:", text)
        for line in text.splitlines():
            self.assertRegex(line, LAYOUT)


if __name__ == "__main__":
    unittest.main()
