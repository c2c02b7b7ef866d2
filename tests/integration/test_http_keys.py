"""The Kinesis Agent's HTTP keys reach ferry's S3 requests (tools/fault_proxy.py in front of
s3rver on 127.0.0.1 records every request's headers and can stall a connection).

userAgentOverride is the User-Agent of every request (default ferry/<version>), and
socketTimeoutMillis bounds how long a connection may deliver no byte: a stalled part upload fails
after about that long, is retried, and every record still arrives exactly once.
"""
import os
import re
import time
import unittest

import harness
from harness import MIB
from test_s3_faults import FaultProxy


class HttpKeys(harness.S3rverTestCase):
    tmp_prefix = "ferry-http-keys-"

    def setUp(self):
        super().setUp()
        path = os.path.join(self.tmp, "records.txt")
        harness.gen("seed", path, 12 * MIB, seed=3, start_id=1, filler="random")
        self.inputs = harness.Inputs()
        self.inputs.scan(path)

    def run_through(self, name, rules, **root):
        """A --once run of its own (`name`: checkpoint and key prefix) through a fault proxy."""
        proxy = FaultProxy(self.s3, self.tmp, rules)
        self.addCleanup(proxy.close)
        prefix = self.prefix + name + "/"
        cfg = harness.base_config(self.tmp, proxy.endpoint)
        cfg["checkpointFile"] = os.path.join(self.tmp, name + ".checkpoints")
        cfg.update({"s3.maxAttempts": 3, "s3.initialBackoffMillis": 50,
                    "s3.maxBackoffMillis": 200})
        cfg.update(root)
        cfg["flows"] = [harness.s3_flow("http", os.path.join(self.tmp, "*.txt"), prefix,
                                        part_size=5 * MIB, max_object_bytes=64 * MIB)]
        t0 = time.monotonic()
        result = harness.run_ferry(cfg, "--once", timeout=180,
                                   config_path=os.path.join(self.tmp, "agent.json"))
        self.assertEqual(result.returncode, 0, result.describe())
        harness.check_seed_output(self, self.inputs, self.s3.download_records(prefix))
        return proxy, result, time.monotonic() - t0

    def test_user_agent_default_and_override(self):
        # Both runs' proxies log to one file: each run's requests are those of its key prefix.
        def agents_of(proxy, name):
            return {r["headers"].get("user-agent") for r in proxy.requests()
                    if f"/{name}/" in r["path"]}

        proxy, _, _ = self.run_through("default", [])
        agents = agents_of(proxy, "default")
        self.assertEqual(len(agents), 1, agents)
        self.assertRegex(agents.pop(), r"^ferry/\d+\.\d+\.\d+")
        proxy, _, _ = self.run_through("override", [], userAgentOverride="my-shipper/2.0")
        self.assertEqual(agents_of(proxy, "override"), {"my-shipper/2.0"})

    def test_socket_timeout_ends_a_stalled_part(self):
        stall = [{"op": "UploadPart", "nth": 1, "action": "stall", "seconds": 60}]
        _, result, seconds = self.run_through("stall", stall, socketTimeoutMillis=2000)
        self.assertRegex(result.stderr, r"UploadPart \S+: attempt 1/3 failed: HTTP PUT \S+: "
                                        r"Operation too slow")
        m = re.search(r"Less than 1 bytes/sec transferred the last (\d+) seconds", result.stderr)
        self.assertIsNotNone(m, result.stderr[-3000:])
        self.assertEqual(m.group(1), "2")
        self.assertLess(seconds, 40, "the stalled part was not abandoned after socketTimeoutMillis")


if __name__ == "__main__":
    unittest.main()
