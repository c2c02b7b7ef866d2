"""Support for the tailing scenario tests (tests/integration/test_tailing_*.py): numbered record
lines, writers that append them while files rotate, and the written / shipped / lost / duplicated
tally that every scenario prints and asserts.

Every record is one JSON line {"seq": "<scenario>-<n>", "pad": "..."} with a sequence number that
is unique in the run, so that shipped records can be matched one by one with written ones."""
import gzip
import json
import os
import random
import re
import signal
import tempfile
import threading
import time
import unittest

import harness

SEQ = re.compile(rb'"seq": "([^"]+)"')


def line(scenario, n, pad=40):
    return (json.dumps({"seq": f"{scenario}-{n}", "pad": "x" * pad}) + "\n").encode()


def seqs_in(data):
    """Sequence numbers of the complete and partial record lines in `data` (bytes)."""
    return [m.group(1).decode() for m in SEQ.finditer(data)]


def whole_record(raw):
    """The sequence number of a whole record line (bytes, without newline), else None."""
    try:
        obj = json.loads(raw)
    except ValueError:
        return None
    return obj.get("seq") if isinstance(obj, dict) else None


def seqs_on_disk(directory, prefix):
    """Every record still held whole (complete line) by the files of `directory` whose name
    starts with `prefix` (.gz copies included): what any tailer could still have read."""
    found = set()
    for name in os.listdir(directory):
        if not name.startswith(prefix):
            continue
        path = os.path.join(directory, name)
        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "rb") as f:
            for raw in f.read().split(b"\n"):
                seq = whole_record(raw)
                if seq is not None:
                    found.add(seq)
    return found


class Tally:
    """written vs shipped, one record at a time; printed as the scenario's closing line."""

    def __init__(self, scenario, written, shipped_lines, unreachable=None):
        self.scenario = scenario
        self.written = list(written)
        # None: the scenario destroys nothing; a set: records gone before any tailer could read
        # them whole (copytruncate's race window: written after the copy, or torn by the cut).
        self.race_window = unreachable is not None
        written_set = set(self.written)
        self.unreachable = set(unreachable or ()) & written_set
        self.shipped = []
        self.torn = []  # pieces of records torn by a truncation, shipped as what the files held
        for raw in shipped_lines:
            seq = whole_record(raw)
            if seq is not None:
                self.shipped.append(seq)
                continue
            ids = seqs_in(raw)
            if not self.race_window or (ids and ids[0] not in self.unreachable) or len(ids) > 1:
                raise AssertionError(f"{scenario}: shipped line is not a record: {raw[:200]!r}")
            self.torn.append(raw)
        shipped_set = set(self.shipped)
        self.lost = sorted(written_set - shipped_set - self.unreachable)
        self.race_lost = sorted(self.unreachable - shipped_set)
        self.duplicated = len(self.shipped) - len(shipped_set)
        self.unexpected = sorted(shipped_set - written_set)

    def report(self):
        text = (f"tailing scenario {self.scenario}: written {len(self.written)}, shipped "
                f"{len(set(self.shipped))}, lost {len(self.lost)}, duplicated {self.duplicated}")
        if self.race_window:
            text += (f" (copytruncate race window: {len(self.race_lost)} records were in no "
                     f"file whole any more, not counted as lost; {len(self.torn)} torn pieces "
                     f"of them shipped as the files held them)")
        print("\n" + text, flush=True)
        return text

    def assert_exact(self, tc):
        self.report()
        tc.assertEqual(self.lost[:20], [], f"{len(self.lost)} records lost (first 20)")
        tc.assertEqual(self.duplicated, 0, "records shipped twice")
        tc.assertEqual(self.unexpected[:20], [], "records shipped that were never written")


class Writer:
    """Appends numbered records to `path` from a thread: `batch` lines every `period` seconds.

    reopen=True opens the path for each batch (a logger that follows its file name: rename +
    create rotation); reopen=False keeps one O_APPEND descriptor (the copytruncate case)."""

    def __init__(self, scenario, path, reopen=True, batch=20, period=0.01, start=0):
        self.scenario, self.path, self.reopen = scenario, path, reopen
        self.batch, self.period = batch, period
        self.next = start
        self.written = []
        self.lock = threading.Lock()  # held while a batch is written: pause() waits for it
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        fd = None
        try:
            while not self._stop.is_set():
                with self.lock:
                    if fd is None or self.reopen:
                        if fd is not None:
                            os.close(fd)
                        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                    data = b"".join(line(self.scenario, self.next + i) for i in range(self.batch))
                    os.write(fd, data)
                    self.written += [f"{self.scenario}-{self.next + i}" for i in range(self.batch)]
                    self.next += self.batch
                time.sleep(self.period)
        finally:
            if fd is not None:
                os.close(fd)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._thread.join()


def flow(name, pattern, prefix, **extra):
    """An S3 flow without redaction (records pass byte for byte), quick to complete objects."""
    f = harness.s3_flow(name, pattern, prefix, redact=False, max_object_age_millis=1000,
                        maxBufferAgeMillis=1000)
    f.update(extra)
    return f


class ScenarioCase(unittest.TestCase):
    """One s3rver for the class; each test gets a temp directory and its own key prefix."""

    @classmethod
    def setUpClass(cls):
        harness.require_ferry()
        cls.s3 = harness.S3rver().__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.s3.__exit__(None, None, None)

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="ferry-tailing-")
        self.tmp = self._tmp.name
        self.input = os.path.join(self.tmp, "in")
        os.makedirs(self.input)

    def tearDown(self):
        if os.environ.get("FERRY_TAILING_KEEP"):  # debugging: keep inputs and ferry's log
            print(f"\nkept {self.tmp}", flush=True)
            self._tmp._finalizer.detach()
            return
        self._tmp.cleanup()

    def config(self, *flows, **root):
        cfg = harness.base_config(self.tmp, self.s3.endpoint)
        cfg["flows"] = list(flows)
        cfg.update(root)
        return cfg

    def start(self, config, *args):
        ferry = harness.FerryProcess(config, os.path.join(self.tmp, "agent.json"), *args)
        self.addCleanup(ferry.close)
        return ferry

    def wait_for_log(self, ferry, text, timeout=15.0):
        ok = harness.poll(lambda: text in ferry.stderr() or not ferry.alive(), timeout)
        self.assertTrue(ok and text in ferry.stderr(),
                        f"ferry did not log {text!r}:\n{ferry.stderr()[-3000:]}")

    def stop(self, ferry):
        rc, _ = ferry.stop(signal.SIGTERM, timeout=60)
        self.assertEqual(rc, 0, f"ferry exited {rc}:\n{ferry.stderr()[-3000:]}")
        return ferry.stderr()

    def shipped(self, prefix):
        return self.s3.download_records(prefix)


def rng_from_env(default):
    seed = int(os.environ.get("FERRY_TAILING_SEED", default))
    return seed, random.Random(seed)
