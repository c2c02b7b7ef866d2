"""CloudWatch metrics: ferry reports what it ships to a loopback PutMetricData emulator.

- A directory flow with "cloudwatch.emitMetrics": true and a 1 s period: datapoints arrive in
  the AWSKinesisAgent namespace, SigV4-signed with the configured keys (service "monitoring"),
  with the Java agent's names by Destination=Directory:<path> and ferry's own by Flow, in Count,
  Bytes and Milliseconds, every datapoint as StatisticValues (as the Java agent sends them): by
  Flow one sample a period, by Destination one sample per completed object; RecordsSent and
  RecordsShipped add up to exactly the records shipped, also after SIGTERM's last flush (nothing
  counted twice).
- Without the key (an S3/directory-only configuration) and with emitMetrics false: no call.
- The endpoint failing (500, then throttling) for a while: ferry keeps shipping, the metrics
  arrive later, none lost.
- AccessDenied is logged with CloudWatch's message, once, and never stops delivery.
- --once with a custom namespace: the last flush at exit sends the run's metrics.
- SIGHUP adding a flow: its datapoints follow, under its own Destination and Flow.
- cloudwatch.tagInstance: every datapoint carries Instance=<id> from a loopback IMDSv2; with
  instance metadata disabled, a warning and datapoints without it.
- A Firehose flow, with calls failing as a whole and records refused one by one:
  Destination=DeliveryStream:<name> with the Java agent's four metrics and ferry's RecordsSent,
  one sample per PutRecordBatch call (SampleCount, Sum, Minimum, Maximum match the calls the
  emulator answered), ConsecutiveProcessingErrors 0 throughout (retried calls are no failure of
  the flow), and no other name.
- A Firehose flow whose stream does not exist: ConsecutiveProcessingErrors climbs above 0.
"""
import http.server
import os
import signal
import sys
import tempfile
import threading
import time
import unittest

import harness
from harness import MIB, SOURCE_DIR

sys.path.insert(0, os.path.join(SOURCE_DIR, "tools"))
from cloudwatch_endpoint import CloudWatchEndpoint  # noqa: E402  (tools/ is not a package)
from sigv4_verify import KeyTable  # noqa: E402

FLOW = "seed"
DESTINATION_METRICS = {"RecordsSent": "Count", "BytesSent": "Bytes",
                       "ConsecutiveProcessingErrors": "Count"}
STREAM_ONLY_METRICS = {"RecordSendAttempts", "RecordSendErrors", "ServiceErrors"}
FLOW_METRICS = {"RecordsRead": "Count", "BytesRead": "Bytes", "RecordsRedacted": "Count",
                "RecordsInvalid": "Count", "RecordsDropped": "Count", "RecordsShipped": "Count",
                "BytesShipped": "Bytes", "LagBytes": "Bytes"}


INSTANCE_ID = "i-0f1e2d3c4b5a69788"


class FakeImds(http.server.BaseHTTPRequestHandler):
    """IMDSv2's two calls ferry makes for tagInstance: a session token, then the instance id."""
    protocol_version = "HTTP/1.1"
    TOKEN = "imds-session-token"

    def log_message(self, *args):
        pass

    def reply(self, status, body):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self):
        ok = self.path == "/latest/api/token" and \
            self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
        self.reply(200 if ok else 400, self.TOKEN.encode() if ok else b"")

    def do_GET(self):
        ok = self.path == "/latest/meta-data/instance-id" and \
            self.headers.get("X-aws-ec2-metadata-token") == self.TOKEN
        self.reply(200 if ok else 401, INSTANCE_ID.encode() if ok else b"")


class CloudWatchMetrics(unittest.TestCase):
    def setUp(self):
        harness.require_ferry()
        harness.require_zstd()
        self._tmp = tempfile.TemporaryDirectory(prefix="ferry-cw-")
        self.tmp = self._tmp.name
        self.in_dir = os.path.join(self.tmp, "in")
        self.out = os.path.join(self.tmp, "out")
        os.makedirs(self.in_dir)
        os.makedirs(self.out)
        self.keys = KeyTable()
        self.akid, self.secret, _ = self.keys.add("AKIACLOUDWATCH", token=False)

    def tearDown(self):
        self._tmp.cleanup()

    def config(self, cw=None, **cloudwatch):
        cfg = harness.base_config(self.tmp)
        cfg["flows"] = [harness.dir_flow(FLOW, os.path.join(self.in_dir, "*.log"), self.out,
                                         "{flow}/", max_object_age_millis=1000)]
        cfg.update({"awsAccessKeyId": self.akid, "awsSecretAccessKey": self.secret,
                    "s3.region": "us-east-1"})
        if cw is not None:
            cfg.update({"cloudwatch.emitMetrics": True, "cloudwatch.endpoint": cw.url,
                        "cloudwatch.metricsBufferTimeMillis": 1000})
        cfg.update({f"cloudwatch.{k}": v for k, v in cloudwatch.items()})
        return cfg

    def firehose_config(self, cw, fh, stream):
        """A flow "events" of the input directory to Firehose `stream`. No cloudwatch.emitMetrics:
        a Firehose flow turns metrics on, as in the Java agent."""
        cfg = harness.base_config(self.tmp)
        cfg.update({"awsAccessKeyId": self.akid, "awsSecretAccessKey": self.secret,
                    "s3.region": "us-east-1", "firehose.endpoint": fh.url,
                    "cloudwatch.endpoint": cw.url, "cloudwatch.metricsBufferTimeMillis": 1000,
                    "flows": [{"name": "events", "initialPosition": "START_OF_FILE",
                               "filePattern": os.path.join(self.in_dir, "*.log"),
                               "deliveryStream": stream, "maxBufferAgeMillis": 1000,
                               "retryInitialBackoffMillis": 100}]})
        return cfg

    def write_records(self, name, nbytes, seed, start_id):
        return harness.gen("seed", os.path.join(self.in_dir, name), nbytes, seed=seed,
                           start_id=start_id)

    def shipped(self):
        objects, temps = harness.directory_objects(self.out)
        return len(harness.records_of_objects(objects))

    def follow(self, cfg):
        return harness.FerryProcess(cfg, os.path.join(self.tmp, "agent.json"))

    def wait_shipped(self, ferry, expected, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and ferry.alive():
            if self.shipped() == expected:
                return
            time.sleep(0.2)
        self.fail(f"{self.shipped()} of {expected} records shipped\n{ferry.stderr()[-3000:]}")

    def stop(self, ferry):
        rc, _ = ferry.stop()
        self.assertEqual(rc, 0, ferry.stderr()[-3000:])

    # ------------------------------------------------------------------------------------------

    def test_follow_reports_the_agent_names_and_ferry_counts(self):
        with CloudWatchEndpoint(self.keys) as cw:
            n = self.write_records("a.log", 1 * MIB, seed=71, start_id=1)
            with self.follow(self.config(cw)) as ferry:
                self.wait_shipped(ferry, n)
                destination = f"Directory:{self.out}"
                self.assertTrue(
                    cw.wait_for(lambda: cw.total("RecordsSent", Destination=destination) == n),
                    f"RecordsSent {cw.total('RecordsSent', Destination=destination)} != {n}\n"
                    f"{ferry.stderr()[-3000:]}")
                # Another batch while running: the next periods carry only the growth.
                m = self.write_records("b.log", MIB // 2, seed=72, start_id=1_000_001)
                self.wait_shipped(ferry, n + m)
                self.assertTrue(cw.wait_for(
                    lambda: cw.total("RecordsShipped", Flow=FLOW) == n + m))
                self.stop(ferry)
                stderr = ferry.stderr()
            self.assertEqual(cw.refusals, [], stderr[-3000:])
            self.assertEqual(self.keys.used, {self.akid: cw.calls})
            self.assertEqual(self.keys.regions, {"us-east-1"})

            points = cw.datapoints()
            self.assertTrue(points)
            self.assertEqual({p["namespace"] for p in points}, {"AWSKinesisAgent"})
            by_destination = [p for p in points if "Destination" in p["dimensions"]]
            by_flow = [p for p in points if "Flow" in p["dimensions"]]
            for p in by_destination:
                self.assertEqual(p["dimensions"], {"Destination": destination})
                self.assertEqual(p["unit"], DESTINATION_METRICS[p["name"]], p)
            self.assertEqual({p["name"] for p in by_destination}, set(DESTINATION_METRICS))
            for p in by_flow:
                self.assertEqual(p["dimensions"], {"Flow": FLOW})
                self.assertEqual(p["unit"], FLOW_METRICS[p["name"]], p)
            self.assertEqual({p["name"] for p in by_flow}, set(FLOW_METRICS))
            self.assertFalse(STREAM_ONLY_METRICS & {p["name"] for p in points})
            for p in points:
                if not p["dimensions"]:
                    self.assertEqual((p["name"], p["unit"]), ("PartUploadLatency", "Milliseconds"))
                self.assertLess(abs(p["timestamp"] - time.time()), 300)
                # StatisticValues, never a plain Value.
                stats = p["statistics"]
                self.assertIsNotNone(stats, p)
                self.assertLessEqual(stats["Minimum"], stats["Maximum"], p)
                self.assertGreaterEqual(stats["SampleCount"], 1, p)
            # By Flow: one sample a period (the counter's growth, or the gauge).
            for p in by_flow:
                self.assertEqual(p["statistics"]["SampleCount"], 1, p)
                self.assertEqual(p["statistics"]["Minimum"], p["value"], p)

            # After SIGTERM's last flush: every record counted exactly once.
            total = n + m
            self.assertEqual(cw.total("RecordsSent", Destination=destination), total)
            self.assertEqual(cw.total("RecordsShipped", Flow=FLOW), total)
            self.assertEqual(cw.total("RecordsRead", Flow=FLOW), total)
            sizes = sum(os.path.getsize(os.path.join(self.in_dir, f)) for f in ("a.log", "b.log"))
            self.assertEqual(cw.total("BytesRead", Flow=FLOW), sizes)
            objects, _ = harness.directory_objects(self.out)
            self.assertEqual(cw.total("BytesSent", Destination=destination),
                             sum(len(data) for data in objects.values()))
            # By Destination: one sample per completed object, its bytes and records.
            self.assertEqual(cw.sample_count("BytesSent", Destination=destination), len(objects))
            self.assertEqual(cw.sample_count("RecordsSent", Destination=destination),
                             len(objects))
            sent = cw.datapoints("AWSKinesisAgent", "BytesSent", Destination=destination)
            self.assertEqual(max(p["statistics"]["Maximum"] for p in sent),
                             max(len(data) for data in objects.values()))
            self.assertEqual(min(p["statistics"]["Minimum"] for p in sent),
                             min(len(data) for data in objects.values()))
            self.assertGreater(cw.total("RecordsRedacted", Flow=FLOW), 0)
            self.assertEqual(cw.total("RecordsDropped", Flow=FLOW), 0)
            # Once everything is shipped the lag is 0.
            self.assertEqual(cw.datapoints(name="LagBytes")[-1]["value"], 0)

    def test_no_call_unless_asked(self):
        with CloudWatchEndpoint(self.keys) as cw:
            n = self.write_records("a.log", MIB // 4, seed=73, start_id=1)
            # No key with only a directory flow: off (the Java agent's default is on; ferry's
            # follows the flows). Then explicitly off.
            base = self.config()
            base["cloudwatch.endpoint"] = cw.url
            base["cloudwatch.metricsBufferTimeMillis"] = 1000
            off = dict(base, **{"cloudwatch.emitMetrics": False})
            for cfg in (base, off):
                with self.follow(cfg) as ferry:
                    time.sleep(2.5)
                    self.stop(ferry)
            self.assertEqual(self.shipped(), n)
            self.assertEqual(cw.requests, 0)

    def test_failing_endpoint_delays_metrics_not_records(self):
        with CloudWatchEndpoint(self.keys) as cw:
            cw.fail_next(3, "500")
            cw.fail_next(2, "throttle")
            n = self.write_records("a.log", MIB // 2, seed=74, start_id=1)
            with self.follow(self.config(cw)) as ferry:
                self.wait_shipped(ferry, n)
                self.assertTrue(
                    cw.wait_for(lambda: cw.total("RecordsShipped", Flow=FLOW) == n, timeout=60),
                    f"{cw.refusals}\n{ferry.stderr()[-3000:]}")
                self.stop(ferry)
                stderr = ferry.stderr()
            self.assertEqual([code for _, code, _ in cw.refusals],
                             ["InternalServiceError"] * 3 + ["Throttling"] * 2)
            self.assertEqual(cw.total("RecordsShipped", Flow=FLOW), n)
            self.assertIn("cloudwatch: PutMetricData answered HTTP 500 InternalServiceError",
                          stderr)

    def test_access_denied_is_logged_with_the_api_message_once(self):
        with CloudWatchEndpoint(self.keys) as cw:
            cw.fail_next(1000, "denied")
            n = self.write_records("a.log", MIB // 4, seed=75, start_id=1)
            with self.follow(self.config(cw)) as ferry:
                self.wait_shipped(ferry, n)
                self.assertTrue(cw.wait_for(lambda: len(cw.refusals) >= 3))
                self.stop(ferry)
                stderr = ferry.stderr()
            lines = [line for line in stderr.splitlines() if "AccessDenied" in line]
            self.assertEqual(len(lines), 1, stderr[-3000:])
            self.assertIn("is not authorized to perform: cloudwatch:PutMetricData", lines[0])
            self.assertEqual(cw.datapoints(), [])

    def test_once_flushes_at_exit_in_a_custom_namespace(self):
        with CloudWatchEndpoint(self.keys) as cw:
            n = self.write_records("a.log", MIB // 4, seed=76, start_id=1)
            cfg = self.config(cw, namespace="Ferry/Compliance", metricsBufferTimeMillis=60000)
            started = time.monotonic()
            result = harness.run_ferry(cfg, "--once", timeout=60)
            self.assertEqual(result.returncode, 0, result.describe())
            self.assertLess(time.monotonic() - started, 30)
            self.assertEqual(self.shipped(), n)
            self.assertEqual({p["namespace"] for p in cw.datapoints()}, {"Ferry/Compliance"})
            self.assertEqual(cw.total("RecordsSent", Destination=f"Directory:{self.out}"), n)
            self.assertEqual(cw.calls, 1)

    def test_reload_brings_in_the_new_flows(self):
        other_in = os.path.join(self.tmp, "other-in")
        other_out = os.path.join(self.tmp, "other-out")
        os.makedirs(other_in)
        os.makedirs(other_out)
        with CloudWatchEndpoint(self.keys) as cw:
            n = self.write_records("a.log", MIB // 8, seed=79, start_id=1)
            cfg = self.config(cw)
            with self.follow(cfg) as ferry:
                self.wait_shipped(ferry, n)
                self.assertTrue(cw.wait_for(lambda: cw.total("RecordsShipped", Flow=FLOW) == n))
                cfg["flows"].append(harness.dir_flow("added", os.path.join(other_in, "*.log"),
                                                     other_out, "{flow}/",
                                                     max_object_age_millis=1000))
                harness.write_config(os.path.join(self.tmp, "agent.json"), cfg)
                ferry.proc.send_signal(signal.SIGHUP)
                m = harness.gen("seed", os.path.join(other_in, "b.log"), MIB // 8, seed=80,
                                start_id=1_000_001)
                self.assertTrue(cw.wait_for(
                    lambda: cw.total("RecordsSent", Destination=f"Directory:{other_out}") == m,
                    timeout=60), ferry.stderr()[-3000:])
                self.stop(ferry)
            self.assertEqual(cw.total("RecordsShipped", Flow="added"), m)
            self.assertEqual(cw.total("RecordsShipped", Flow=FLOW), n)
            self.assertEqual(cw.total("RecordsSent", Destination=f"Directory:{self.out}"), n)

    def test_tag_instance_adds_the_instance_id(self):
        imds = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeImds)
        imds.daemon_threads = True
        threading.Thread(target=imds.serve_forever, daemon=True).start()
        try:
            with CloudWatchEndpoint(self.keys) as cw:
                n = self.write_records("a.log", MIB // 8, seed=77, start_id=1)
                env = {"AWS_EC2_METADATA_DISABLED": "false",
                       "AWS_EC2_METADATA_SERVICE_ENDPOINT":
                           f"http://127.0.0.1:{imds.server_address[1]}"}
                result = harness.run_ferry(self.config(cw, tagInstance=True), "--once",
                                           timeout=60, env=env)
                self.assertEqual(result.returncode, 0, result.describe())
                points = cw.datapoints()
                self.assertTrue(points)
                for p in points:
                    self.assertEqual(p["dimensions"].get("Instance"), INSTANCE_ID, p)
                self.assertEqual(cw.total("RecordsSent", Destination=f"Directory:{self.out}",
                                          Instance=INSTANCE_ID), n)
        finally:
            imds.shutdown()
            imds.server_close()

        with CloudWatchEndpoint(self.keys) as cw:
            m = self.write_records("b.log", MIB // 8, seed=78, start_id=1_000_001)
            result = harness.run_ferry(self.config(cw, tagInstance=True), "--once", timeout=60)
            self.assertEqual(result.returncode, 0, result.describe())
            self.assertIn("cloudwatch.tagInstance: instance metadata is disabled", result.stderr)
            self.assertTrue(cw.datapoints())
            self.assertFalse(any("Instance" in p["dimensions"] for p in cw.datapoints()))
            self.assertEqual(cw.total("RecordsShipped", Flow=FLOW), m)


    def test_firehose_flow_reports_the_java_agent_destination(self):
        from firehose_endpoint import FirehoseEndpoint
        with CloudWatchEndpoint(self.keys) as cw, \
                FirehoseEndpoint(["ds1"], self.keys, region="us-east-1") as fh:
            fh.error_next(2)    # two calls fail as a whole (500)
            fh.fail_every(7)    # every 7th record of a call is refused on its own
            n = self.write_records("a.log", MIB // 8, seed=81, start_id=1)
            cfg = self.firehose_config(cw, fh, "ds1")
            result = harness.run_ferry(cfg, "--once", timeout=60)
            self.assertEqual(result.returncode, 0, result.describe())
            self.assertIn("cloudwatch: differs from the Kinesis Agent on purpose", result.stderr)
            self.assertEqual(len(fh.records("ds1")), n)
            destination = "DeliveryStream:ds1"
            self.assertEqual(cw.total("RecordsSent", Destination=destination), n)
            self.assertEqual(cw.total("RecordsShipped", Flow="events"), n)
            # The Java agent's names, and ferry's RecordsSent; nothing else by Destination.
            names = {p["name"] for p in cw.datapoints(Destination=destination)}
            self.assertEqual(names, set(DESTINATION_METRICS) | STREAM_ONLY_METRICS)
            # Calls failing and records refused, all retried: the flow itself never failed.
            self.assertEqual(
                [p["statistics"]["Maximum"]
                 for p in cw.datapoints(name="ConsecutiveProcessingErrors")],
                [0] * len(cw.datapoints(name="ConsecutiveProcessingErrors")))
            self.assertTrue(cw.datapoints(name="ConsecutiveProcessingErrors"))

            # One sample per PutRecordBatch call, as the Java agent's scope per call: every call
            # has RecordSendAttempts (its records) and ServiceErrors (1: failed as a whole);
            # answered calls also BytesSent (accepted bytes) and RecordSendErrors (refused).
            calls = fh.calls
            answered = [c for c in calls if c.status == 200]
            self.assertEqual(len(calls) - len(answered), 2)
            self.assertTrue(any(c.failed for c in answered))

            def statistics(name):
                points = cw.datapoints("AWSKinesisAgent", name, Destination=destination)
                return {"SampleCount": sum(p["statistics"]["SampleCount"] for p in points),
                        "Sum": sum(p["statistics"]["Sum"] for p in points),
                        "Minimum": min(p["statistics"]["Minimum"] for p in points),
                        "Maximum": max(p["statistics"]["Maximum"] for p in points)}

            def expected(values):
                return {"SampleCount": len(values), "Sum": sum(values),
                        "Minimum": min(values), "Maximum": max(values)}

            self.assertEqual(statistics("RecordSendAttempts"),
                             expected([c.records for c in calls]))
            self.assertEqual(statistics("ServiceErrors"),
                             expected([0 if c.status == 200 else 1 for c in calls]))
            self.assertEqual(statistics("RecordSendErrors"),
                             expected([len(c.failed) for c in answered]))
            self.assertEqual(
                statistics("BytesSent"),
                expected([c.data_bytes - sum(c.sizes[i] for i in c.failed) for c in answered]))
            self.assertEqual(statistics("RecordsSent"),
                             expected([c.records - len(c.failed) for c in answered]))

    def test_a_stuck_flow_raises_consecutive_processing_errors(self):
        from firehose_endpoint import FirehoseEndpoint
        with CloudWatchEndpoint(self.keys) as cw, \
                FirehoseEndpoint(["ds1"], self.keys, region="us-east-1") as fh:
            self.write_records("a.log", 4096, seed=82, start_id=1)
            cfg = self.firehose_config(cw, fh, "missing")
            destination = "DeliveryStream:missing"

            def stuck():
                return any(p["statistics"]["Maximum"] >= 1 for p in cw.datapoints(
                    name="ConsecutiveProcessingErrors", Destination=destination))

            with self.follow(cfg) as ferry:
                self.assertTrue(cw.wait_for(stuck, timeout=30), ferry.stderr()[-3000:])
                ferry.stop()  # exits 1: a flow is failing
            self.assertEqual(fh.records("ds1"), [])
            self.assertEqual(cw.total("RecordsSent", Destination=destination), 0)


if __name__ == "__main__":
    unittest.main()
