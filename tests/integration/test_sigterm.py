"""Follow mode: ferry tails files until SIGTERM / SIGINT, then completes what it has and exits 0.

While ferry runs the test appends to a file and creates a new matching file; with
maxObjectAgeMillis 1000 the records must show up at the destination while ferry still runs. A
signal then stops it within 15 s with exit code 0, every record delivered exactly once, no open
object left and a checkpoint written, so that a following `--once` ships nothing. A second story
signals ferry while its object is still open (age limit 60 s): the signal must complete it.
Both stories run on the directory destination and on S3: s3rver, and OpenStack Swift's S3 API
(strict multipart rules; not under the sanitizers, where the s3rver suite runs the same code).
"""
import json
import os
import signal
import tempfile
import time
import unittest

import harness

STOP_TIMEOUT = 15.0
DELIVERY_TIMEOUT = 30.0


class DirectoryDest:
    name = "directory"

    def __init__(self, out):
        self.out = out
        os.makedirs(out, exist_ok=True)
        self._cache = {}

    def config(self, tmp):
        return harness.base_config(tmp)

    def flow(self, name, pattern, **kw):
        return harness.dir_flow(name, pattern, self.out, "{flow}/%Y/%m/%d/", **kw)

    def keys(self):
        objects, _ = harness.directory_objects(self.out)
        return sorted(objects)

    def env(self):
        return None  # harness.ferry_env's defaults

    def lines(self, keys=None):
        objects, _ = harness.directory_objects(self.out)
        out = []
        for key in sorted(objects):
            if key not in self._cache:
                self._cache[key] = harness.records_of_objects({key: objects[key]})
            out += self._cache[key]
        return out

    # after a crash ferry can clean up its own temp files
    crash_leftovers_checkable = True

    def leftovers(self):
        """Temp files: objects begun and never completed."""
        return harness.directory_objects(self.out)[1]


class S3Dest:
    name = "s3"

    def __init__(self, s3, prefix):
        self.s3 = s3
        self.prefix = prefix
        self._cache = {}
        self.mark()

    def config(self, tmp):
        return harness.base_config(tmp, self.s3.endpoint)

    def env(self):
        return self.s3.ferry_env()  # the server's credentials

    def flow(self, name, pattern, **kw):
        return harness.s3_flow(name, pattern, self.prefix + "{flow}/%Y/%m/%d/", **kw)

    def keys(self):
        return sorted(self.s3.list_objects(self.prefix))

    def lines(self, keys=None):
        keys = self.keys() if keys is None else keys
        new = [k for k in keys if k not in self._cache]
        for key, data in self.s3.download_objects(keys=new).items():
            self._cache[key] = harness.records_of_objects({key: data})
        return [line for k in keys for line in self._cache[k]]

    # s3rver implements no AbortMultipartUpload, so an upload orphaned by a crash stays open
    crash_leftovers_checkable = False

    def leftovers(self):
        """Multipart uploads begun under this prefix's tests and neither completed nor aborted
        (s3rver's server-wide list, minus those open before the test)."""
        return [u for u in self.s3.open_uploads() if u not in self.before]

    def mark(self):
        self.before = set(self.s3.open_uploads())


def ids_of(lines):
    return {json.loads(line).get("id") for line in lines}


class FollowStories:
    """The stories, run by the destination-specific classes below."""

    def make_dest(self, tmp, story):
        raise NotImplementedError

    def _setup(self, story, **flow_options):
        self._tmpdir = tempfile.TemporaryDirectory(prefix=f"ferry-follow-{story}-")
        self.addCleanup(self._tmpdir.cleanup)
        tmp = self._tmpdir.name
        self.in_dir = os.path.join(tmp, "in")
        os.makedirs(self.in_dir)
        self.dest = self.make_dest(tmp, story)
        self.config = self.dest.config(tmp)
        self.config["flows"] = [self.dest.flow("live", os.path.join(self.in_dir, "*.log"),
                                               **flow_options)]
        self.config_path = os.path.join(tmp, "agent.json")
        self.a = os.path.join(self.in_dir, "a.log")
        self.b = os.path.join(self.in_dir, "b.log")
        harness.gen("seed", self.a, 300_000, seed=61, start_id=1)

    def _write_while_running(self):
        for i in range(5):
            harness.gen("seed", self.a, 40_000, seed=62 + i, start_id=100_000 * (i + 1),
                        append=True)
            time.sleep(0.2)
        # a file that did not exist when ferry started
        harness.gen("seed", self.b, 200_000, seed=70, start_id=2_000_001)
        time.sleep(0.3)
        harness.gen("seed", self.b, 40_000, seed=71, start_id=3_000_001, append=True)
        inputs = harness.Inputs("id")
        inputs.scan(self.a)
        inputs.scan(self.b)
        return inputs

    def _stop(self, ferry, sig):
        self.assertTrue(ferry.alive(), f"ferry exited on its own:\n{ferry.stderr()[-3000:]}")
        rc, secs = ferry.stop(sig, STOP_TIMEOUT)
        self.assertIsNotNone(rc, f"ferry did not exit within {STOP_TIMEOUT}s of "
                                 f"{signal.Signals(sig).name}:\n{ferry.stderr()[-3000:]}")
        self.assertEqual(rc, 0, f"exit code after {signal.Signals(sig).name}:\n"
                                f"{ferry.stderr()[-3000:]}")

    def _after_exit(self, inputs):
        keys = self.dest.keys()
        harness.check_seed_output(self, inputs, self.dest.lines(keys))
        self.assertEqual(self.dest.leftovers(), [], "objects left open after the signal")
        self.assertTrue(os.path.isfile(self.config["checkpointFile"]), "no checkpoint file")
        again = harness.run_ferry(self.config, "--once", timeout=60, config_path=self.config_path,
                                  env=self.dest.env())
        self.assertEqual(again.returncode, 0, again.describe())
        self.assertEqual(self.dest.keys(), keys, "--once after the signal shipped something")

    def _follow_then_signal(self, sig, story):
        self._setup(story, max_object_age_millis=1000, maxBufferAgeMillis=1000)
        with harness.FerryProcess(self.config, self.config_path, env=self.dest.env()) as ferry:
            inputs = self._write_while_running()
            want = set(inputs.records)
            got = harness.poll(lambda: want <= ids_of(self.dest.lines()) or not ferry.alive(),
                               DELIVERY_TIMEOUT, interval=0.5)
            missing = want - ids_of(self.dest.lines())
            self.assertFalse(missing, f"{len(missing)} of {len(want)} records not delivered "
                                      f"within {DELIVERY_TIMEOUT}s while following "
                                      f"(e.g. {sorted(missing)[:5]}):\n{ferry.stderr()[-3000:]}")
            self.assertTrue(got)
            self._stop(ferry, sig)
        self._after_exit(inputs)

    def _signal_completes_open_object(self, sig, story):
        self._setup(story, max_object_age_millis=60000)
        with harness.FerryProcess(self.config, self.config_path, env=self.dest.env()) as ferry:
            inputs = self._write_while_running()
            time.sleep(2.0)  # a bounded wait for ferry to read what was written
            self._stop(ferry, sig)
        self._after_exit(inputs)

    def test_sigkill_mid_delivery_then_restart_delivers_exactly_once(self):
        # A crash (SIGKILL) at several points of a large --once run; each restart resumes from
        # the checkpoint (continuing the open upload, or finding the object completed just
        # before the kill), and once a run completes every record is there exactly once.
        self._tmpdir = tempfile.TemporaryDirectory(prefix="ferry-crash-")
        self.addCleanup(self._tmpdir.cleanup)
        tmp = self._tmpdir.name
        in_dir = os.path.join(tmp, "in")
        os.makedirs(in_dir)
        self.dest = self.make_dest(tmp, "crash")
        self.config = self.dest.config(tmp)
        self.config["flows"] = [self.dest.flow("crash", os.path.join(in_dir, "*.log"),
                                               max_object_bytes=8 * harness.MIB)]
        self.config_path = os.path.join(tmp, "agent.json")
        inputs = harness.Inputs("id")
        big = os.path.join(in_dir, "big.log")
        harness.gen("seed", big, 40 * harness.MIB, seed=90, filler="random")
        inputs.scan(big)
        kills = 0
        # kill points spread over a run (a run of all the input takes ~1-2 s)
        for delay in (0.15, 0.3, 0.45, 0.6, 0.2, 0.35, 0.5, 0.75, 0.25, 0.4, 0.9, 1.1, 1.4,
                      0.8, 1.0, 1.3, 1.6, 2.0, 3.0):
            with harness.FerryProcess(self.config, self.config_path, "--once",
                                      env=self.dest.env()) as ferry:
                time.sleep(delay)
                if not ferry.alive():
                    break
                ferry.proc.kill()
                ferry.proc.wait(timeout=10)
                kills += 1
        final = harness.run_ferry(self.config, "--once", timeout=120,
                                  config_path=self.config_path, env=self.dest.env())
        self.assertEqual(final.returncode, 0, f"after {kills} kills: {final.describe()}")
        self.assertGreater(kills, 0, "ferry finished before it could be killed")
        keys = self.dest.keys()
        harness.check_seed_output(self, inputs, self.dest.lines(keys))
        if self.dest.crash_leftovers_checkable:
            self.assertEqual(self.dest.leftovers(), [], f"objects left open after {kills} "
                                                        f"kills and a clean run")

    def test_sigterm_while_following(self):
        self._follow_then_signal(signal.SIGTERM, "term")

    def test_sigint_while_following(self):
        self._follow_then_signal(signal.SIGINT, "int")

    def test_sigterm_completes_the_open_object(self):
        self._signal_completes_open_object(signal.SIGTERM, "term-open")

    def test_sigint_completes_the_open_object(self):
        self._signal_completes_open_object(signal.SIGINT, "int-open")


class DirectoryFollow(FollowStories, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_ferry()
        harness.require_zstd()

    def make_dest(self, tmp, story):
        return DirectoryDest(os.path.join(tmp, "out"))


class S3Follow(FollowStories, unittest.TestCase):
    server_class = harness.S3rver

    @classmethod
    def setUpClass(cls):
        harness.require_ferry()
        cls.server_class.require()
        cls.s3 = cls.server_class().__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.s3.__exit__(None, None, None)

    def make_dest(self, tmp, story):
        return S3Dest(self.s3, f"follow-{story}/")


@unittest.skipIf(harness.SANITIZED, "the s3rver suite runs this code under the sanitizers")
class S3FollowSwift(S3Follow):
    """The same against OpenStack Swift's S3 API (strict multipart rules, SigV4 verified)."""
    server_class = harness.Swift


if __name__ == "__main__":
    unittest.main()
