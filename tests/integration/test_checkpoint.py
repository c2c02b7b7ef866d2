"""The checkpoint as an operator meets it: a checkpoint directory that cannot be written pauses
delivery and recovers by itself; a damaged checkpoint falls back to the previous generation or
stops ferry with a message; ferry-checkpoint prints it as JSON."""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import harness

INSPECTOR = os.path.join(os.path.dirname(harness.FERRY_BIN), "ferry-checkpoint")


def record(i, consent=True):
    return json.dumps({"id": i, "dob": "1990-01-01", "ssn_no": "123456789",
                       "data_share_consent": consent}) + "\n"


class CheckpointStory(unittest.TestCase):
    def setUp(self):
        harness.require_ferry()
        harness.require_zstd()
        self._tmp = tempfile.TemporaryDirectory(prefix="ferry-checkpoint-")
        self.addCleanup(self._tmp.cleanup)
        tmp = self._tmp.name
        self.in_dir = os.path.join(tmp, "in")
        self.out_dir = os.path.join(tmp, "out")
        os.makedirs(self.in_dir)
        self.log = os.path.join(self.in_dir, "app.log")
        self.config = harness.base_config(tmp)
        self.config["flows"] = [harness.dir_flow("cp", os.path.join(self.in_dir, "*.log"),
                                                 self.out_dir, "cp/", max_object_age_millis=1000,
                                                 maxBufferAgeMillis=1000)]
        self.config_path = os.path.join(tmp, "agent.json")
        self.checkpoint = self.config["checkpointFile"]

    def append(self, first, count):
        with open(self.log, "a") as f:
            f.write("".join(record(i) for i in range(first, first + count)))

    def delivered_ids(self):
        lines = harness.records_of_objects(harness.directory_objects(self.out_dir)[0])
        return [json.loads(line)["id"] for line in lines]

    def inspect(self):
        return subprocess.run([INSPECTOR, self.checkpoint], capture_output=True, text=True,
                              timeout=30)

    def test_unwritable_checkpoint_pauses_delivery_and_recovers_by_itself(self):
        self.append(0, 100)
        with harness.FerryProcess(self.config, self.config_path) as ferry:
            self.assertTrue(harness.poll(lambda: len(self.delivered_ids()) == 100, 30),
                            ferry.stderr()[-3000:])
            # The checkpoint's place is taken by a directory: every write of it fails.
            os.rename(self.checkpoint, self.checkpoint + ".moved")
            os.makedirs(os.path.join(self.checkpoint, "blocker"))
            self.append(100, 100)
            self.assertTrue(harness.poll(lambda: "delivery is paused" in ferry.stderr(), 30),
                            ferry.stderr()[-3000:])
            time.sleep(2.0)
            # Nothing is completed while its completion cannot be recorded.
            self.assertEqual(len(self.delivered_ids()), 100)
            self.assertTrue(ferry.alive())
            shutil.rmtree(self.checkpoint)  # space is back
            self.assertTrue(harness.poll(lambda: len(self.delivered_ids()) == 200, 30),
                            ferry.stderr()[-3000:])
            self.assertIn("written again; delivery resumes", ferry.stderr())
            rc, _ = ferry.stop(signal.SIGTERM)
            self.assertEqual(rc, 0, ferry.stderr()[-3000:])
        again = harness.run_ferry(self.config, "--once", config_path=self.config_path)
        self.assertEqual(again.returncode, 0, again.describe())
        self.assertEqual(sorted(self.delivered_ids()), list(range(200)))

    def test_damaged_checkpoint_falls_back_to_the_previous_generation(self):
        self.append(0, 50)
        first = harness.run_ferry(self.config, "--once", config_path=self.config_path)
        self.assertEqual(first.returncode, 0, first.describe())
        self.append(50, 50)
        second = harness.run_ferry(self.config, "--once", config_path=self.config_path)
        self.assertEqual(second.returncode, 0, second.describe())
        with open(self.checkpoint, "r+b") as f:
            f.seek(20)
            f.write(b"#")
        self.assertEqual(self.inspect().returncode, 1)
        third = harness.run_ferry(self.config, "--once", config_path=self.config_path)
        self.assertEqual(third.returncode, 0, third.describe())
        self.assertIn("resuming from the previous generation", third.stderr)
        # The previous generation names the second run's object as about to be completed;
        # ferry finds it complete by its name, so nothing is shipped twice.
        self.assertEqual(sorted(self.delivered_ids()), list(range(100)))

    def test_checkpoint_beyond_repair_stops_ferry_with_what_to_do(self):
        self.append(0, 10)
        with open(self.checkpoint, "w") as f:
            f.write('{"ferry_checkpoint":1,"generation":3,"flows":[')  # truncated
        run = harness.run_ferry(self.config, "--once", config_path=self.config_path)
        self.assertEqual(run.returncode, 1, run.describe())
        self.assertIn("will not guess where to resume", run.stderr)
        self.assertEqual(self.delivered_ids(), [])

    def test_inspector_prints_the_checkpoint_as_json(self):
        self.append(0, 10)
        run = harness.run_ferry(self.config, "--once", config_path=self.config_path)
        self.assertEqual(run.returncode, 0, run.describe())
        shown = self.inspect()
        self.assertEqual(shown.returncode, 0, shown.stderr)
        doc = json.loads(shown.stdout)
        self.assertTrue(doc["valid"])
        files = doc["flows"][0]["files"]
        self.assertEqual(files[0]["path"], self.log)
        self.assertEqual(files[0]["offset"], os.path.getsize(self.log))


if __name__ == "__main__":
    unittest.main()
