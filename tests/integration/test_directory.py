"""The user's story on the directory destination: log files -> `ferry --once` -> .json.zst files.

Objects appear under <path>/<rendered keyPrefix>/ only when complete (temp files start with '.'
and none may be left at exit); the real zstd CLI decompresses them. A small maxObjectBytes makes
the flow write several objects. Then a second run ships nothing and, after appending, a third run
ships exactly the new lines. No S3 server is needed.
"""
import os
import tempfile
import time
import unittest

import harness
from harness import MIB

INVALID_LINES = [
    b"plain text INVALID-TOKEN-0101",
    b'{"id":"INVALID-TOKEN-0102"',
    b"[true, false, null, \"INVALID-TOKEN-0103\"]",
]
PARTIAL_ID = 9_100_001


class DirectoryOnceStory(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_ferry()
        harness.require_zstd()
        cls._tmp = tempfile.TemporaryDirectory(prefix="ferry-dir-once-")
        try:
            cls._prepare(cls._tmp.name)
            cls.t0 = time.time()
            cls.run1 = harness.run_ferry(cls.config, "--once", timeout=120,
                                         config_path=cls.config_path)
            cls.t1 = time.time()
            cls.objects1, cls.temps1 = harness.directory_objects(cls.out)
        except BaseException:
            cls._tmp.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    @classmethod
    def _prepare(cls, t):
        cls.tmp = t
        in_dir = os.path.join(t, "in")
        wickr_dir = os.path.join(t, "wickr")
        cls.out = os.path.join(t, "out")
        for d in (in_dir, wickr_dir, cls.out):
            os.makedirs(d)
        cls.x = os.path.join(in_dir, "x.log")
        cls.y = os.path.join(in_dir, "y.log")
        harness.gen("seed", cls.x, 4 * MIB, seed=41, start_id=1, filler="random")
        harness.gen("seed", cls.y, 1 * MIB, seed=42, start_id=1_000_001)
        harness.append_bytes(cls.y, b"\n" + b"\n".join(INVALID_LINES) + b"\n")
        harness.gen("seed", cls.y, 2 * MIB, seed=43, start_id=2_000_001, append=True)
        partial = os.path.join(t, "partial")
        harness.gen("seed", partial, 1, seed=44, start_id=PARTIAL_ID)
        with open(partial, "rb") as f:
            harness.append_bytes(cls.y, f.read()[:-1])  # no '\n': not a record yet
        os.unlink(partial)
        cls.w = os.path.join(wickr_dir, "w.log")
        harness.gen("wickr", cls.w, 2 * MIB, seed=45, start_id=1)

        cls.seed_inputs = harness.Inputs("id")
        cls.ends = {p: cls.seed_inputs.scan(p) for p in (cls.x, cls.y)}
        cls.wickr_inputs = harness.Inputs("message_id")
        cls.wickr_end = cls.wickr_inputs.scan(cls.w)

        cls.seed_prefix = "{flow}/%Y/%m/%d/"
        cls.wickr_prefix = "archive/{flow}/%Y/{host}/"
        cls.config = harness.base_config(t)
        cls.config["flows"] = [
            harness.dir_flow("seed", os.path.join(in_dir, "*.log"), cls.out, cls.seed_prefix,
                             max_object_bytes=1 * MIB),
            harness.dir_flow("wickr", os.path.join(wickr_dir, "*.log"), cls.out, cls.wickr_prefix,
                             redact=False),
        ]
        cls.config_path = os.path.join(t, "agent.json")

    def assertRan(self, result):
        self.assertEqual(result.returncode, 0, result.describe())

    def split(self, objects):
        seed = {k: v for k, v in objects.items() if k.startswith("seed/")}
        wickr = {k: v for k, v in objects.items() if k.startswith("archive/")}
        self.assertEqual(len(seed) + len(wickr), len(objects),
                         f"objects outside the flows' prefixes: {sorted(objects)}")
        return seed, wickr

    def test_1_once_exits_0_leaves_no_temp_file_and_a_checkpoint(self):
        self.assertRan(self.run1)
        self.assertEqual(self.temps1, [], "temp files left in the output directory")
        self.assertTrue(os.path.isfile(self.config["checkpointFile"]))

    def test_2_keys_render_strftime_flow_and_host(self):
        self.assertRan(self.run1)
        seed, wickr = self.split(self.objects1)
        self.assertTrue(seed and wickr, f"objects: {sorted(self.objects1)}")
        for prefix, flow, objs in ((self.seed_prefix, "seed", seed),
                                   (self.wickr_prefix, "wickr", wickr)):
            rx = harness.key_prefix_regex(prefix, flow, self.t0, self.t1)
            for key in objs:
                m = rx.match(key)
                self.assertIsNotNone(m, f"{key!r} does not start with {rx.pattern}")
                self.assertRegex(key[m.end():], r"^[^/.][^/]*\.json\.zst$")

    def test_3_seed_records_arrive_once_redacted_in_several_objects(self):
        self.assertRan(self.run1)
        seed, _ = self.split(self.objects1)
        self.assertGreaterEqual(len(seed), 2, "maxObjectBytes 1 MiB should split ~6 MiB of input")
        harness.check_seed_output(self, self.seed_inputs, harness.records_of_objects(seed))

    def test_4_wickr_records_pass_byte_for_byte(self):
        self.assertRan(self.run1)
        _, wickr = self.split(self.objects1)
        harness.check_passthrough_output(self, self.wickr_inputs,
                                         harness.records_of_objects(wickr))

    def test_4b_audit_line_counts_what_the_rule_did(self):
        self.assertRan(self.run1)
        seed, _ = self.split(self.objects1)
        lines = harness.records_of_objects(seed)
        flagged = sum(1 for line in lines if b'"data_redacted":true' in line)
        replaced = sum(line.count(b'"REDACTED_CONTENT"') for line in lines)
        self.assertGreater(flagged, 0)
        expected = (f"audit: flow seed rule 1 consent data_share_consent, fields dob, ssn_no "
                    f"(replace): {flagged} records changed, {replaced} values redacted")
        self.assertIn(expected, self.run1.stderr, self.run1.describe())
        # A flow without rules has no audit line.
        self.assertNotIn("audit: flow wickr", self.run1.stderr)

    def test_5_second_once_ships_nothing(self):
        self.assertRan(self.run1)
        run2 = harness.run_ferry(self.config, "--once", timeout=60, config_path=self.config_path)
        self.assertRan(run2)
        objects, temps = harness.directory_objects(self.out)
        self.assertEqual(temps, [])
        self.assertEqual(sorted(objects), sorted(self.objects1),
                         "a second --once over unchanged files wrote objects")

    def test_6_appended_lines_are_shipped_and_only_they(self):
        self.assertRan(self.run1)
        before, _ = harness.directory_objects(self.out)
        harness.append_bytes(self.y, b"\n")  # completes the unterminated line
        harness.gen("seed", self.y, 100_000, seed=51, start_id=3_000_001, append=True)
        harness.append_bytes(self.y, b"INVALID-TOKEN-0104 still not json\n")
        harness.gen("seed", self.x, 100_000, seed=52, start_id=4_000_001, append=True)
        harness.gen("wickr", self.w, 50_000, seed=53, start_id=1_000_000, append=True)
        new_seed = harness.Inputs("id")
        for p, end in self.ends.items():
            new_seed.scan(p, start=end)
        new_wickr = harness.Inputs("message_id")
        new_wickr.scan(self.w, start=self.wickr_end)
        self.assertIn(PARTIAL_ID, new_seed.records)

        run3 = harness.run_ferry(self.config, "--once", timeout=60, config_path=self.config_path)
        self.assertRan(run3)
        after, temps = harness.directory_objects(self.out)
        self.assertEqual(temps, [])
        for k, data in before.items():
            self.assertEqual(after.get(k), data, f"object {k} changed or vanished")
        new = {k: v for k, v in after.items() if k not in before}
        seed, wickr = self.split(new)
        harness.check_seed_output(self, new_seed, harness.records_of_objects(seed))
        harness.check_passthrough_output(self, new_wickr, harness.records_of_objects(wickr))


class JavaNioGlobs(unittest.TestCase):
    """filePattern is the Kinesis Agent's Java NIO glob: [0-9] classes and {a,b} groups work in
    any component (they were refused); what they do not match is not read."""

    def test_classes_and_groups_select_the_files(self):
        harness.require_ferry()
        harness.require_zstd()
        with tempfile.TemporaryDirectory(prefix="ferry-nio-glob-") as t:
            wanted, unwanted = [], []
            for d, name, want in (("web1", "app.log", True), ("api2", "app.txt", True),
                                  ("web", "app.log", False), ("db1", "app.log", False),
                                  ("web3", "app.csv", False)):
                os.makedirs(os.path.join(t, "in", d), exist_ok=True)
                line = f'{{"file":"{d}/{name}"}}'.encode()
                with open(os.path.join(t, "in", d, name), "wb") as f:
                    f.write(line + b"\n")
                (wanted if want else unwanted).append(line)
            cfg = harness.base_config(t)
            cfg["flows"] = [harness.dir_flow("nio", os.path.join(t, "in", "{web,api}[0-9]",
                                                                 "app.{log,txt}"),
                                             os.path.join(t, "out"), "", redact=False)]
            result = harness.run_ferry(cfg, "--once", timeout=60,
                                       config_path=os.path.join(t, "agent.json"))
            self.assertEqual(result.returncode, 0, result.describe())
            objects, _ = harness.directory_objects(os.path.join(t, "out"))
            self.assertEqual(sorted(harness.records_of_objects(objects)), sorted(wanted))


if __name__ == "__main__":
    unittest.main()
