"""Helpers for the Kinesis / Firehose destination tests (stdlib only, loopback only).

- Kinesalite: the real Kinesis-compatible server (tools/kinesalite, in memory) on 127.0.0.1,
  with streams created and read back by an independent client (awscli): every shard from
  TRIM_HORIZON.
- the Firehose emulator (tools/firehose_endpoint.py) is imported from tools/.
- ferry runs with the credentials of its agent.json and an otherwise empty AWS environment.
- tally(): what was written against what was delivered (missing, extra, duplicates).
"""
import base64
import collections
import concurrent.futures
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

import aws_cli
import harness
from harness import SOURCE_DIR

sys.path.insert(0, os.path.join(SOURCE_DIR, "tools"))
from firehose_endpoint import FirehoseEndpoint  # noqa: E402,F401  (tools/ is not a package)
from sigv4_verify import KeyTable  # noqa: E402,F401

KINESALITE_DIR = os.path.join(SOURCE_DIR, "tools", "kinesalite")
KINESALITE_BIN = os.path.join(KINESALITE_DIR, "node_modules", ".bin", "kinesalite")
KINESALITE_SERVE = os.path.join(KINESALITE_DIR, "serve.js")


def require_kinesis_tools():
    if not (os.access(KINESALITE_BIN, os.X_OK) and shutil.which("node")):
        raise unittest.SkipTest(f"kinesalite not installed at {KINESALITE_BIN} (run tools/setup)")
    if not harness.aws_bin():
        raise unittest.SkipTest("the aws CLI is not installed (apt-get install awscli)")


# ----------------------------------------------------------------------------------------------
# ferry with an otherwise empty AWS environment

def clean_env(home):
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
            "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}


def run_once(config_path, home, timeout=120):
    """`ferry --once --config F` to completion; a harness.FerryResult."""
    harness.require_ferry()
    argv = ["--config", config_path, "--once"]
    proc = subprocess.Popen([harness.FERRY_BIN, *argv], env=clean_env(home),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        harness.stop_process_group(proc, timeout=5)
        out, err = proc.communicate()
        raise AssertionError(f"ferry --once did not finish within {timeout}s\n--- stderr (tail)\n"
                             f"{err.decode(errors='replace')[-3000:]}")
    return harness.FerryResult(argv, proc.returncode, out.decode(errors="replace"),
                               err.decode(errors="replace"))


class Follower:
    """ferry in follow mode (no --once), stderr to a file."""

    def __init__(self, config_path, home):
        harness.require_ferry()
        self.stderr_path = config_path + ".stderr"
        self._err = open(self.stderr_path, "ab")
        self.proc = subprocess.Popen([harness.FERRY_BIN, "--config", config_path],
                                     env=clean_env(home), stdin=subprocess.DEVNULL,
                                     stdout=self._err, stderr=self._err, start_new_session=True)

    def stderr(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self, sig, timeout=20.0):
        """Sends `sig` to ferry; returns its exit code (None if it did not exit in time)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def close(self):
        harness.stop_process_group(self.proc, timeout=5)
        self._err.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def scrape_metrics(port):
    """{(metric name, flow label): value} from ferry's /metrics, or {} if it does not answer."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
            text = r.read().decode()
    except OSError:
        return {}
    out = {}
    for m in re.finditer(r'^(\w+)\{[^}]*flow="([^"]*)"[^}]*\}\s+([0-9.eE+-]+)$', text, re.M):
        out[(m.group(1), m.group(2))] = float(m.group(3))
    return out


# ----------------------------------------------------------------------------------------------
# what was written against what was delivered

def lines_of_datas(tc, datas, aggregated=False):
    """The record lines (without '\\n') of stream records' Data: each Data must end in '\\n',
    and hold exactly one record unless `aggregated`."""
    lines = []
    for i, d in enumerate(datas):
        tc.assertTrue(d.endswith(b"\n"), f"record Data {i} does not end with '\\n': {d[-80:]!r}")
        parts = d[:-1].split(b"\n")
        if not aggregated:
            tc.assertEqual(len(parts), 1, f"record Data {i} holds {len(parts)} lines")
        lines.extend(parts)
    return lines


def tally(inputs, lines):
    """Compares delivered `lines` with harness.Inputs passed through unchanged.

    Returns a dict: written, delivered (distinct records), duplicates (extra copies), missing,
    extra (lines that are no input record), changed (ids delivered with other bytes)."""
    seen = collections.Counter()
    extra, changed = [], []
    for line in lines:
        try:
            k = json.loads(line)[inputs.key]
        except (ValueError, KeyError, TypeError):
            extra.append(line[:120])
            continue
        if k not in inputs.records:
            extra.append(line[:120])
            continue
        if inputs.records[k][2] != line:
            changed.append(k)
        seen[k] += 1
    return {"written": len(inputs.records), "delivered": len(seen),
            "duplicates": sum(n - 1 for n in seen.values()),
            "missing": sorted(set(inputs.records) - set(seen)), "extra": extra,
            "changed": changed}


def assert_exactly_once(tc, t, what):
    tc.assertEqual(t["missing"][:20], [], f"{what}: {len(t['missing'])} records missing")
    tc.assertEqual(t["extra"][:5], [], f"{what}: {len(t['extra'])} unexpected lines")
    tc.assertEqual(t["changed"][:20], [], f"{what}: {len(t['changed'])} records changed")
    tc.assertEqual(t["duplicates"], 0, f"{what}: {t['duplicates']} duplicates")


def summary(destination, t):
    line = (f"streams summary: {destination}: records written {t['written']}, delivered "
            f"{t['delivered']}, duplicates {t['duplicates']}, missing {len(t['missing'])}")
    print(line, file=sys.stderr, flush=True)
    return line


# ----------------------------------------------------------------------------------------------
# kinesalite + awscli

KinesisRecord = collections.namedtuple("KinesisRecord", "shard partition_key data sequence")


class Kinesalite:
    """kinesalite in memory on 127.0.0.1 (tools/kinesalite/serve.js), read through awscli."""

    def __init__(self):
        self.proc = None
        self.port = None
        self.tmp = None

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        require_kinesis_tools()
        self.tmp = tempfile.TemporaryDirectory(prefix="ferry-kinesalite-")
        self.home = self.tmp.name
        self.log_path = os.path.join(self.tmp.name, "kinesalite.log")
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self):
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(["node", KINESALITE_SERVE, "--port", "0",
                                          "--shardLimit", "100"], stdin=subprocess.DEVNULL,
                                         stdout=subprocess.PIPE, stderr=log,
                                         start_new_session=True, cwd=KINESALITE_DIR,
                                         env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                                              "HOME": self.home})
        deadline = time.monotonic() + 30
        line = b""
        while time.monotonic() < deadline and not line.endswith(b"\n"):
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.5)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 256)
                if not chunk:
                    break
                line += chunk
        m = re.search(rb"Listening at http://127\.0\.0\.1:(\d+)", line)
        if not m:
            with open(self.log_path, "rb") as f:
                raise RuntimeError(f"kinesalite did not start: {line!r} "
                                   f"{f.read()[-2000:].decode(errors='replace')}")
        self.port = int(m.group(1))

    def __exit__(self, *exc):
        if self.proc is not None:
            harness.stop_process_group(self.proc)
            self.proc.stdout.close()
            self.proc = None
        if self.tmp is not None:
            self.tmp.cleanup()
            self.tmp = None
        return False

    def aws_json(self, *args, timeout=120):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.home,
               "AWS_ACCESS_KEY_ID": "KINESALITE", "AWS_SECRET_ACCESS_KEY": "KINESALITE",
               "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
               "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
               "AWS_PAGER": "", "AWS_MAX_ATTEMPTS": "2"}
        p = aws_cli.run(harness.aws_bin(), ["--endpoint-url", self.endpoint, "--output", "json",
                                            "kinesis", *args], env, timeout=timeout, text=True)
        if p.returncode != 0:
            raise AssertionError(f"aws kinesis {' '.join(args)} failed ({p.returncode}): "
                                 f"{p.stderr[-2000:]}")
        return json.loads(p.stdout) if p.stdout.strip() else {}

    def create_stream(self, name, shards):
        self.aws_json("create-stream", "--stream-name", name, "--shard-count", str(shards))
        for _ in range(100):
            d = self.aws_json("describe-stream", "--stream-name", name)["StreamDescription"]
            if d["StreamStatus"] == "ACTIVE":
                return [s["ShardId"] for s in d["Shards"]]
            time.sleep(0.2)
        raise AssertionError(f"stream {name} did not become ACTIVE")

    def read_all(self, name):
        """Every record of every shard of stream `name`, from TRIM_HORIZON, in shard order
        (the shards are read in parallel: an awscli call costs about a second)."""
        d = self.aws_json("describe-stream", "--stream-name", name)["StreamDescription"]
        shards = [s["ShardId"] for s in d["Shards"]]
        with concurrent.futures.ThreadPoolExecutor(len(shards)) as pool:
            pages = list(pool.map(lambda shard: self.read_shard(name, shard), shards))
        return [r for page in pages for r in page]

    def read_shard(self, name, shard):
        out = []
        it = self.aws_json("get-shard-iterator", "--stream-name", name, "--shard-id", shard,
                           "--shard-iterator-type", "TRIM_HORIZON")["ShardIterator"]
        while it:
            page = self.aws_json("get-records", "--shard-iterator", it, "--limit", "10000")
            for r in page["Records"]:
                out.append(KinesisRecord(shard, r["PartitionKey"], base64.b64decode(r["Data"]),
                                         r["SequenceNumber"]))
            # kinesalite answers every record up to --limit (no 10 MB cap), and its
            # MillisBehindLatest is always 0: a short page means the shard is read.
            if len(page["Records"]) < 10000:
                break
            it = page.get("NextShardIterator")
        return out
