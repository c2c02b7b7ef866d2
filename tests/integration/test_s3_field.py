"""Real S3's rules, against the strict server (OpenStack Swift's s3api, harness.Swift), where
s3rver would accept anything:

- an object whose short last part was acknowledged before ferry stopped (SIGTERM while
  CompleteMultipartUpload answered 503) is completed with exactly its parts at the next start,
  even when more records were written meanwhile (adding parts after a short one would make
  Complete answer EntityTooSmall at every start, forever);
- an upload aborted while ferry was down (a lifecycle rule) is found by ListParts at start and
  the object is built again;
- a Complete refused with InvalidPart is never retried as is: the next start builds the object
  again, in a new upload;
- the default CRC32C checksums, whose Complete elements Swift refuses (MalformedXML): ferry
  completes without them and says so once;
- a host clock 20 minutes behind (faketime): RequestTimeTooSkewed, corrected from the answer's
  Date header;
- `--check-config --probe` tries every request ferry needs on a probe object Athena skips, and
  names the permission a refused one needs (HeadObject refused: s3:GetObject).
Every record arrives exactly once, checked with awscli and zstd -d.
"""
import json
import os
import re
import shutil
import subprocess
import unittest

import harness
from harness import MIB
from test_s3_faults import FaultProxy

INSPECTOR = os.path.join(os.path.dirname(harness.FERRY_BIN), "ferry-checkpoint")
# 12 MiB of seed records in one object of two parts, however slowly they are read: with a 1 s
# age a loaded machine cut them into objects under 5 MiB, each one PutObject, no Complete.
ONE_MULTIPART_OBJECT = {"max_object_age_millis": 120000}


class S3Field(harness.SwiftTestCase):
    tmp_prefix = "ferry-s3-field-"

    def setUp(self):
        super().setUp()
        self.proxy = None
        self.in_dir = os.path.join(self.tmp, "in")
        os.makedirs(self.in_dir)
        self.src = os.path.join(self.in_dir, "a.log")
        self.inputs = harness.Inputs()
        self.written = 0
        self.config_path = os.path.join(self.tmp, "agent.json")

    def tearDown(self):
        if self.proxy:
            self.proxy.close()

    def write(self, nbytes, seed):
        """Appends poorly compressible seed records (one 5 MiB part per ~5 MiB)."""
        harness.gen("seed", self.src, nbytes, seed=seed, start_id=seed * 1_000_000,
                    filler="random", append=os.path.exists(self.src))
        self.inputs = harness.Inputs()
        self.inputs.scan(self.src)

    def config(self, endpoint, max_object_age_millis=1000, **s3_options):
        cfg = harness.base_config(self.tmp, endpoint)
        cfg.update({"s3.maxAttempts": 2, "s3.initialBackoffMillis": 50,
                    "s3.maxBackoffMillis": 200})
        flow = harness.s3_flow("field", os.path.join(self.in_dir, "*.log"), self.prefix,
                               part_size=5 * MIB, max_object_age_millis=max_object_age_millis,
                               maxBufferAgeMillis=1000)
        flow["s3"].update(s3_options)
        cfg["flows"] = [flow]
        return cfg

    def once(self, cfg, expect=0, argv_prefix=()):
        if argv_prefix:
            harness.write_config(self.config_path, cfg)
            p = subprocess.run([*argv_prefix, harness.FERRY_BIN, "--config", self.config_path,
                                "--once"], env=self.s3.ferry_env(),
                               stdin=subprocess.DEVNULL, capture_output=True, text=True,
                               timeout=240)
            result = harness.FerryResult(list(p.args), p.returncode, p.stdout, p.stderr)
        else:
            result = harness.run_ferry(cfg, "--once", timeout=240, env=self.s3.ferry_env(),
                                       config_path=self.config_path)
        self.assertEqual(result.returncode, expect, result.describe())
        return result

    def open_object(self):
        p = subprocess.run([INSPECTOR, self.config_path.replace("agent.json", "checkpoints")],
                           capture_output=True, text=True, timeout=30, check=True)
        flows = json.loads(p.stdout)["flows"]
        return flows[0].get("open_object")

    def assert_exactly_once(self):
        harness.check_seed_output(self, self.inputs, self.s3.download_records(self.prefix))
        self.assertEqual(self.s3.open_uploads(self.prefix), [], "multipart uploads left open")

    def stop_while_complete_fails(self):
        """Follow mode through a proxy that answers every Complete with 503; SIGTERM once ferry
        has tried it: the object's parts, the short last one included, are acknowledged."""
        self.write(12 * MIB, seed=1)
        self.proxy = FaultProxy(self.s3, self.tmp, [
            {"op": "CompleteMultipartUpload", "nth": 1, "count": 10000, "action": "status",
             "status": 503, "code": "SlowDown"}])
        cfg = self.config(self.proxy.endpoint)
        # Room to fill the first 5 MiB part before the object's age seals it, on a slow
        # (sanitizer) build too; otherwise a short object is one PutObject and has no Complete.
        cfg["flows"][0]["s3"]["maxObjectAgeMillis"] = 4000 if harness.SANITIZED else 1500
        with harness.FerryProcess(cfg, self.config_path, env=self.s3.ferry_env()) as ferry:
            self.assertTrue(harness.poll(
                lambda: self.proxy.requests("CompleteMultipartUpload"), 60), ferry.stderr()[-3000:])
            rc, _ = ferry.stop()
            self.assertIsNotNone(rc, "ferry did not stop")
        open_object = self.open_object()
        self.assertIsNotNone(open_object, "no open object in the checkpoint")
        self.assertTrue(open_object["sealed"], open_object)
        self.assertEqual(len(open_object["parts"]), 2, open_object)
        return open_object

    def test_a_sealed_upload_is_completed_with_its_parts_before_new_records(self):
        sealed = self.stop_while_complete_fails()
        self.write(12 * MIB, seed=2)  # written while ferry was down
        result = self.once(self.config(self.s3.endpoint))
        self.assertIn(f"completed {sealed['key']} with its 2 acknowledged part(s)", result.stderr)
        self.assertEqual(self.s3.part_count(sealed["key"]), 2)
        self.assertNotIn("EntityTooSmall", result.stderr)
        self.assert_exactly_once()

    def test_a_sealed_upload_refused_at_its_completion_is_built_again(self):
        # The upload disappears between the start's ListParts and its Complete (NoSuchUpload,
        # injected once): the object is built again in a new upload, same key, in the same run.
        sealed = self.stop_while_complete_fails()
        # The upload stays open upstream: aborted however this test ends.
        abort = lambda: self.s3.aws("s3api", "abort-multipart-upload", "--bucket",  # noqa: E731
                                    harness.BUCKET, "--key", sealed["key"], "--upload-id",
                                    sealed["upload_id"], check=False)
        self.addCleanup(abort)
        self.proxy.close()
        self.proxy = FaultProxy(self.s3, os.path.join(self.tmp, "in"), [
            {"op": "CompleteMultipartUpload", "nth": 1, "action": "status", "status": 404,
             "code": "NoSuchUpload"}])
        # One object, however slowly a loaded machine reads: with a 1 s age the records read
        # again were cut into objects under 5 MiB (PutObject, no Complete to count).
        result = self.once(self.config(self.proxy.endpoint, **ONE_MULTIPART_OBJECT))
        self.assertIn("NoSuchUpload", result.stderr)
        self.assertIn(f"{sealed['key']} was not completed; its records are read again into it",
                      result.stderr)
        # The refused Complete, then the rebuilt object's (twice: Swift refuses the checksums).
        self.assertEqual(len(self.proxy.requests("CompleteMultipartUpload")), 3)
        self.assertIn(sealed["key"], self.s3.list_objects(self.prefix))
        # The proxy only said the upload was gone: upstream it is still there, the one left.
        self.assertEqual(self.s3.open_uploads(self.prefix), [sealed["upload_id"]])
        abort()
        self.assert_exactly_once()

    def test_an_upload_aborted_while_ferry_was_down_is_built_again(self):
        sealed = self.stop_while_complete_fails()
        self.s3.aws("s3api", "abort-multipart-upload", "--bucket", harness.BUCKET,
                    "--key", sealed["key"], "--upload-id", sealed["upload_id"])
        result = self.once(self.config(self.s3.endpoint))
        self.assertRegex(result.stderr, re.escape(f"the upload of {sealed['key']} no longer "
                                                  "exists"))
        self.assertNotRegex(result.stderr, r"UploadPart .*NoSuchUpload")  # found at start
        self.assert_exactly_once()

    def test_a_complete_refused_with_invalid_part_builds_the_object_again(self):
        self.write(12 * MIB, seed=3)
        self.proxy = FaultProxy(self.s3, self.tmp, [
            {"op": "CompleteMultipartUpload", "nth": 1, "action": "status", "status": 400,
             "code": "InvalidPart"}])
        first = self.once(self.config(self.proxy.endpoint, **ONE_MULTIPART_OBJECT), expect=1)
        self.assertIn("InvalidPart", first.stderr)
        self.assertEqual(len(self.proxy.requests("CompleteMultipartUpload")), 1,
                         "a refused Complete was sent again as it was")
        self.assertIsNone(self.open_object()["upload_id"] or None, "the upload was kept")
        self.once(self.config(self.s3.endpoint))
        self.assert_exactly_once()  # the refused upload was aborted, the new one completed

    def test_default_checksums_are_left_out_of_complete_once_refused(self):
        self.write(12 * MIB, seed=4)
        result = self.once(self.config(self.s3.endpoint, **ONE_MULTIPART_OBJECT))
        self.assertEqual(result.stderr.count("refused the parts' checksums"), 1, result.stderr)
        self.assert_exactly_once()

    def test_a_clock_twenty_minutes_behind_is_corrected_from_the_date_header(self):
        self.assertTrue(shutil.which("faketime"), "faketime is missing (tools/setup installs it)")
        self.write(12 * MIB, seed=5)
        # The host's clock 20 minutes behind; steady clocks (timeouts, backoff) stay real.
        result = self.once(self.config(self.s3.endpoint, checksumAlgorithm="NONE"),
                           argv_prefix=("env", "FAKETIME_DONT_FAKE_MONOTONIC=1", "faketime",
                                        "-f", "-20m"))
        found = re.findall(r"RequestTimeTooSkewed\): its clock is (\d+) s ahead of", result.stderr)
        self.assertEqual(len(found), 1, result.stderr[-3000:])
        self.assertTrue(1190 <= int(found[0]) <= 1210, found)
        self.assert_exactly_once()

    def probe(self, endpoint):
        return harness.run_ferry(self.config(endpoint), "--check-config", "--probe", timeout=120,
                                 env=self.s3.ferry_env(), config_path=self.config_path)

    def test_the_probe_tries_every_request_ferry_needs(self):
        result = self.probe(self.s3.endpoint)
        self.assertEqual(result.returncode, 0, result.describe())
        for request in ("PutObject", "HeadObject", "CreateMultipartUpload", "UploadPart",
                        "ListParts", "CompleteMultipartUpload", "AbortMultipartUpload"):
            self.assertRegex(result.stdout, rf"probe: s3://\S+/{re.escape(self.prefix)}"
                                            rf"_ferry-probe-\S+: {request} ok", request)
        self.assertIn("probe: every request went through", result.stdout)
        objects = self.s3.list_objects(self.prefix)
        self.assertEqual(len(objects), 1, objects)  # one probe object, overwritten each time
        self.assertTrue(next(iter(objects)).split("/")[-1].startswith("_ferry-probe-"))
        self.assertEqual(self.s3.open_uploads(self.prefix), [], "the probe left an upload open")

    def test_the_probe_names_the_permission_a_refused_request_needs(self):
        self.proxy = FaultProxy(self.s3, self.tmp, [
            {"op": "HeadObject", "nth": 1, "count": 100, "action": "status", "status": 403,
             "code": "AccessDenied"}])
        result = self.probe(self.proxy.endpoint)
        self.assertEqual(result.returncode, 1, result.describe())
        self.assertRegex(result.stdout, r"HeadObject FAILED \(.*403.*\): needs s3:GetObject "
                                        r"\(recovery: was an object completed before a crash\?\)")
        self.assertRegex(result.stdout, r"PutObject ok")
        self.assertIn("probe: some requests were refused", result.stdout)


if __name__ == "__main__":
    unittest.main()
