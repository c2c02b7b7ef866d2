"""S3 faults, each survived by the real ferry with nothing lost or duplicated and a clear log line.

tools/fault_proxy.py sits between ferry and s3rver (both on 127.0.0.1) and injects one kind of
fault per test: 503 SlowDown and 500 InternalError (backoff, then rounds of "tried again later"
with --once; following, the flow fails alone and is tried again),
400 RequestTimeout, a connection reset in the middle of a part, a stalled connection (curl's
low-speed timeout), the endpoint refusing connections for a while, NoSuchUpload (the object is
started again), and CompleteMultipartUpload failing, or succeeding with its answer lost, after the
parts are in. The proxy also checks what S3 checks (CRC32C and Content-MD5 of every body) and logs
every request; awscli then downloads the objects and every record must be there exactly once.
The first test checks the request options: encryption, storage class, content headers, checksums.
Every fault also runs in front of OpenStack Swift's S3 API (S3FaultsSwift; not under the
sanitizers), which enforces S3's multipart rules and lacks server-side encryption.
"""
import json
import os
import re
import signal
import subprocess
import sys
import time
import unittest
import urllib.parse

import harness
from harness import MIB

PROXY = os.path.join(harness.SOURCE_DIR, "tools", "fault_proxy.py")


def vm_hwm_kib(pid):
    """The peak resident set size of a running process (VmHWM), in KiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError(f"no VmHWM for {pid}")


def read_text(path):
    """A file's text, or "" while it does not exist (a checkpoint is replaced by a rename)."""
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


class FaultProxy:
    """tools/fault_proxy.py in front of `s3`, with `rules`; .endpoint, .requests()."""

    def __init__(self, s3, tmp, rules=(), require_md5=False):
        self.log_path = os.path.join(tmp, "proxy.jsonl")
        port = urllib.parse.urlparse(s3.endpoint).port  # s3rver or Swift
        cmd = [sys.executable, PROXY, "--upstream", f"127.0.0.1:{port}", "--port", "0",
               "--log", self.log_path, "--rules", json.dumps(list(rules))]
        if require_md5:
            cmd.append("--require-md5")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        line = self.proc.stdout.readline().decode()
        m = re.match(r"listening 127\.0\.0\.1:(\d+)", line)
        if not m:
            self.close()
            raise RuntimeError(f"fault proxy did not start: {line!r}")
        self.endpoint = f"http://127.0.0.1:{m.group(1)}"

    def requests(self, op=None):
        with open(self.log_path) as f:
            entries = [json.loads(line) for line in f if line.strip()]
        return [e for e in entries if op is None or e.get("op") == op]

    def close(self):
        harness.stop_process_group(self.proc, timeout=5)
        self.proc.stdout.close()


class S3Faults(harness.S3rverTestCase):
    tmp_prefix = "ferry-s3-faults-"
    # s3rver implements no AbortMultipartUpload: an upload ferry aborts stays listed there.
    aborts_uploads = False

    def setUp(self):
        super().setUp()
        self.proxy = None
        self.open_before = len(self.s3.open_uploads())

    def tearDown(self):
        if self.proxy:
            self.proxy.close()

    # -- helpers

    def source(self, nbytes, seed=1, name="records.txt"):
        """A seed-shaped file of poorly compressible records; returns its Inputs (also kept as
        self.inputs)."""
        path = os.path.join(self.tmp, name)
        harness.gen("seed", path, nbytes, seed=seed, start_id=seed * 1_000_000, filler="random")
        inputs = harness.Inputs()
        inputs.scan(path)
        self.inputs = inputs
        return inputs

    def config(self, endpoint, max_attempts=2, max_backoff=200, **s3_options):
        cfg = harness.base_config(self.tmp, endpoint)
        cfg.update({"s3.maxAttempts": max_attempts, "s3.initialBackoffMillis": 50,
                    "s3.maxBackoffMillis": max_backoff})
        flow = harness.s3_flow("faults", os.path.join(self.tmp, "*.txt"), self.prefix,
                               part_size=5 * MIB, max_object_bytes=64 * MIB)
        flow["s3"].update(s3_options)
        cfg["flows"].append(flow)
        return cfg

    def with_proxy(self, rules=(), **kw):
        self.proxy = FaultProxy(self.s3, self.tmp, rules, **kw)
        return self.proxy

    def ferry_once(self, cfg, expect=0, timeout=240):
        result = harness.run_ferry(cfg, "--once", timeout=timeout,
                                   config_path=os.path.join(self.tmp, "agent.json"),
                                   env=self.s3.ferry_env())
        self.assertEqual(result.returncode, expect, result.describe())
        return result

    def assert_exactly_once(self, inputs, uploads_left_open=0):
        """Every record once in the objects under the test's prefix (awscli + zstd)."""
        lines = self.s3.download_records(self.prefix)
        harness.check_seed_output(self, inputs, lines)
        # Uploads ferry gave up on stay open (a lifecycle rule aborts them; README "Limits").
        self.assertEqual(len(self.s3.open_uploads()), self.open_before + uploads_left_open,
                         "multipart uploads left open")
        return lines

    def assert_log(self, result, pattern):
        self.assertRegex(result.stderr, pattern, result.describe())

    def assert_started_upload_aborted(self, result, uploads_left_open=0):
        """The start aborted the upload the checkpoint named as started (s3rver: tried, 405);
        then every record once."""
        if self.aborts_uploads:
            self.assert_log(result, r"recovery: flow faults: aborted the upload of \S+ begun "
                                    r"before the restart with no part recorded")
        else:
            self.assert_log(result, r"recovery: flow faults: s3 AbortMultipartUpload \S+: HTTP "
                                    r"405 MethodNotAllowed: .* \(the upload stays until a "
                                    r"lifecycle rule aborts it\)")
            uploads_left_open += 1
        self.assert_exactly_once(self.inputs, uploads_left_open)

    # -- the request options

    def test_request_options_are_sent_signed_and_checksums_verified(self):
        inputs = self.source(12 * MIB)  # two parts and more
        proxy = self.with_proxy()
        cfg = self.config(proxy.endpoint, serverSideEncryption="aws:kms",
                          kmsKeyId="arn:aws:kms:us-east-1:111122223333:key/test-key",
                          bucketKeyEnabled=True, storageClass="STANDARD_IA",
                          contentType="application/json", contentEncoding="zstd")
        self.ferry_once(cfg)
        self.assert_exactly_once(inputs)

        create = proxy.requests("CreateMultipartUpload")
        self.assertEqual(len(create), 1)
        expected = {"x-amz-server-side-encryption": "aws:kms",
                    "x-amz-server-side-encryption-aws-kms-key-id":
                        "arn:aws:kms:us-east-1:111122223333:key/test-key",
                    "x-amz-server-side-encryption-bucket-key-enabled": "true",
                    "x-amz-storage-class": "STANDARD_IA", "content-type": "application/json",
                    "content-encoding": "zstd", "x-amz-checksum-algorithm": "CRC32C"}
        for name, value in expected.items():
            self.assertEqual(create[0]["headers"].get(name), value, name)
            self.assertIn(name, create[0]["signed_headers"].split(";"), f"{name} not signed")

        parts = proxy.requests("UploadPart")
        self.assertGreaterEqual(len(parts), 2)
        for part in parts:  # the proxy answers BadDigest on a mismatch; here: all sent, all equal
            self.assertEqual(part["headers"].get("x-amz-checksum-crc32c"), part["crc32c"])
            self.assertIn("x-amz-checksum-crc32c", part["signed_headers"].split(";"))
            self.assertNotIn("content-md5", part["headers"])
        complete = proxy.requests("CompleteMultipartUpload")
        self.assertEqual(len(complete), 1)
        listed = re.findall(r"<PartNumber>(\d+)</PartNumber><ETag>[^<]*</ETag>"
                            r"<ChecksumCRC32C>([^<]*)</ChecksumCRC32C>", complete[0]["body"])
        sent = {re.search(r"partNumber=(\d+)", p["query"]).group(1): p["crc32c"] for p in parts}
        self.assertEqual(dict(listed), sent, "Complete must list each part's CRC32C again")

        # s3rver keeps the content headers and the storage class: read them back with awscli.
        (key,) = self.s3.list_objects(self.prefix)
        head = self.s3.head_object(key)
        self.assertEqual(head.get("ContentType"), "application/json")
        self.assertEqual(head.get("ContentEncoding"), "zstd")
        self.assertEqual(head.get("StorageClass"), "STANDARD_IA")

    def test_small_object_put_with_crc32c_and_content_md5_where_the_bucket_demands_it(self):
        inputs = self.source(200_000)  # one PutObject
        proxy = self.with_proxy(require_md5=True)
        cfg = self.config(proxy.endpoint, contentMd5=True, serverSideEncryption="AES256")
        self.ferry_once(cfg)
        self.assert_exactly_once(inputs)
        (put,) = proxy.requests("PutObject")
        self.assertEqual(put["headers"].get("content-md5"), put["md5"])
        self.assertEqual(put["headers"].get("x-amz-checksum-crc32c"), put["crc32c"])
        self.assertEqual(put["headers"].get("x-amz-server-side-encryption"), "AES256")
        self.assertEqual(put["headers"].get("content-type"), "application/x-ndjson")

    def test_checksum_algorithm_none_sends_no_checksum_headers(self):
        inputs = self.source(12 * MIB)
        proxy = self.with_proxy()
        self.ferry_once(self.config(proxy.endpoint, checksumAlgorithm="NONE"))
        self.assert_exactly_once(inputs)
        requests = proxy.requests()
        self.assertGreaterEqual(len(proxy.requests("UploadPart")), 2)
        for r in requests:
            self.assertFalse([h for h in r.get("headers", {}) if h.startswith("x-amz-checksum")],
                             r)
        (complete,) = proxy.requests("CompleteMultipartUpload")
        self.assertNotIn("Checksum", complete["body"])

    def test_a_bucket_demanding_content_md5_refuses_objects_without_it(self):
        self.source(200_000)
        proxy = self.with_proxy(require_md5=True)
        result = self.ferry_once(self.config(proxy.endpoint), expect=1)
        self.assert_log(result, r"PutObject .*HTTP 400 InvalidRequest: Content-MD5 HTTP header "
                                r"is required")
        self.assertEqual(self.s3.list_objects(self.prefix), {})

    def test_a_307_temporary_redirect_is_followed_signed_for_its_host(self):
        # S3 answers 307 with the regional host in Location while a new bucket's DNS spreads:
        # the request goes there once, signed for that host (here: s3rver itself, past the
        # proxy), and counts as no failed attempt.
        inputs = self.source(20_000)  # one PutObject
        proxy = self.with_proxy([{"op": "PutObject", "nth": 1, "action": "redirect"}])
        result = self.ferry_once(self.config(proxy.endpoint, max_attempts=1))
        self.assert_exactly_once(inputs)
        self.assertEqual([r.get("status") for r in proxy.requests("PutObject")], [307])
        port = urllib.parse.urlparse(self.s3.endpoint).port
        self.assert_log(result, r"PutObject \S+: 307 Temporary Redirect to "
                                rf"127\.0\.0\.1:{port}; following it")

    def test_a_307_to_another_host_is_not_followed(self):
        # Followed, the signed request and its records would go to a host nobody configured.
        inputs = self.source(20_000)
        proxy = self.with_proxy([{"op": "PutObject", "nth": 1, "action": "redirect",
                                  "location": "http://192.0.2.2/bucket/key"}])
        result = self.ferry_once(self.config(proxy.endpoint), expect=1)
        self.assert_log(result, r"PutObject \S+: HTTP 307 Temporary Redirect not followed: "
                                r"it leads from 127\.0\.0\.1 to another host, 192\.0\.2\.2")
        self.assertEqual(len(proxy.requests("PutObject")), 1, "a 307 is not retried")
        self.ferry_once(self.config(proxy.endpoint))  # the records wait in their file
        self.assert_exactly_once(inputs)

    def test_a_bucket_in_another_region_is_named_in_one_line(self):
        # S3 answers 301 PermanentRedirect (x-amz-bucket-region), or 400
        # AuthorizationHeaderMalformed naming the region in the body: never retried, one line.
        for rule in ({"status": 301, "code": "PermanentRedirect",
                      "headers": {"x-amz-bucket-region": "eu-west-1"},
                      "message": "The bucket you are attempting to access must be addressed "
                                 "using the specified endpoint."},
                     {"status": 400, "code": "AuthorizationHeaderMalformed",
                      "elements": {"Region": "eu-west-1"},
                      "message": "The authorization header is malformed; the region "
                                 "'us-east-1' is wrong; expecting 'eu-west-1'"}):
            with self.subTest(rule["code"]):
                self.source(200_000)
                log_dir = os.path.join(self.tmp, rule["code"])
                os.makedirs(log_dir)
                proxy = FaultProxy(self.s3, log_dir, [dict(rule, op="PutObject", nth=1,
                                                           count=100, action="status")])
                try:
                    result = self.ferry_once(self.config(proxy.endpoint), expect=1)
                    self.assert_log(result, rf"PutObject \S+: HTTP {rule['status']} "
                                            rf"{rule['code']}: the bucket is in region eu-west-1, "
                                            r"not us-east-1: set s3.region to eu-west-1 ")
                    self.assertEqual(len(proxy.requests("PutObject")), 1, "it was retried")
                finally:
                    proxy.close()

    # -- faults

    def test_503_slowdown_outlasting_the_attempts_is_retried_later(self):
        inputs = self.source(12 * MIB)
        # Five answers in a row: two rounds of two attempts fail, the third round succeeds.
        proxy = self.with_proxy([{"op": "UploadPart", "nth": 1, "count": 5, "action": "status",
                                  "status": 503, "code": "SlowDown",
                                  "message": "Please reduce your request rate."}])
        result = self.ferry_once(self.config(proxy.endpoint))
        self.assert_exactly_once(inputs)
        self.assert_log(result, r"s3 UploadPart \S+: attempt 1/2 failed: HTTP 503 SlowDown: "
                                r"Please reduce your request rate\.; retrying in \d+ ms")
        self.assert_log(result, r"UploadPart (\d+) still fails after its attempts \(.*SlowDown.*\); "
                                r"the object is kept and UploadPart \1 is tried again in \d+ ms "
                                r"\(round 2 of 3\)")

    def test_500_internal_error_and_400_request_timeout_are_retried(self):
        inputs = self.source(12 * MIB)
        proxy = self.with_proxy([
            {"op": "CreateMultipartUpload", "nth": 1, "action": "status", "status": 500,
             "code": "InternalError"},
            {"op": "UploadPart", "nth": 2, "action": "status", "status": 400,
             "code": "RequestTimeout",
             "message": "Your socket connection to the server was not read from or written to "
                        "within the timeout period."}])
        result = self.ferry_once(self.config(proxy.endpoint))
        self.assert_exactly_once(inputs)
        self.assert_log(result, r"CreateMultipartUpload \S+: attempt 1/2 failed: HTTP 500 "
                                r"InternalError")
        self.assert_log(result, r"UploadPart \S+: attempt 1/2 failed: HTTP 400 RequestTimeout")

    def test_connection_reset_in_the_middle_of_a_part(self):
        inputs = self.source(12 * MIB)
        proxy = self.with_proxy([{"op": "UploadPart", "nth": 1, "action": "reset",
                                  "after_bytes": 1 * MIB}])
        result = self.ferry_once(self.config(proxy.endpoint))
        self.assert_exactly_once(inputs)
        self.assert_log(result, r"UploadPart \S+: attempt 1/2 failed: HTTP PUT \S+: .*"
                                r"(reset|Send failure|Recv failure|Connection died)")

    def test_stalled_connection_hits_the_low_speed_timeout(self):
        inputs = self.source(12 * MIB)
        proxy = self.with_proxy([{"op": "UploadPart", "nth": 1, "action": "stall",
                                  "seconds": 120}])
        cfg = self.config(proxy.endpoint)
        cfg["socketTimeoutMillis"] = 5000  # the default 50 s made this test take a minute
        result = self.ferry_once(cfg, timeout=300)
        self.assert_exactly_once(inputs)
        self.assert_log(result, r"UploadPart \S+: attempt 1/2 failed: HTTP PUT \S+: "
                                r"Operation too slow")

    # -- hostile answers: bounded memory and time

    def huge_error_body(self, op, nbytes, max_object_age_millis):
        """`op` answered once with a 300 MB error body (streamed by the proxy): ferry keeps 64 KiB
        of it, aborts the transfer with an error naming the cap, and tries again (a 500 may
        pass); its peak RSS stays far below the body (the old 256 MiB cap took it from 23 MB to
        453 MB)."""
        inputs = self.source(nbytes)
        proxy = self.with_proxy([{"op": op, "nth": 1, "action": "huge_error", "status": 500,
                                  "bytes": 300_000_000}])
        cfg = self.config(proxy.endpoint)
        cfg["flows"][0]["s3"]["maxObjectAgeMillis"] = max_object_age_millis  # followed
        with harness.FerryProcess(cfg, os.path.join(self.tmp, "agent.json"),
                                  env=self.s3.ferry_env()) as ferry:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and ferry.alive():
                if any(r.get("status") == 200 for r in proxy.requests(op)):
                    break
                time.sleep(0.2)
            peak_kib = vm_hwm_kib(ferry.proc.pid)  # read while ferry still runs
            rc, _ = ferry.stop()
            log = ferry.stderr()
        # 96 MiB (three times that under AddressSanitizer); before the cap: 290-566 MB.
        self.assertLess(peak_kib, 96 * 1024 * harness.RSS_FACTOR, f"peak RSS {peak_kib} KiB")
        self.assertEqual(rc, 0, log[-3000:])
        self.assertRegex(log, rf"{op} \S+: attempt 1/2 failed: HTTP PUT \S+: the HTTP 500 "
                              r"answer's body is over the 65536-byte cap for non-2xx answers "
                              r"\(transfer aborted\); retrying",
                         f"{[r.get('op') for r in proxy.requests()]}\n{log[-3000:]}")
        self.assert_exactly_once(inputs)
        return proxy, peak_kib

    def test_a_huge_error_body_is_cut_at_its_cap_and_memory_stays_bounded(self):
        proxy, _ = self.huge_error_body("PutObject", 200_000, 1000)  # one PutObject
        self.assertEqual(len(proxy.requests("PutObject")), 2)

    def test_a_huge_error_body_on_a_part_is_cut_at_its_cap_and_memory_stays_bounded(self):
        # Parts of 5 MiB. The object must not be sealed by its age before a whole part is read
        # and compressed (over a second under AddressSanitizer on a loaded machine): small
        # sealed objects go out as PutObject and no part would ever be sent.
        proxy, _ = self.huge_error_body("UploadPart", 12 * MIB, 8000)
        first = proxy.requests("UploadPart")[0]
        again = [r for r in proxy.requests("UploadPart")[1:]
                 if r["path"] == first["path"] and r["query"] == first["query"]]
        self.assertEqual(len(again), 1, "the part was not sent again")

    def test_a_trickling_answer_hits_the_request_deadline_and_is_retried(self):
        """A server sending its answer at 2 bytes/s passes the low-speed limit (1 byte/s over
        socketTimeoutMillis) and held a PutObject for as long as it liked. Every request now has
        a deadline: connectionTimeoutMillis + socketTimeoutMillis + the body at 32 KiB/s."""
        inputs = self.source(20_000)  # one PutObject of a few KiB
        # A body of 1000 bytes at 2 bytes/s: over 8 minutes without a deadline.
        proxy = self.with_proxy([{"op": "PutObject", "nth": 1, "action": "trickle",
                                  "bytes_per_second": 2, "pad_bytes": 1000}])
        cfg = self.config(proxy.endpoint)
        cfg.update({"connectionTimeoutMillis": 1000, "socketTimeoutMillis": 10000})
        t0 = time.monotonic()
        result = self.ferry_once(cfg, timeout=100)
        elapsed = time.monotonic() - t0
        self.assert_exactly_once(inputs)
        m = re.search(r"PutObject \S+: attempt 1/2 failed: HTTP PUT \S+: Operation timed out "
                      r"after (\d+) milliseconds.*\(deadline (\d+) ms", result.stderr)
        self.assertIsNotNone(m, result.describe())
        took, deadline = int(m.group(1)), int(m.group(2))
        self.assertGreaterEqual(deadline, 11000)  # 1 s + 10 s + the body
        self.assertLess(deadline, 12000)
        self.assertLess(took, deadline + 1000)
        self.assertEqual(len(proxy.requests("PutObject")), 2)
        self.assertLess(elapsed, 40)

    def test_endpoint_refusing_connections_for_a_while(self):
        inputs = self.source(12 * MIB)
        # Down for 6 s: longer than one round of attempts, shorter than the rounds of --once
        # (pauses of 2.5-5 s and 5-10 s between its three rounds).
        proxy = self.with_proxy([{"op": "UploadPart", "nth": 2, "action": "down",
                                  "seconds": 6}])
        result = self.ferry_once(self.config(proxy.endpoint, max_backoff=5000))
        self.assert_exactly_once(inputs)
        self.assert_log(result, r"Couldn't connect to server|Connection refused|"
                                r"Failed to connect")
        self.assert_log(result, r"is tried again in \d+ ms")

    def test_no_such_upload_starts_the_object_again(self):
        inputs = self.source(12 * MIB)
        proxy = self.with_proxy([{"op": "UploadPart", "nth": 2, "action": "status",
                                  "status": 404, "code": "NoSuchUpload",
                                  "message": "The specified upload does not exist."}])
        cfg = self.config(proxy.endpoint)
        first = self.ferry_once(cfg, expect=1)
        self.assert_log(first, r"UploadPart \S+: HTTP 404 NoSuchUpload: The specified upload "
                               r"does not exist\.; its records stay unacknowledged")
        second = self.ferry_once(cfg)
        self.assert_log(second, r"was not completed; its records are read again into it")
        # The one the proxy "lost" is still upstream: the second run aborts it.
        self.assert_started_upload_aborted(second)
        self.assertEqual(len(proxy.requests("CreateMultipartUpload")), 2)

    def test_complete_failing_after_the_parts_are_in(self):
        inputs = self.source(12 * MIB)
        proxy = self.with_proxy([{"op": "CompleteMultipartUpload", "nth": 1, "count": 3,
                                  "action": "status", "status": 500, "code": "InternalError"}])
        result = self.ferry_once(self.config(proxy.endpoint))
        self.assert_exactly_once(inputs)
        self.assert_log(result, r"CompleteMultipartUpload still fails after its attempts")
        self.assertEqual(len(proxy.requests("CompleteMultipartUpload")), 4)
        self.assertEqual(len(proxy.requests("CreateMultipartUpload")), 1)

    def complete_whose_answer_is_lost(self):
        """The Complete reaches the server, its answer never reaches ferry; every record once.
        Returns ferry's result and the proxy."""
        inputs = self.source(12 * MIB)
        proxy = self.with_proxy([{"op": "CompleteMultipartUpload", "nth": 1,
                                  "action": "forward_reset"}])
        result = self.ferry_once(self.config(proxy.endpoint))
        self.assert_exactly_once(inputs)
        return result, proxy

    def test_complete_whose_answer_is_lost(self):
        # s3rver answers the retry NoSuchUpload: the object, already there with its size, counts
        # as completed.
        result, _ = self.complete_whose_answer_is_lost()
        self.assert_log(result, r"CompleteMultipartUpload failed \(.*\) but the object is there "
                                r"with its \d+ bytes: an earlier attempt completed it")

    # -- a slow CompleteMultipartUpload (real S3 may take seconds for an object of many parts)

    def test_a_slow_complete_does_not_hold_up_the_next_object(self):
        inputs = self.source(32 * MIB)
        proxy = self.with_proxy([{"op": "CompleteMultipartUpload", "nth": 1, "action": "delay",
                                  "seconds": 4}])
        result = self.ferry_once(self.config(proxy.endpoint, maxObjectBytes=10 * MIB))
        self.assert_exactly_once(inputs)
        first = proxy.requests("CompleteMultipartUpload")[0]
        later_parts = [r for r in proxy.requests("UploadPart") if r["path"] != first["path"]]
        # The next object's parts went, and were answered, while the first object's Complete
        # was still unanswered (4 s). Its part 1 may even reach the proxy a few ms before that
        # Complete: the Complete goes on a connection of its own from the completion thread,
        # the part on the upload thread's, right after its CreateMultipartUpload, and on a
        # loaded machine either thread can be first.
        during = [r for r in later_parts if r["answered"] < first["answered"]]
        self.assertGreaterEqual(len(during), 1, result.describe())

    def sigkill_while_the_first_complete_is_held(self, rule):
        """ferry follows the files through the proxy, whose `rule` holds the first Complete;
        SIGKILL once the next object has a part acknowledged and the checkpoint names its upload
        as started (the shipper learns of the upload with part 1's answer); then a --once run
        straight to S3. Returns that run's result and the records' Inputs."""
        inputs = self.source(48 * MIB)
        proxy = self.with_proxy([rule])
        cfg = self.config(proxy.endpoint, maxObjectBytes=10 * MIB)
        with harness.FerryProcess(cfg, os.path.join(self.tmp, "agent.json"),
                                  env=self.s3.ferry_env()) as ferry:
            def next_part_acknowledged():
                held = [e for e in proxy.requests() if e.get("event") == "delaying"
                        or (e.get("op") == "CompleteMultipartUpload" and "fault" in e)]
                return held and any(r["path"] != held[0]["path"] and "answered" in r
                                    for r in proxy.requests("UploadPart")) and \
                    '"started_upload"' in read_text(cfg["checkpointFile"])
            self.assertTrue(harness.poll(next_part_acknowledged, timeout=60),
                            ferry.stderr()[-3000:])
            self.assertNotIn(": completed s3://", ferry.stderr())
            ferry.proc.send_signal(signal.SIGKILL)
            ferry.proc.wait(timeout=10)
        time.sleep(rule["seconds"] + 1)  # the held request is forwarded now, or never
        proxy.close()
        self.proxy = None
        result = self.ferry_once(self.config(self.s3.endpoint, maxObjectBytes=10 * MIB))
        # The next object's upload, begun while the first completed, was named in the checkpoint
        # as started, never with a part: the start aborts it and reads its records again.
        self.assert_started_upload_aborted(result)
        return result

    def test_sigkill_while_a_complete_is_in_flight_and_then_takes_effect(self):
        result = self.sigkill_while_the_first_complete_is_held(
            {"op": "CompleteMultipartUpload", "nth": 1, "action": "delay", "seconds": 5})
        self.assert_log(result, r"was completed before the restart; its records are delivered")

    def test_sigkill_while_a_complete_is_in_flight_and_never_arrives(self):
        result = self.sigkill_while_the_first_complete_is_held(
            {"op": "CompleteMultipartUpload", "nth": 1, "action": "stall", "seconds": 5})
        self.assert_log(result, r"recovery: flow faults: (completed \S+ with its \d+ acknowledged "
                                r"part\(s\)|continuing the upload of)")

    def test_following_an_outage_fails_the_flow_alone_and_it_is_tried_again_until_it_ships(self):
        inputs = self.source(4 * MIB)  # one PutObject: its requests are tried one after another
        # 14 failures: seven failures of the flow (two attempts each), more than --once's three
        # rounds, then success. The shipper never waits for it: the flow is tried again alone,
        # from its checkpoint, after s3.maxBackoffMillis doubling.
        proxy = self.with_proxy([{"op": "PutObject", "nth": 1, "count": 14, "action": "status",
                                  "status": 503, "code": "SlowDown"}])
        cfg = self.config(proxy.endpoint, max_backoff=50, maxObjectAgeMillis=2000)
        with harness.FerryProcess(cfg, os.path.join(self.tmp, "agent.json"),
                                  env=self.s3.ferry_env()) as ferry:
            completed = harness.poll(lambda: "completed s3://" in ferry.stderr(), timeout=120)
            self.assertTrue(completed, ferry.stderr()[-3000:])
            rc, _ = ferry.stop()
            self.assertEqual(rc, 0, ferry.stderr()[-3000:])
            log = ferry.stderr()
        self.assertRegex(log, r"HTTP 503 SlowDown.*; the other flows go on, this one is tried "
                              r"again in \d+ ms \(failure 7 in a row; SIGHUP tries it at once\)")
        self.assertNotIn("failure 8 in a row", log)
        self.assertNotIn("(round ", log, "the shipper waited in rounds")
        self.assertEqual(len(proxy.requests("PutObject")), 15)
        self.assert_exactly_once(inputs)

    def test_sigterm_while_an_object_waits_to_be_tried_again(self):
        inputs = self.source(4 * MIB)
        proxy = self.with_proxy([{"op": "PutObject", "nth": 1, "count": 1000, "action": "status",
                                  "status": 503, "code": "SlowDown"}])
        cfg = self.config(proxy.endpoint, max_backoff=20000, maxObjectAgeMillis=2000)
        with harness.FerryProcess(cfg, os.path.join(self.tmp, "agent.json"),
                                  env=self.s3.ferry_env()) as ferry:
            waiting = harness.poll(lambda: "is tried again in" in ferry.stderr(), timeout=60)
            self.assertTrue(waiting, ferry.stderr()[-3000:])
            rc, seconds = ferry.stop()  # during a pause of 10 to 20 s
            log = ferry.stderr()
        self.assertEqual(rc, 1, log[-3000:])
        self.assertLess(seconds, 5, "SIGTERM must end the wait, not sit it out")
        self.assertIn("a flow's destination failed; its records stay unacknowledged in its files "
                      "and are shipped at the next start", log)
        self.assertEqual(self.s3.list_objects(self.prefix), {})
        self.ferry_once(self.config(self.s3.endpoint))
        self.assert_exactly_once(inputs)

    def test_an_outage_outlasting_once_exits_1_and_the_next_run_delivers(self):
        inputs = self.source(12 * MIB)
        proxy = self.with_proxy([{"op": "UploadPart", "nth": 1, "count": 1000,
                                  "action": "status", "status": 503, "code": "SlowDown"}])
        cfg = self.config(proxy.endpoint, max_backoff=50)
        first = self.ferry_once(cfg, expect=1)
        self.assert_log(first, r"UploadPart \d+ failed in 3 round\(s\) of attempts; giving up for "
                               r"this run")
        self.assertEqual(self.s3.list_objects(self.prefix), {})
        proxy.close()
        self.proxy = None
        # The one given up had no part recorded: the next run aborts it.
        self.assert_started_upload_aborted(self.ferry_once(self.config(self.s3.endpoint)))


@unittest.skipIf(harness.SANITIZED, "the s3rver suite runs this code under the sanitizers")
class S3FaultsSwift(S3Faults):
    """The same faults in front of OpenStack Swift's S3 API (strict multipart rules, SigV4).
    Flows send no checksums: Swift refuses them in CompleteMultipartUpload, which would add a
    Complete to every count here (ferry's fallback is test_s3_field's). Swift implements no
    server-side encryption (501 NotImplemented) and no storage classes: the request-options tests
    become one that such a refusal fails the run at once, without retries."""
    server_class = harness.Swift
    tmp_prefix = "ferry-s3-faults-swift-"
    aborts_uploads = True

    def config(self, endpoint, max_attempts=2, max_backoff=200, **s3_options):
        s3_options.setdefault("checksumAlgorithm", "NONE")
        return super().config(endpoint, max_attempts, max_backoff, **s3_options)

    def test_request_options_are_sent_signed_and_checksums_verified(self):
        self.skipTest("Swift implements neither server-side encryption nor storage classes")

    def test_small_object_put_with_crc32c_and_content_md5_where_the_bucket_demands_it(self):
        self.skipTest("Swift implements no server-side encryption")

    def test_complete_whose_answer_is_lost(self):
        # Swift, as S3, answers a repeated Complete of an upload it completed with 200 (s3rver
        # says NoSuchUpload, which the s3rver class covers): one object, every record once.
        result, proxy = self.complete_whose_answer_is_lost()
        self.assertEqual(len(proxy.requests("CompleteMultipartUpload")), 2)
        self.assert_log(result, r"ship: flow faults: completed s3://")

    def test_an_unimplemented_feature_fails_at_once_and_is_named(self):
        self.source(200_000)  # one PutObject
        proxy = self.with_proxy()
        result = self.ferry_once(self.config(proxy.endpoint, max_attempts=4,
                                             serverSideEncryption="AES256"), expect=1)
        self.assert_log(result, r"PutObject .*HTTP 501 NotImplemented: Server-side encryption is "
                                r"not supported")
        self.assertEqual(len(proxy.requests("PutObject")), 1, "a 501 was tried again")
        self.assertEqual(self.s3.list_objects(self.prefix), {})


if __name__ == "__main__":
    unittest.main()
