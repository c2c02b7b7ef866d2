"""shutdownTimeoutMillis: after SIGTERM ferry drains (completes open objects, checkpoints); when
the drain cannot finish in time it logs what it abandons and exits anyway, and nothing is lost.

An S3 endpoint that stops answering (tools/fault_proxy.py stalls every UploadPart in front of
s3rver on 127.0.0.1) keeps the drain from finishing: ferry must exit within
shutdownTimeoutMillis + 2 s, with exit code 1 and a log line naming what it abandoned. A
following --once run straight to s3rver then delivers every record exactly once (the records not
acknowledged stayed after the checkpoint). A drain that finishes in time still exits 0. Both against s3rver and against OpenStack
Swift's S3 API.
The forced exit's lines reach log.file too (its writer is flushed before the exit).
"""
import os
import signal
import time
import unittest

import harness
from test_s3_faults import FaultProxy

SHUTDOWN_TIMEOUT_MILLIS = 2000
SLACK_SECONDS = 2.0


class Shutdown(harness.S3rverTestCase):
    tmp_prefix = "ferry-shutdown-"

    def setUp(self):
        super().setUp()
        self.in_dir = os.path.join(self.tmp, "in")
        os.makedirs(self.in_dir)
        self.source = os.path.join(self.in_dir, "app.log")
        harness.gen("seed", self.source, 300_000, seed=17, start_id=1)
        self.inputs = harness.Inputs("id")
        self.inputs.scan(self.source)
        self.config_path = os.path.join(self.tmp, "agent.json")

    def config(self, endpoint):
        cfg = harness.base_config(self.tmp, endpoint)
        cfg["shutdownTimeoutMillis"] = SHUTDOWN_TIMEOUT_MILLIS
        cfg["flows"] = [harness.s3_flow("app", os.path.join(self.in_dir, "*.log"),
                                        self.prefix + "{flow}/", max_object_age_millis=60000)]
        return cfg

    def delivered_lines(self):
        keys = sorted(self.s3.list_objects(self.prefix))
        return harness.records_of_objects(self.s3.download_objects(keys=keys))

    def start_and_let_it_read(self, cfg):
        """ferry following the source; returns once it has had time to read it (objects stay
        open: maxObjectAgeMillis is a minute, and a small object is sent only when complete)."""
        ferry = harness.FerryProcess(cfg, self.config_path, env=self.s3.ferry_env())
        self.addCleanup(ferry.close)
        following = harness.poll(lambda: "following" in ferry.stderr() or not ferry.alive(), 20.0)
        self.assertTrue(following and ferry.alive(),
                        f"ferry did not start following:\n{ferry.stderr()[-3000:]}")
        time.sleep(1.5)  # a bounded wait for the records to reach the open object
        return ferry

    def test_stuck_drain_exits_after_the_timeout_and_nothing_is_lost(self):
        stall = [{"op": "UploadPart", "nth": 1, "count": 1000, "action": "stall", "seconds": 60},
                 {"op": "PutObject", "nth": 1, "count": 1000, "action": "stall", "seconds": 60}]
        proxy = FaultProxy(self.s3, self.tmp, stall)
        self.addCleanup(proxy.close)
        cfg = self.config(proxy.endpoint)
        log_file = os.path.join(self.tmp, "ferry.log")
        cfg["log.file"] = log_file
        ferry = self.start_and_let_it_read(cfg)
        limit = SHUTDOWN_TIMEOUT_MILLIS / 1000 + SLACK_SECONDS
        rc, seconds = ferry.stop(signal.SIGTERM, timeout=30.0)
        log = ferry.stderr()
        self.assertIsNotNone(rc, f"ferry still running 30 s after SIGTERM:\n{log[-3000:]}")
        self.assertLess(seconds, limit, f"exit took {seconds:.1f} s:\n{log[-3000:]}")
        self.assertGreaterEqual(seconds, SHUTDOWN_TIMEOUT_MILLIS / 1000 - 0.5, log[-3000:])
        self.assertEqual(rc, 1, log[-3000:])
        self.assertIn("shutdownTimeoutMillis", log)
        self.assertRegex(log, r"flow app: \d+ record\(s\) processed, not acknowledged")
        with open(log_file) as f:
            self.assertRegex(f.read(), r"\(ferry\) ferry \[ERROR\] shutdown: not finished .*"
                                       r"flow app: \d+ record\(s\) processed, not acknowledged")
        self.assertEqual(self.delivered_lines(), [], "a stalled part must not have arrived")

        # The next start, with S3 answering, delivers every record exactly once.
        again = harness.run_ferry(self.config(self.s3.endpoint), "--once", timeout=120,
                                  config_path=self.config_path, env=self.s3.ferry_env())
        self.assertEqual(again.returncode, 0, again.describe())
        harness.check_seed_output(self, self.inputs, self.delivered_lines())

    def test_drain_that_finishes_in_time_exits_zero(self):
        proxy = FaultProxy(self.s3, self.tmp)
        self.addCleanup(proxy.close)
        ferry = self.start_and_let_it_read(self.config(proxy.endpoint))
        rc, seconds = ferry.stop(signal.SIGTERM, timeout=30.0)
        self.assertEqual(rc, 0, ferry.stderr()[-3000:])
        self.assertNotIn("shutdownTimeoutMillis);", ferry.stderr())
        harness.check_seed_output(self, self.inputs, self.delivered_lines())


@unittest.skipIf(harness.SANITIZED, "the s3rver suite runs this code under the sanitizers")
class ShutdownSwift(Shutdown):
    """The same against OpenStack Swift's S3 API (strict multipart rules, SigV4 verified)."""
    server_class = harness.Swift
    tmp_prefix = "ferry-shutdown-swift-"


if __name__ == "__main__":
    unittest.main()
