"""A randomized rotation test: a writer appends numbered records (some lines written in two
halves, so that lines span reads) while random operations rotate the file under it: rename +
create, copytruncate (copy, then truncate, without stopping the writer: the real race) and
truncation in place. The shipped records are compared with what was written, one by one.

Records written between a copytruncate's copy and its truncation are in no file any more; they
are counted from the files left on disk and reported as the copytruncate race window, never
mixed with ferry's own losses (which must be zero), and no record may be shipped twice.
FERRY_TAILING_SEED=<n> replays a run."""
import os
import shutil
import time
import unittest

import tailing_support as ts

DURATION = 8.0


class HalfLineWriter(ts.Writer):
    """A Writer whose every third batch ends with a line written in two halves."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.batches = 0

    def _run(self):
        while not self._stop.is_set():
            with self.lock:
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    lines = [ts.line(self.scenario, self.next + i) for i in range(self.batch)]
                    data = b"".join(lines)
                    if self.batches % 3 == 2:
                        cut = len(data) - len(lines[-1]) // 2
                        os.write(fd, data[:cut])
                        time.sleep(0.002)
                        os.write(fd, data[cut:])
                    else:
                        os.write(fd, data)
                    self.written += [f"{self.scenario}-{self.next + i}"
                                     for i in range(self.batch)]
                    self.next += self.batch
                    self.batches += 1
                finally:
                    os.close(fd)
            time.sleep(self.period)


class Randomized(ts.ScenarioCase):
    def run_random(self, name, pattern_name, default_seed):
        seed, rng = ts.rng_from_env(default_seed)
        log = os.path.join(self.input, "app.log")
        open(log, "wb").close()
        prefix = f"{name}/"
        ferry = self.start(self.config(ts.flow(name, os.path.join(self.input, pattern_name),
                                               prefix)))
        self.wait_for_log(ferry, "following " + log)
        writer = HalfLineWriter(name, log, batch=10, period=0.005).start()
        ops = {"rename": 0, "copytruncate": 0, "truncate": 0}
        rotated = 0
        try:
            deadline = time.monotonic() + DURATION
            while time.monotonic() < deadline:
                time.sleep(rng.uniform(0.1, 0.6))
                op = rng.choice(["rename", "rename", "copytruncate", "copytruncate", "truncate"])
                ops[op] += 1
                rotated += 1
                target = os.path.join(self.input, f"app.log.{rotated}")
                if op == "rename":
                    os.rename(log, target)  # the writer creates app.log again
                elif op == "copytruncate":
                    shutil.copyfile(log, target)  # what logrotate's copytruncate does
                    os.truncate(log, 0)
                else:
                    # Rewrite in place: the writer pauses long enough for its lines to be read.
                    with writer.lock:
                        time.sleep(0.3)
                        os.truncate(log, 0)
        finally:
            writer.stop()
        time.sleep(3.0)
        text = self.stop(ferry)
        unreachable = set(writer.written) - ts.seqs_on_disk(self.input, "app.log")
        tally = ts.Tally(name, writer.written, self.shipped(prefix), unreachable)
        print(f"seed {seed}: {ops}", flush=True)
        if tally.lost or tally.duplicated:
            print(text[-6000:])
        tally.assert_exact(self)
        # Only copytruncate can destroy records (truncate in place waits for them to be read).
        self.assertLessEqual(len(tally.race_lost), 0 if ops["copytruncate"] == 0 else 10_000)

    def test_random_rotations_rotated_names_outside_the_pattern(self):
        self.run_random("random_out", "app.log", 1001)

    def test_random_rotations_rotated_names_inside_the_pattern(self):
        self.run_random("random_in", "app.log*", 2002)


if __name__ == "__main__":
    unittest.main()
