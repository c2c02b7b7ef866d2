"""Switching from the Kinesis Agent: where a flow starts the first time, and which checkpoint
entry is whose. Runs the real ferry (--once and follow mode) into a directory destination.

What the Java agent does (awslabs/amazon-kinesis-agent):
- `initialPosition` defaults to END_OF_FILE. With no checkpoint for the flow, FileTailer starts
  at the end of the newest matching file and never reads older (rotated) ones; START_OF_FILE
  reads from offset 0. ferry follows every matching file, so END_OF_FILE takes every file present
  at the flow's first start from its end.
- Checkpoints are kept per flow by its identity (SQLiteFileCheckpointStore: the flow id is the
  destination and the file pattern), so adding, removing or reordering flows never moves one
  flow's position to another; a second flow with the same pattern and destination is refused.
"""

import hashlib
import json
import os
import re
import sqlite3
import tempfile
import unittest

import harness


def line(flow, i):
    return json.dumps({"flow": flow, "i": i}) + "\n"


def write_lines(path, flow, numbers, mode="a"):
    with open(path, mode) as f:
        f.write("".join(line(flow, i) for i in numbers))


def unnamed_flow(pattern, out_dir, key_prefix, **extra):
    flow = harness.dir_flow("x", pattern, out_dir, key_prefix, redact=False,
                            max_object_age_millis=1000, maxBufferAgeMillis=1000, **extra)
    del flow["name"]
    del flow["initialPosition"]  # the Kinesis Agent's default, END_OF_FILE
    return flow


class FirstStartStory(unittest.TestCase):
    def setUp(self):
        harness.require_ferry()
        harness.require_zstd()
        self._tmp = tempfile.TemporaryDirectory(prefix="ferry-first-start-")
        self.addCleanup(self._tmp.cleanup)
        self.tmp = self._tmp.name
        self.out = os.path.join(self.tmp, "out")
        self.config = harness.base_config(self.tmp)
        self.config_path = os.path.join(self.tmp, "agent.json")

    def dir(self, name):
        path = os.path.join(self.tmp, name)
        os.makedirs(path, exist_ok=True)
        return path

    def delivered(self):
        """[(flow, i)] of every record in the completed objects, in no particular order."""
        lines = harness.records_of_objects(harness.directory_objects(self.out)[0])
        return sorted((r["flow"], r["i"]) for r in map(json.loads, lines))

    def once(self):
        result = harness.run_ferry(self.config, "--once", config_path=self.config_path)
        self.assertEqual(result.returncode, 0, result.describe())
        return result

    # -- END_OF_FILE ------------------------------------------------------------------------

    def test_end_of_file_skips_every_file_present_at_the_first_start_rotated_ones_too(self):
        logs = self.dir("logs")
        app = os.path.join(logs, "app.log")
        write_lines(os.path.join(logs, "app.log.2"), "old", range(0, 3))
        write_lines(os.path.join(logs, "app.log.1"), "old", range(3, 6))
        write_lines(app, "old", range(6, 9))
        self.config["flows"] = [unnamed_flow(os.path.join(logs, "app.log*"), self.out, "app/")]
        with harness.FerryProcess(self.config, self.config_path) as ferry:
            self.assertTrue(harness.poll(lambda: os.path.exists(self.config["checkpointFile"]),
                                         20), ferry.stderr()[-3000:])
            write_lines(app, "new", [0])
            self.assertTrue(harness.poll(lambda: self.delivered() == [("new", 0)], 30),
                            f"{self.delivered()}\n{ferry.stderr()[-3000:]}")
            # A rotation after the first start: the renamed file's new line and the new file.
            write_lines(app, "new", [1])
            os.rename(app, os.path.join(logs, "app.log.0"))
            write_lines(app, "new", [2])
            want = [("new", 0), ("new", 1), ("new", 2)]
            self.assertTrue(harness.poll(lambda: self.delivered() == want, 30),
                            f"{self.delivered()}\n{ferry.stderr()[-3000:]}")
            rc, _ = ferry.stop()
            self.assertEqual(rc, 0, ferry.stderr()[-3000:])
        old_size = len("".join(line("old", i) for i in range(6, 9)))
        self.assertIn(f"following {app} (new) from offset {old_size} of {old_size}",
                      ferry.stderr())  # the old app.log, at its end

    def test_the_first_start_is_recorded_before_anything_is_shipped(self):
        # A first start that ships nothing, then lines written while ferry is down: the next
        # start is a restart, not another first start that would skip them.
        logs = self.dir("logs")
        app = os.path.join(logs, "app.log")
        write_lines(app, "old", range(5))
        self.config["flows"] = [unnamed_flow(os.path.join(logs, "*.log"), self.out, "app/")]
        self.once()
        self.assertEqual(self.delivered(), [])
        write_lines(app, "new", range(3))
        write_lines(os.path.join(logs, "other.log"), "new", range(3, 5))  # a file new since
        self.once()
        self.assertEqual(self.delivered(), [("new", i) for i in range(5)])
        self.once()
        self.assertEqual(self.delivered(), [("new", i) for i in range(5)])

    def test_a_flow_added_later_starts_at_the_end_of_its_files_and_the_others_go_on(self):
        a, b = self.dir("a"), self.dir("b")
        write_lines(os.path.join(a, "a.log"), "a-old", range(3))
        write_lines(os.path.join(b, "b.log"), "b-old", range(3))
        self.config["flows"] = [unnamed_flow(os.path.join(a, "*.log"), self.out, "a/")]
        self.once()
        write_lines(os.path.join(a, "a.log"), "a", range(2))
        # The new flow comes in an agent.d file, as a drop-in of the Kinesis Agent would.
        agent_d = self.dir("agent.d")
        harness.write_config(os.path.join(agent_d, "b.json"),
                             {"flows": [unnamed_flow(os.path.join(b, "*.log"), self.out, "b/")]})
        self.once()
        self.assertEqual(self.delivered(), [("a", 0), ("a", 1)])
        write_lines(os.path.join(b, "b.log"), "b", range(2))
        self.once()
        self.assertEqual(self.delivered(), [("a", 0), ("a", 1), ("b", 0), ("b", 1)])

    # -- START_OF_FILE ----------------------------------------------------------------------

    def test_start_of_file_reads_every_matching_file_from_its_start(self):
        logs = self.dir("logs")
        write_lines(os.path.join(logs, "app.log.1"), "old", range(0, 3))
        write_lines(os.path.join(logs, "app.log"), "old", range(3, 6))
        flow = unnamed_flow(os.path.join(logs, "app.log*"), self.out, "app/")
        flow["initialPosition"] = "START_OF_FILE"
        self.config["flows"] = [flow]
        self.once()
        self.assertEqual(self.delivered(), [("old", i) for i in range(6)])

    # -- checkpoint identity ----------------------------------------------------------------

    def test_reordering_and_inserting_flows_keeps_each_flows_position(self):
        a, b, c = self.dir("a"), self.dir("b"), self.dir("c")
        flow_a = unnamed_flow(os.path.join(a, "*.log"), self.out, "a/")
        flow_b = unnamed_flow(os.path.join(b, "*.log"), self.out, "b/")
        for flow in (flow_a, flow_b):
            flow["initialPosition"] = "START_OF_FILE"
        write_lines(os.path.join(a, "a.log"), "a", range(0, 4))
        write_lines(os.path.join(b, "b.log"), "b", range(0, 2))
        self.config["flows"] = [flow_a, flow_b]
        self.once()
        write_lines(os.path.join(a, "a.log"), "a", range(4, 6))
        write_lines(os.path.join(b, "b.log"), "b", range(2, 5))
        write_lines(os.path.join(c, "c.log"), "c", range(0, 2))
        flow_c = unnamed_flow(os.path.join(c, "*.log"), self.out, "c/")
        flow_c["initialPosition"] = "START_OF_FILE"
        # A new first flow and the old two swapped: every unnamed flow's number changed.
        self.config["flows"] = [flow_c, flow_b, flow_a]
        self.once()
        want = ([("a", i) for i in range(6)] + [("b", i) for i in range(5)] +
                [("c", i) for i in range(2)])
        self.assertEqual(self.delivered(), want)  # each record exactly once
        self.config["flows"] = [flow_a]  # the others removed
        write_lines(os.path.join(a, "a.log"), "a", [6])
        self.once()
        self.assertEqual(self.delivered(), sorted(want + [("a", 6)]))

    def test_a_checkpoint_keyed_by_flow_number_is_carried_over(self):
        # Checkpoints of earlier versions named an unnamed flow's entry "flow1".
        a = self.dir("a")
        flow = unnamed_flow(os.path.join(a, "*.log"), self.out, "a/")
        flow["initialPosition"] = "START_OF_FILE"
        self.config["flows"] = [flow]
        write_lines(os.path.join(a, "a.log"), "a", range(3))
        self.once()
        path = self.config["checkpointFile"]
        with open(path) as f:
            text = f.read()
        key = json.dumps(f"directory:{self.out} <- {os.path.join(a, '*.log')}")
        self.assertIn('"flow":' + key, text)
        body = text[:text.rindex(',"sha256":"')].replace('"flow":' + key, '"flow":"flow1"')
        with open(path, "w") as f:
            f.write(body + ',"sha256":"' + hashlib.sha256(body.encode()).hexdigest() + '"}\n')
        os.remove(path + ".prev")
        write_lines(os.path.join(a, "a.log"), "a", range(3, 5))
        result = self.once()
        self.assertIn("checkpoint: entry flow1 -> directory:", result.stderr)
        self.assertEqual(self.delivered(), [("a", i) for i in range(5)])

    def test_a_duplicate_flow_is_refused_with_both_places_named(self):
        a = self.dir("a")
        flow = unnamed_flow(os.path.join(a, "*.log"), self.out, "a/")
        named = dict(flow, name="again")
        self.config["flows"] = [flow, named]
        result = harness.run_ferry(self.config, "--check-config", config_path=self.config_path)
        self.assertEqual(result.returncode, 2, result.describe())
        self.assertRegex(result.stderr, re.escape(
            "config: flows[1]: reads the same files into the same destination as flows[0] ("
            f"directory:{self.out} <- {os.path.join(a, '*.log')}): every record would be "
            "shipped twice"))

    def test_the_kinesis_agents_checkpoint_database_is_refused_by_check_config_and_the_run(self):
        # An agent.json that keeps the Java agent's checkpointFile names its SQLite database
        # (SQLiteFileCheckpointStore): no restart loop behind a passing --check-config.
        database = os.path.join(self.tmp, "aws-kinesis-agent-checkpoints")
        with sqlite3.connect(database) as db:
            db.execute("CREATE TABLE FILE_CHECKPOINTS(flow TEXT, path TEXT, fileId TEXT, "
                       "lastModifiedTime INTEGER, size INTEGER, offset INTEGER, "
                       "lastUpdated DATETIME, PRIMARY KEY (flow, path))")
        self.config["checkpointFile"] = database
        self.config["flows"] = [unnamed_flow(os.path.join(self.dir("a"), "*.log"), self.out,
                                             "a/")]
        want = (f"checkpoint: {database} is an SQLite database (the Kinesis Agent's checkpoint "
                "store), not a ferry checkpoint; point checkpointFile at a file of ferry's own")
        check = harness.run_ferry(self.config, "--check-config", config_path=self.config_path)
        self.assertEqual(check.returncode, 2, check.describe())
        self.assertIn(want, check.stderr)
        run = harness.run_ferry(self.config, "--once", config_path=self.config_path)
        self.assertNotEqual(run.returncode, 0, run.describe())
        self.assertIn(want, run.stderr)


if __name__ == "__main__":
    unittest.main()
