"""The user's story on S3: a host's log files -> `ferry --once` -> redacted .json.zst objects.

Four seed files (~44 MB, two of them poorly compressible so an object needs several 5 MiB parts,
one with invalid, empty and unterminated lines) and two Wickr files in a flow without rules go to
a real S3 server on 127.0.0.1: s3rver, and OpenStack Swift's S3 API (strict multipart rules;
not under the sanitizers, where the s3rver story runs the same code). An independent client
(awscli) fetches the objects and the real zstd CLI decompresses them. Then: a second run ships nothing, and after appending lines a
third run ships exactly the new lines.
"""
import os
import tempfile
import time
import unittest

import harness
from harness import MIB

# Lines that are not JSON objects: each must come out as a ferry_invalid_record marker and its
# text must appear nowhere in what is delivered.
INVALID_LINES = [
    b"this is not json INVALID-TOKEN-0001 ssn 999-99-9999",
    b'[1,2,"INVALID-TOKEN-0002"]',
    b'{"id":"INVALID-TOKEN-0003","dob":"1999-',
    b'"a bare string INVALID-TOKEN-0004"',
    b'{"a":1} INVALID-TOKEN-0005 trailing garbage',
    b'{"id":77,"bad":"\xff\xfe INVALID-TOKEN-0006 not utf-8"}',
]
PARTIAL_ID = 9_000_001


class S3OnceStory(unittest.TestCase):
    server_class = harness.S3rver

    @classmethod
    def setUpClass(cls):
        harness.require_ferry()
        cls.server_class.require()
        cls._tmp = tempfile.TemporaryDirectory(prefix="ferry-s3-once-")
        cls.tmp = cls._tmp.name
        try:
            cls.s3 = cls.server_class().__enter__()
        except BaseException:
            cls._tmp.cleanup()
            raise
        try:
            cls._prepare()
            cls.t0 = time.time()
            cls.run1 = harness.run_ferry(cls.config, "--once", timeout=150,
                                         config_path=cls.config_path, env=cls.s3.ferry_env())
            cls.t1 = time.time()
            cls.keys1 = cls.s3.list_objects()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.s3.__exit__(None, None, None)
        cls._tmp.cleanup()

    @classmethod
    def _prepare(cls):
        t = cls.tmp
        cls.in_dir = os.path.join(t, "in")
        cls.wickr_dir = os.path.join(t, "wickr")
        os.makedirs(cls.in_dir)
        os.makedirs(cls.wickr_dir)
        cls.files = {n: os.path.join(cls.in_dir, n + ".log") for n in "abcd"}
        harness.gen("seed", cls.files["a"], 12 * MIB, seed=11, start_id=1, filler="random")
        harness.gen("seed", cls.files["b"], 12 * MIB, seed=12, start_id=1_000_001,
                    filler="random")
        harness.gen("seed", cls.files["c"], 10 * MIB, seed=13, start_id=2_000_001)
        d = cls.files["d"]
        harness.gen("seed", d, 5 * MIB, seed=14, start_id=3_000_001)
        harness.append_bytes(d, b"\n".join(INVALID_LINES[:3]) + b"\n\n\n")
        harness.gen("seed", d, 5 * MIB, seed=15, start_id=4_000_001, append=True)
        harness.append_bytes(d, b"\n".join(INVALID_LINES[3:]) + b"\n\n")
        harness.gen("seed", d, 1, seed=16, start_id=5_000_001, append=True)
        # a last line without '\n': not a record yet, left for a later run
        cls.partial = cls._one_record(PARTIAL_ID)
        harness.append_bytes(d, cls.partial[:-1])
        # a file that does not match the pattern
        harness.gen("seed", os.path.join(cls.in_dir, "ignored.txt"), 100_000, start_id=8_000_001)

        cls.wickr_files = [os.path.join(cls.wickr_dir, "w1.log"),
                           os.path.join(cls.wickr_dir, "w2.log")]
        harness.gen("wickr", cls.wickr_files[0], 6 * MIB, seed=21, start_id=1)
        harness.gen("wickr", cls.wickr_files[1], 3 * MIB, seed=22, start_id=1_000_000)

        cls.seed_inputs = harness.Inputs("id")
        cls.ends = {p: cls.seed_inputs.scan(p) for p in cls.files.values()}
        cls.wickr_inputs = harness.Inputs("message_id")
        cls.wickr_ends = {p: cls.wickr_inputs.scan(p) for p in cls.wickr_files}
        assert len(cls.seed_inputs.invalid) == len(INVALID_LINES), cls.seed_inputs.invalid

        cls.seed_prefix = "seed/dt=%Y-%m-%d/{host}/"
        cls.wickr_prefix = "wickr/{flow}/%Y/%m/"
        cls.config = harness.base_config(t, cls.s3.endpoint)
        cls.config["flows"] = [
            harness.s3_flow("seed", os.path.join(cls.in_dir, "*.log"), cls.seed_prefix),
            harness.s3_flow("wickr", os.path.join(cls.wickr_dir, "*.log"), cls.wickr_prefix,
                            redact=False),
        ]
        cls.config_path = os.path.join(t, "agent.json")

    @classmethod
    def _one_record(cls, rid):
        p = os.path.join(cls.tmp, f"one-{rid}.log")
        harness.gen("seed", p, 1, seed=99, start_id=rid)
        with open(p, "rb") as f:
            data = f.read()
        os.unlink(p)
        return data

    def assertRan(self, result):
        self.assertEqual(result.returncode, 0, result.describe())

    # -- the first run

    def test_1_once_exits_0_and_writes_the_checkpoint(self):
        self.assertRan(self.run1)
        self.assertTrue(os.path.isfile(self.config["checkpointFile"]),
                        "no checkpoint file after --once")
        self.assertEqual(self.s3.open_uploads(), [], "multipart uploads left open")

    def test_2_every_seed_record_arrives_once_and_redacted(self):
        self.assertRan(self.run1)
        keys = [k for k in self.keys1 if k.startswith("seed/")]
        self.assertTrue(keys, f"no seed object; bucket holds {sorted(self.keys1)}")
        lines = self.s3.download_records(keys=keys)
        harness.check_seed_output(self, self.seed_inputs, lines)

    def test_3_wickr_flow_without_rules_is_byte_for_byte(self):
        self.assertRan(self.run1)
        keys = [k for k in self.keys1 if k.startswith("wickr/")]
        self.assertTrue(keys, f"no wickr object; bucket holds {sorted(self.keys1)}")
        lines = self.s3.download_records(keys=keys)
        harness.check_passthrough_output(self, self.wickr_inputs, lines)

    def test_4_keys_render_the_prefix_and_end_in_json_zst(self):
        self.assertRan(self.run1)
        seed_re = harness.key_prefix_regex(self.seed_prefix, "seed", self.t0, self.t1)
        wickr_re = harness.key_prefix_regex(self.wickr_prefix, "wickr", self.t0, self.t1)
        self.assertTrue(self.keys1)
        for key in self.keys1:
            rx = seed_re if key.startswith("seed/") else wickr_re
            m = rx.match(key)
            self.assertIsNotNone(m, f"key {key!r} does not start with {rx.pattern}")
            rest = key[m.end():]
            self.assertRegex(rest, r"^[^/]+\.json\.zst$", f"object name of {key!r}")
        self.assertIn(harness.host_key(), " ".join(self.keys1))

    def test_5_a_large_object_is_a_multipart_upload(self):
        self.assertRan(self.run1)
        big = [k for k, size in self.keys1.items() if size > 5 * MIB]
        self.assertTrue(big, f"no object above 5 MiB: {self.keys1}")
        parts = {k: self.s3.part_count(k) for k in big}
        self.assertTrue(any(n >= 2 for n in parts.values()),
                        f"no object was uploaded in 2 or more parts: {parts}")

    def test_6_unterminated_last_line_is_not_shipped(self):
        self.assertRan(self.run1)
        keys = [k for k in self.keys1 if k.startswith("seed/")]
        blob = b"\n".join(self.s3.download_records(keys=keys))
        self.assertNotIn(f'"id":{PARTIAL_ID},'.encode(), blob)

    # -- later runs over the same checkpoint

    def test_7_second_once_ships_nothing(self):
        self.assertRan(self.run1)
        run2 = harness.run_ferry(self.config, "--once", timeout=60, config_path=self.config_path,
                               env=self.s3.ferry_env())
        self.assertRan(run2)
        self.assertEqual(self.s3.list_objects(), self.keys1,
                         "a second --once over unchanged files wrote objects")

    def test_8_appended_lines_are_shipped_and_only_they(self):
        self.assertRan(self.run1)
        before = self.s3.list_objects()
        d, a = self.files["d"], self.files["a"]
        # finish the unterminated line, then more records and one more invalid line
        harness.append_bytes(d, b"\n")
        harness.gen("seed", d, 300_000, seed=31, start_id=6_000_001, append=True)
        harness.append_bytes(d, b"not json either INVALID-TOKEN-0007\n")
        harness.gen("seed", a, 200_000, seed=32, start_id=7_000_001, append=True)
        harness.gen("wickr", self.wickr_files[1], 100_000, seed=33, start_id=2_000_000,
                    append=True)
        new_seed = harness.Inputs("id")
        for p, end in self.ends.items():
            new_seed.scan(p, start=end)
        new_wickr = harness.Inputs("message_id")
        for p, end in self.wickr_ends.items():
            new_wickr.scan(p, start=end)
        self.assertIn(PARTIAL_ID, new_seed.records)
        self.assertEqual(len(new_seed.invalid), 1)

        run3 = harness.run_ferry(self.config, "--once", timeout=60, config_path=self.config_path,
                               env=self.s3.ferry_env())
        self.assertRan(run3)
        after = self.s3.list_objects()
        for k, size in before.items():
            self.assertEqual(after.get(k), size, f"object {k} changed or vanished")
        new_keys = sorted(set(after) - set(before))
        self.assertTrue(new_keys, "the third --once wrote no object")
        harness.check_seed_output(
            self, new_seed,
            self.s3.download_records(keys=[k for k in new_keys if k.startswith("seed/")]))
        harness.check_passthrough_output(
            self, new_wickr,
            self.s3.download_records(keys=[k for k in new_keys if k.startswith("wickr/")]))


@unittest.skipIf(harness.SANITIZED, "the s3rver suite runs this code under the sanitizers")
class S3OnceStorySwift(S3OnceStory):
    """The same story against OpenStack Swift's S3 API (strict multipart rules, SigV4)."""
    server_class = harness.Swift


class S3Unreachable(unittest.TestCase):
    def test_once_exits_1_when_s3_is_down_and_a_later_run_delivers_everything_once(self):
        harness.require_ferry()
        harness.require_s3_tools()
        with tempfile.TemporaryDirectory(prefix="ferry-s3-down-") as t:
            in_dir = os.path.join(t, "in")
            os.makedirs(in_dir)
            src = os.path.join(in_dir, "a.log")
            harness.gen("seed", src, 2 * MIB, seed=5)
            inputs = harness.Inputs("id")
            inputs.scan(src)
            config_path = os.path.join(t, "agent.json")
            config = harness.base_config(t, f"http://127.0.0.1:{harness.free_port()}")
            config["flows"] = [harness.s3_flow("down", os.path.join(in_dir, "*.log"), "down/")]
            down = harness.run_ferry(config, "--once", timeout=150, config_path=config_path)
            self.assertEqual(down.returncode, 1, down.describe())
            with harness.S3rver() as s3:
                config["s3.endpoint"] = s3.endpoint
                up = harness.run_ferry(config, "--once", timeout=60, config_path=config_path)
                self.assertEqual(up.returncode, 0, up.describe())
                harness.check_seed_output(self, inputs, s3.download_records("down/"))


if __name__ == "__main__":
    unittest.main()
