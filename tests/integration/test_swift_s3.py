"""Smoke test of the strict S3 test server: OpenStack Swift 2.30 with s3api on 127.0.0.1
(tools/swift/swift_server.py, harness.Swift).

First that it is the strict one (s3rver accepts all of these): a short part other than the last
is refused at CompleteMultipartUpload with EntityTooSmall, a part listed with an ETag that was
not stored with InvalidPart, an aborted upload with NoSuchUpload, a wrong secret with
SignatureDoesNotMatch. Then ferry --once against it: with `checksumAlgorithm: NONE` every record
of a multipart object arrives once. (The default CRC32C, whose Complete elements Swift refuses
with MalformedXML, and the multipart rules at restarts: test_s3_field.py.)
"""
import os
import unittest

import harness
from harness import BUCKET, MIB

KIB = 1024


def parts_arg(*parts):
    """complete-multipart-upload --multipart-upload (shorthand) for [(part number, ETag)]."""
    return "Parts=[" + ",".join(f'{{PartNumber={n},ETag="{etag}"}}' for n, etag in parts) + "]"


class SwiftIsStrict(harness.SwiftTestCase):
    tmp_prefix = "ferry-swift-strict-"

    def create_upload(self, key):
        return self.s3.aws_json("s3api", "create-multipart-upload", "--bucket", BUCKET,
                                "--key", key)["UploadId"]

    def upload_part(self, key, upload_id, number, size, check=True):
        body = os.path.join(self.tmp, f"part-{number}")
        with open(body, "wb") as f:
            f.write(os.urandom(size))
        args = ("s3api", "upload-part", "--bucket", BUCKET, "--key", key,
                "--upload-id", upload_id, "--part-number", str(number), "--body", body)
        if not check:
            return self.s3.aws(*args, check=False, text=True)
        return self.s3.aws_json(*args)["ETag"].strip('"')

    def complete(self, key, upload_id, *parts):
        return self.s3.aws("s3api", "complete-multipart-upload", "--bucket", BUCKET, "--key", key,
                           "--upload-id", upload_id, "--multipart-upload", parts_arg(*parts),
                           check=False, text=True)

    def abort(self, key, upload_id):
        self.s3.aws("s3api", "abort-multipart-upload", "--bucket", BUCKET, "--key", key,
                    "--upload-id", upload_id)

    def assertRefused(self, p, code, operation):
        self.assertNotEqual(p.returncode, 0, f"{operation} succeeded: {p.stdout}")
        self.assertIn(f"An error occurred ({code}) when calling the {operation} operation",
                      p.stderr)

    def test_a_short_first_part_is_entity_too_small_and_the_upload_survives(self):
        key = self.prefix + "small.bin"
        uid = self.create_upload(key)
        parts = [(n, self.upload_part(key, uid, n, KIB)) for n in (1, 2)]
        self.assertRefused(self.complete(key, uid, *parts), "EntityTooSmall",
                           "CompleteMultipartUpload")
        self.assertIn(uid, self.s3.open_uploads(), "the upload did not survive")
        self.abort(key, uid)

    def test_a_part_listed_with_an_etag_not_stored_is_invalid_part(self):
        key = self.prefix + "etag.bin"
        uid = self.create_upload(key)
        self.upload_part(key, uid, 1, KIB)
        self.assertRefused(self.complete(key, uid, (1, "0" * 32)), "InvalidPart",
                           "CompleteMultipartUpload")
        self.abort(key, uid)

    def test_a_part_of_an_aborted_upload_is_no_such_upload(self):
        key = self.prefix + "aborted.bin"
        uid = self.create_upload(key)
        self.abort(key, uid)
        self.assertRefused(self.upload_part(key, uid, 1, KIB, check=False), "NoSuchUpload",
                           "UploadPart")

    def test_a_wrong_secret_is_signature_does_not_match(self):
        p = self.s3.aws("s3api", "list-objects-v2", "--bucket", BUCKET, check=False, text=True,
                        env={"AWS_SECRET_ACCESS_KEY": "not-" + self.s3.secret_key})
        self.assertRefused(p, "SignatureDoesNotMatch", "ListObjectsV2")


class FerryOnSwift(harness.SwiftTestCase):
    tmp_prefix = "ferry-swift-once-"

    def once(self, checksum=None):
        """ferry --once over ~12 MiB of poorly compressible seed records (one object of 2 or
        more 5 MiB parts) under self.prefix; returns (result, inputs)."""
        in_dir = os.path.join(self.tmp, "in")
        os.makedirs(in_dir)
        src = os.path.join(in_dir, "a.log")
        harness.gen("seed", src, 12 * MIB, seed=41, filler="random")
        inputs = harness.Inputs("id")
        inputs.scan(src)
        config = harness.base_config(self.tmp, self.s3.endpoint)
        flow = harness.s3_flow("swift", os.path.join(in_dir, "*.log"), self.prefix)
        if checksum:
            flow["s3"]["checksumAlgorithm"] = checksum
        config["flows"] = [flow]
        result = harness.run_ferry(config, "--once", timeout=120, env=self.s3.ferry_env(),
                                   config_path=os.path.join(self.tmp, "agent.json"))
        return result, inputs

    def test_once_without_checksums_delivers_every_record_once_in_a_multipart_object(self):
        result, inputs = self.once(checksum="NONE")
        self.assertEqual(result.returncode, 0, result.describe())
        objects = self.s3.list_objects(self.prefix)
        parts = {k: self.s3.part_count(k) for k in objects}
        self.assertTrue(any(n >= 2 for n in parts.values()),
                        f"no object of 2 or more parts: {parts} (sizes {objects})")
        harness.check_seed_output(self, inputs, self.s3.download_records(self.prefix))
        self.assertEqual(self.s3.open_uploads(), [], "multipart uploads left open")


if __name__ == "__main__":
    unittest.main()
