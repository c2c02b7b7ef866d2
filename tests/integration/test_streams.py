"""The stream destinations: a flow with "deliveryStream" -> Kinesis Data Firehose (PutRecordBatch),
a flow with "kinesisStream" -> a Kinesis data stream (PutRecords), proved end to end.

Firehose: tools/firehose_endpoint.py, an emulator on 127.0.0.1 in this process that checks every
request (SigV4 against the key pair handed to ferry, target, body shape, limits), records each
call and injects faults (failed records, throttled calls, 5xx). Kinesis: kinesalite, a real
Kinesis-compatible server on 127.0.0.1, read back by an independent client (awscli) across every
shard from TRIM_HORIZON. Every line written carries a unique id (tools/gen_records.py), so each
record is counted: clean runs must deliver each exactly once; after SIGKILL, at least once.

ferry runs with the credentials of its agent.json and an otherwise empty AWS environment.
"""
import hashlib
import json
import os
import signal
import subprocess
import tempfile
import time
import unittest

import aws_cli
import harness
import streams_support as ss
from harness import MIB

REGION = "us-east-1"


def stream_root(tmp, akid, secret, **extra):
    cfg = {"checkpointFile": os.path.join(tmp, "checkpoints"), "kinesis.region": REGION,
           "s3.region": REGION, "awsAccessKeyId": akid, "awsSecretAccessKey": secret,
           "cloudwatch.emitMetrics": False, "flows": []}
    cfg.update(extra)
    return cfg


def stream_flow(name, pattern, **keys):
    flow = {"name": name, "filePattern": pattern, "initialPosition": "START_OF_FILE",
            "maxBufferAgeMillis": 1000, "retryInitialBackoffMillis": 100,
            "retryMaxBackoffMillis": 1000}
    flow.update(keys)
    return flow


def write_source(path, nbytes, start_id, seed=1):
    """Seed records (~400 bytes, unique ids) into `path`; the harness.Inputs of the file."""
    harness.gen("seed", path, nbytes, seed=seed, start_id=start_id)
    inputs = harness.Inputs()
    inputs.scan(path)
    return inputs


class StreamTestCase(unittest.TestCase):
    def setUp(self):
        harness.require_ferry()
        self._tmp = tempfile.TemporaryDirectory(prefix="ferry-streams-")
        self.addCleanup(self._tmp.cleanup)
        self.tmp = self._tmp.name
        self.home = os.path.join(self.tmp, "home")
        os.makedirs(self.home)
        self.keys = ss.KeyTable()
        self.akid, self.secret, _ = self.keys.add("AKIASTREAMS", token=False)
        self.config_path = os.path.join(self.tmp, "agent.json")

    def write(self, cfg):
        return harness.write_config(self.config_path, cfg)

    def run_once(self, cfg, expect=0, timeout=120):
        r = ss.run_once(self.write(cfg), self.home, timeout=timeout)
        if expect is not None:
            self.assertEqual(r.returncode, expect, r.describe())
        self.assertNotIn(self.secret, r.stderr, "the secret access key was logged")
        return r

    def wait_metric(self, port, name, flow, at_least, timeout=60):
        def reached():
            v = ss.scrape_metrics(port).get((name, flow), 0)
            return v if v >= at_least else None
        value = harness.poll(reached, timeout, interval=0.2)
        self.assertIsNotNone(value, f"{name}{{flow={flow}}} did not reach {at_least} in "
                                    f"{timeout}s: {ss.scrape_metrics(port)}")
        return value


# ----------------------------------------------------------------------------------------------
# Firehose

class FirehoseTest(StreamTestCase):
    def setUp(self):
        super().setUp()
        self.fh = ss.FirehoseEndpoint(["ds1"], self.keys, region=REGION).start()
        self.addCleanup(self.fh.stop)
        self.source = os.path.join(self.tmp, "app.log")

    def config(self, nbytes=1200 * 1000, root=None, **flow_keys):
        """nbytes of seed records into the source file (None: the test wrote it)."""
        if nbytes is not None:
            self.inputs = write_source(self.source, nbytes, start_id=1_000_001)
        keys = {"deliveryStream": "ds1"}
        keys.update(flow_keys)
        cfg = stream_root(self.tmp, self.akid, self.secret, **{"firehose.endpoint": self.fh.url})
        cfg.update(root or {})
        cfg["flows"] = [stream_flow("fh", self.source, **keys)]
        return cfg

    def delivered(self, aggregated=False):
        lines = ss.lines_of_datas(self, self.fh.records("ds1"), aggregated=aggregated)
        return ss.tally(self.inputs, lines)

    def assert_clean(self):
        self.assertEqual(self.fh.violations, [], "ferry sent requests the service would refuse")
        self.assertEqual(sum(c.duplicates for c in self.fh.calls), 0,
                         "a record accepted before was sent again")

    def test_once_delivers_every_record_exactly_once(self):
        cfg = self.config()
        self.assertGreater(len(self.inputs.records), 2500)
        self.run_once(cfg)
        t = self.delivered()
        ss.assert_exactly_once(self, t, "firehose ds1")
        self.assert_clean()
        calls = [c for c in self.fh.calls if c.status == 200]
        self.assertEqual(sum(c.records for c in calls), t["written"])
        self.assertTrue(all(c.region == REGION for c in self.fh.calls))
        ss.summary("firehose ds1 (--once)", t)

    def test_aggregation_packs_whole_records_up_to_the_size(self):
        cfg = self.config(aggregatedRecordSizeBytes=20000)
        self.run_once(cfg)
        datas = self.fh.records("ds1")
        self.assertLessEqual(max(map(len, datas)), 20000)
        # ~400-byte records: a Data holds dozens of them, each whole with its '\n'.
        self.assertLess(len(datas), len(self.inputs.records) / 20, "records were not aggregated")
        ss.assert_exactly_once(self, self.delivered(aggregated=True), "firehose aggregated")
        self.assert_clean()

    def test_failed_records_are_resent_alone(self):
        port = harness.free_port()
        cfg = self.config(root={"metrics.listen": f"127.0.0.1:{port}"})
        self.fh.fail_every(7)
        with ss.Follower(self.write(cfg), self.home) as ferry:
            written = len(self.inputs.records)
            self.wait_metric(port, "ferry_records_shipped_total", "fh", written)
            acknowledged = len([c for c in self.fh.calls if c.status == 200])
            self.wait_metric(port, "ferry_stream_calls_total", "fh", acknowledged, timeout=10)
            metrics = ss.scrape_metrics(port)
            self.assertEqual(ferry.stop(signal.SIGTERM), 0, ferry.stderr()[-3000:])
        t = self.delivered()
        ss.assert_exactly_once(self, t, "firehose with failed records")
        self.assert_clean()
        calls = [c for c in self.fh.calls if c.status == 200]
        failed = sum(len(c.failed) for c in calls)
        self.assertGreater(failed, written // 7 - 10)
        mixed = [c for c in calls if c.retried and c.fresh]
        self.assertEqual(mixed, [], "a retry call held records that had not failed")
        self.assertEqual(sum(c.retried for c in calls), failed,
                         "every failed record is resent once per failure")
        self.assertEqual(metrics.get(("ferry_stream_record_errors_total", "fh")), failed)
        self.assertEqual(metrics.get(("ferry_stream_record_attempts_total", "fh")),
                         written + failed)
        self.assertEqual(metrics.get(("ferry_stream_calls_total", "fh")), len(calls))
        data_bytes = sum(len(d) for d in self.fh.records("ds1"))
        # "record bytes acknowledged": the Data bytes, with or without each record's '\n'.
        self.assertIn(metrics.get(("ferry_bytes_shipped_total", "fh")),
                      (data_bytes, data_bytes - written))
        ss.summary(f"firehose ds1 (every 7th record failed: {failed} failures)", t)

    def test_throttled_and_failing_calls_are_retried(self):
        cfg = self.config(nbytes=200 * 1000, maxBufferSizeRecords=100)
        self.fh.throttle_next(2, status=503, code="ServiceUnavailableException")
        self.fh.error_next(2)
        self.run_once(cfg)
        codes = [c.error for c in self.fh.calls if c.status != 200]
        self.assertEqual(sorted(codes), ["InternalFailure"] * 2 +
                         ["ServiceUnavailableException"] * 2)
        ss.assert_exactly_once(self, self.delivered(), "firehose after throttling")
        self.assert_clean()
        # ThrottlingException (400) is retried too.
        self.fh.throttle_next(2)
        end = os.path.getsize(self.source)
        harness.gen("seed", self.source, 20 * 1000, seed=3, start_id=2_000_001, append=True)
        self.inputs.scan(self.source, start=end)
        self.run_once(cfg)
        self.assertEqual([c.error for c in self.fh.calls if c.status != 200][-2:],
                         ["ThrottlingException"] * 2)
        ss.assert_exactly_once(self, self.delivered(), "firehose after ThrottlingException")

    def test_max_buffer_size_records_bounds_each_call(self):
        cfg = self.config(nbytes=400 * 1000, maxBufferSizeRecords=50)
        self.run_once(cfg)
        sizes = [c.records for c in self.fh.calls if c.status == 200]
        self.assertLessEqual(max(sizes), 50)
        self.assertGreaterEqual(len(sizes), len(self.inputs.records) / 50)
        ss.assert_exactly_once(self, self.delivered(), "firehose maxBufferSizeRecords 50")
        self.assert_clean()

    def test_max_buffer_size_bytes_bounds_each_call(self):
        cfg = self.config(nbytes=400 * 1000, maxBufferSizeBytes=16384)
        self.run_once(cfg)
        self.assertLessEqual(max(c.data_bytes for c in self.fh.calls), 16384)
        ss.assert_exactly_once(self, self.delivered(), "firehose maxBufferSizeBytes 16384")
        self.assert_clean()

    def test_redact_rule_applies_to_the_stream(self):
        cfg = self.config(nbytes=300 * 1000, redact=[dict(harness.SEED_RULE)])
        self.run_once(cfg)
        lines = ss.lines_of_datas(self, self.fh.records("ds1"))
        harness.check_seed_output(self, self.inputs, lines)
        self.assert_clean()

    def test_unknown_delivery_stream_fails_naming_it(self):
        cfg = self.config(nbytes=20 * 1000, deliveryStream="ds-missing")
        r = self.run_once(cfg, expect=None, timeout=90)
        self.assertNotEqual(r.returncode, 0, r.describe())
        self.assertIn("ds-missing", r.stderr)
        self.assertIn("ResourceNotFoundException", {c.error for c in self.fh.calls})
        self.assertEqual(self.fh.records("ds1"), [])

    def test_multi_line_records_keep_their_line_breaks(self):
        """As the Kinesis Agent (RegexSplitter): a multi-line record is one Firehose record
        with its line breaks (objects join lines with a space instead: one record a line)."""
        with open(self.source, "wb") as f:
            f.write(b"2026-12-05 ERROR one\n\tat a.b(C.java:1)\n\tat d.e(F.java:2)\n"
                    b"2026-12-05 INFO two\n")
        cfg = self.config(nbytes=None, multiLineStartPattern="\\d{4}-\\d{2}-\\d{2} ")
        self.run_once(cfg)
        self.assertEqual(sorted(self.fh.records("ds1")),
                         [b"2026-12-05 ERROR one\n\tat a.b(C.java:1)\n\tat d.e(F.java:2)\n",
                          b"2026-12-05 INFO two\n"])
        self.assert_clean()

    def test_record_over_the_limit_is_truncated_as_the_kinesis_agent_does(self):
        """The Kinesis Agent (FileTailer, AbstractRecord.truncate): a record over Firehose's
        1,024,000-byte limit keeps its first bytes and ends with truncatedRecordTerminator
        (default "\n"); the rest of the line is dropped, and the next line is a record again."""
        big = json.dumps({"id": 1, "notes": "x" * 1_500_000}).encode() + b"\n"
        small = [b'{"id":0}\n', b'{"id":2}\n']
        with open(self.source, "wb") as f:
            f.write(small[0] + big + small[1])
        r = self.run_once(self.config(nbytes=None, maxRecordBytes=4 * MIB))
        self.assertIn("flows[0].maxRecordBytes: 4194304 is above the stream's record limit",
                      r.stderr)
        self.assertIn("is longer than 1023999 bytes; shipped truncated", r.stderr)
        self.assertEqual(self.fh.records("ds1"), [small[0], big[:1_023_999] + b"\n", small[1]])
        self.assert_clean()

    def test_truncated_record_ends_with_the_configured_terminator(self):
        """truncatedRecordTerminator's final line break is the record's own: one newline."""
        big = b"y" * 1_100_000 + b"\n"
        with open(self.source, "wb") as f:
            f.write(big + b"next\n")
        self.run_once(self.config(nbytes=None, truncatedRecordTerminator="[cut]\n"))
        records = self.fh.records("ds1")
        self.assertEqual(records, [b"y" * (1_024_000 - 6) + b"[cut]\n", b"next\n"])
        self.assert_clean()


class FirehoseEmulatorTest(unittest.TestCase):
    """The emulator itself, driven by an independent client (awscli): it accepts what the
    service accepts and refuses what the service refuses, so ferry's passing tests mean
    something."""

    def aws(self, fh, secret, *args):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.home,
               "AWS_ACCESS_KEY_ID": "AKIAEMULATOR", "AWS_SECRET_ACCESS_KEY": secret,
               "AWS_DEFAULT_REGION": REGION, "AWS_EC2_METADATA_DISABLED": "true",
               "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
               "AWS_PAGER": "", "AWS_MAX_ATTEMPTS": "1"}
        return aws_cli.run(harness.aws_bin(), ["--endpoint-url", fh.url, "--output", "json",
                                               "firehose", "put-record-batch", *args], env,
                           timeout=60, text=True)

    def test_emulator_checks_signature_stream_and_failures(self):
        if not harness.aws_bin():
            raise unittest.SkipTest("the aws CLI is not installed (apt-get install awscli)")
        with tempfile.TemporaryDirectory(prefix="ferry-emulator-") as self.home, \
                ss.FirehoseEndpoint(["ds1"], ("AKIAEMULATOR", "right-secret"),
                                    region=REGION) as fh:
            records = ["--cli-binary-format", "raw-in-base64-out", "--records",
                       json.dumps([{"Data": "one\n"}, {"Data": "two\n"}, {"Data": "three\n"}])]
            p = self.aws(fh, "right-secret", "--delivery-stream-name", "ds1", *records)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(json.loads(p.stdout)["FailedPutCount"], 0)
            self.assertEqual(fh.records("ds1"), [b"one\n", b"two\n", b"three\n"])
            self.assertEqual(fh.violations, [])

            p = self.aws(fh, "wrong-secret", "--delivery-stream-name", "ds1", *records)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("SignatureDoesNotMatch", p.stderr)
            self.assertEqual(len(fh.violations), 1, fh.violations)

            p = self.aws(fh, "right-secret", "--delivery-stream-name", "nope", *records)
            self.assertIn("ResourceNotFoundException", p.stderr)

            fh.fail_every(2)
            p = self.aws(fh, "right-secret", "--delivery-stream-name", "ds1", *records)
            answer = json.loads(p.stdout)
            self.assertEqual(answer["FailedPutCount"], 1)
            self.assertEqual(answer["RequestResponses"][1]["ErrorCode"],
                             "ServiceUnavailableException")
            self.assertEqual(fh.calls[-1].failed, [1])
            self.assertEqual(fh.calls[-1].duplicates, 3)  # all three were accepted before
            self.assertEqual(len(fh.records("ds1")), 5)


# ----------------------------------------------------------------------------------------------
# Kinesis (kinesalite)

class KinesisTest(StreamTestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_ferry()
        cls.kinesis = ss.Kinesalite().__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.kinesis.__exit__(None, None, None)

    def root(self, **extra):
        return stream_root(self.tmp, self.akid, self.secret,
                           **{"kinesis.endpoint": self.kinesis.endpoint}, **extra)

    def delivered(self, stream, inputs):
        records = self.kinesis.read_all(stream)
        lines = ss.lines_of_datas(self, [r.data for r in records])
        return records, ss.tally(inputs, lines)

    def test_once_across_shards_with_deterministic_and_random_keys(self):
        self.kinesis.create_stream("ks-det", 3)
        self.kinesis.create_stream("ks-rand", 3)
        det_src, rand_src = (os.path.join(self.tmp, n) for n in ("det.log", "rand.log"))
        det_in = write_source(det_src, 1000 * 1000, start_id=1, seed=5)
        rand_in = write_source(rand_src, 1000 * 1000, start_id=5_000_001, seed=6)
        cfg = self.root()
        cfg["flows"] = [
            stream_flow("det", det_src, kinesisStream="ks-det", partitionKeyOption="DETERMINISTIC"),
            stream_flow("rand", rand_src, kinesisStream="ks-rand", partitionKeyOption="RANDOM")]
        self.run_once(cfg)

        records, t = self.delivered("ks-det", det_in)
        ss.assert_exactly_once(self, t, "kinesis ks-det")
        wrong = [r for r in records if r.partition_key != hashlib.md5(r.data).hexdigest()]
        self.assertEqual(wrong[:3], [], f"{len(wrong)} DETERMINISTIC keys are not md5(Data)")
        self.assertEqual(len({r.shard for r in records}), 3, "not spread across the shards")
        ss.summary("kinesis ks-det (DETERMINISTIC, 3 shards)", t)

        records, t = self.delivered("ks-rand", rand_in)
        ss.assert_exactly_once(self, t, "kinesis ks-rand")
        keys = [r.partition_key for r in records]
        self.assertGreater(len(set(keys)), len(keys) * 0.9, "RANDOM keys do not vary")
        self.assertTrue(all(1 <= len(k) <= 256 for k in keys))
        self.assertEqual(len({r.shard for r in records}), 3, "not spread across the shards")
        ss.summary("kinesis ks-rand (RANDOM, 3 shards)", t)

    def test_record_over_the_limit_is_truncated_with_its_partition_key_counted(self):
        """The Kinesis Agent (KinesisRecord): the 1 MiB limit holds the data and the partition
        key, so a long line keeps 1 MiB less the key; kinesalite refuses anything larger."""
        self.kinesis.create_stream("ks-cut", 1)
        src = os.path.join(self.tmp, "cut.log")
        with open(src, "wb") as f:
            f.write(b"k" * 1_200_000 + b"\nafter\n")
        cfg = self.root()
        cfg["flows"] = [stream_flow("cut", src, kinesisStream="ks-cut")]
        self.run_once(cfg)
        datas = [r.data for r in self.kinesis.read_all("ks-cut")]
        self.assertEqual(datas, [b"k" * (MIB - 32 - 1) + b"\n", b"after\n"])

    def test_following_appends_then_sigterm(self):
        self.kinesis.create_stream("ks-follow", 2)
        src = os.path.join(self.tmp, "follow.log")
        inputs = write_source(src, 100 * 1000, start_id=1, seed=7)
        port = harness.free_port()
        cfg = self.root(**{"metrics.listen": f"127.0.0.1:{port}"})
        cfg["flows"] = [stream_flow("follow", src, kinesisStream="ks-follow",
                                    partitionKeyOption="RANDOM")]
        with ss.Follower(self.write(cfg), self.home) as ferry:
            self.wait_metric(port, "ferry_records_shipped_total", "follow", len(inputs.records))
            for i in range(3):
                harness.gen("seed", src, 50 * 1000, seed=8 + i, start_id=100_001 + i * 10_000,
                            append=True)
                time.sleep(0.5)
            inputs = harness.Inputs()
            inputs.scan(src)
            self.wait_metric(port, "ferry_records_shipped_total", "follow", len(inputs.records))
            calls = ss.scrape_metrics(port).get(("ferry_stream_calls_total", "follow"), 0)
            self.assertEqual(ferry.stop(signal.SIGTERM), 0, ferry.stderr()[-3000:])
        self.assertGreaterEqual(calls, 2)
        _, t = self.delivered("ks-follow", inputs)
        ss.assert_exactly_once(self, t, "kinesis ks-follow")
        ss.summary("kinesis ks-follow (following, appends, SIGTERM)", t)

    def test_sigkill_mid_run_then_restart_loses_nothing(self):
        self.kinesis.create_stream("ks-kill", 2)
        src = os.path.join(self.tmp, "kill.log")
        inputs = write_source(src, 4 * MIB, start_id=1, seed=9)
        port = harness.free_port()
        cfg = self.root(**{"metrics.listen": f"127.0.0.1:{port}"})
        cfg["flows"] = [stream_flow("kill", src, kinesisStream="ks-kill",
                                    partitionKeyOption="DETERMINISTIC", maxBufferSizeRecords=50)]
        with ss.Follower(self.write(cfg), self.home) as ferry:
            shipped = self.wait_metric(port, "ferry_records_shipped_total", "kill", 1)
            ferry.stop(signal.SIGKILL, timeout=10)
        self.run_once(cfg)
        _, t = self.delivered("ks-kill", inputs)
        self.assertEqual(t["missing"][:20], [], f"{len(t['missing'])} records lost")
        self.assertEqual((t["extra"][:5], t["changed"][:5]), ([], []))
        ss.summary(f"kinesis ks-kill (SIGKILL after >= {int(shipped)} of {t['written']} shipped, "
                   f"then --once)", t)


# ----------------------------------------------------------------------------------------------
# A stream that throttles without end, beside an S3 flow

class StreamIsolationTest(StreamTestCase):
    def test_a_stream_throttled_without_end_holds_up_no_other_flow(self):
        # Every call to the delivery stream is throttled until the test says otherwise; while
        # following, each is retried for as long as it takes, on the sender's threads (at most
        # 8). The flow's calls past them wait in the shipper, with its next batches; the S3
        # flow beside it delivers meanwhile. Before, the shipper waited for a thread, and no
        # flow shipped anything until the throttling ended.
        harness.require_s3_tools()
        with harness.S3rver() as s3, \
                ss.FirehoseEndpoint(["ds-slow"], (harness.ACCESS_KEY, harness.SECRET_KEY),
                                    region=REGION) as fh:
            fh.throttle_next(10**9)
            stream_src = os.path.join(self.tmp, "stream.log")
            s3_src = os.path.join(self.tmp, "s3.log")
            stream_inputs = write_source(stream_src, 200 * 1000, 1, seed=31)  # 50 calls
            cfg = stream_root(self.tmp, harness.ACCESS_KEY, harness.SECRET_KEY,
                              **{"firehose.endpoint": fh.url, "s3.endpoint": s3.endpoint,
                                 "s3.forcePathStyle": True})
            cfg["flows"] = [
                stream_flow("to-firehose", stream_src, deliveryStream="ds-slow",
                            maxBufferSizeRecords=10),
                harness.s3_flow("to-s3", s3_src, "beside/", redact=False,
                                max_object_age_millis=1000, maxBufferAgeMillis=1000)]
            with ss.Follower(self.write(cfg), self.home) as ferry:
                # More calls throttled than the sender has threads, each tried more than once.
                self.assertTrue(harness.poll(lambda: len(fh.calls) >= 30, 60),
                                ferry.stderr()[-3000:])
                s3_inputs = write_source(s3_src, 40 * 1000, 1_000_001, seed=32)
                self.assertTrue(harness.poll(
                    lambda: ss.tally(s3_inputs, s3.download_records("beside/"))["missing"] == [],
                    30), ferry.stderr()[-3000:])
                self.assertEqual(fh.records("ds-slow"), [])  # still throttled meanwhile
                fh.throttle_next(0)
                self.assertTrue(harness.poll(lambda: ss.tally(
                    stream_inputs, ss.lines_of_datas(self, fh.records("ds-slow")))["missing"] == [],
                    60), ferry.stderr()[-3000:])
                self.assertEqual(ferry.stop(signal.SIGTERM), 0, ferry.stderr()[-3000:])
            t = ss.tally(stream_inputs, ss.lines_of_datas(self, fh.records("ds-slow")))
            ss.assert_exactly_once(self, t, "firehose, throttled then not")
            ss.assert_exactly_once(self, ss.tally(s3_inputs, s3.download_records("beside/")),
                                   "s3 beside it")
            self.assertEqual(fh.violations, [])


# ----------------------------------------------------------------------------------------------
# Kinesis + Firehose + S3 in one agent.json

class ThreeDestinationsTest(StreamTestCase):
    def test_each_destination_gets_exactly_its_files_records(self):
        harness.require_s3_tools()
        with ss.Kinesalite() as kinesis, harness.S3rver() as s3, \
                ss.FirehoseEndpoint(["ds-three"], (harness.ACCESS_KEY, harness.SECRET_KEY),
                                    region=REGION) as fh:
            kinesis.create_stream("ks-three", 2)
            srcs = {n: os.path.join(self.tmp, f"{n}.log") for n in ("kinesis", "firehose", "s3")}
            inputs = {"kinesis": write_source(srcs["kinesis"], 600 * 1000, 1, seed=21),
                      "firehose": write_source(srcs["firehose"], 600 * 1000, 1_000_001, seed=22),
                      "s3": write_source(srcs["s3"], 600 * 1000, 2_000_001, seed=23)}
            cfg = stream_root(self.tmp, harness.ACCESS_KEY, harness.SECRET_KEY,
                              **{"kinesis.endpoint": kinesis.endpoint,
                                 "firehose.endpoint": fh.url, "s3.endpoint": s3.endpoint,
                                 "s3.forcePathStyle": True})
            cfg["flows"] = [
                stream_flow("to-kinesis", srcs["kinesis"], kinesisStream="ks-three",
                            partitionKeyOption="RANDOM"),
                stream_flow("to-firehose", srcs["firehose"], deliveryStream="ds-three"),
                harness.s3_flow("to-s3", srcs["s3"], "three/", redact=False)]
            self.run_once(cfg)

            got = {"kinesis": [r.data for r in kinesis.read_all("ks-three")],
                   "firehose": fh.records("ds-three")}
            lines = {n: ss.lines_of_datas(self, d) for n, d in got.items()}
            lines["s3"] = s3.download_records("three/")
            self.assertEqual(fh.violations, [])
            for name in ("kinesis", "firehose", "s3"):
                t = ss.tally(inputs[name], lines[name])
                ss.assert_exactly_once(self, t, name)
                ss.summary(f"three flows, {name}", t)


if __name__ == "__main__":
    unittest.main()
