"""Smoke test of the strict S3 test server: OpenStack Swift 2.30 with s3api on 127.0.0.1
(tools/swift/swift_server.py, harness.Swift).

First that it is the strict one (s3rver accepts all of these): a short part other than the last
is refused at CompleteMultipartUpload with EntityTooSmall, a part listed with an ETag that was
not stored with InvalidPart, an aborted upload with NoSuchUpload, a wrong secret with
SignatureDoesNotMatch. Then ferry --once against it: with `checksumAlgorithm: NONE` every record
of a multipart object arrives once, each part signed with its SHA-256. Then the same through
Swift serving HTTPS with a private CA (s3.caBundle), and with the default CRC32C and Content-MD5
on every part: each part is signed as UNSIGNED-PAYLOAD, which Swift verifies as real S3 does
(the proxy's access log shows how each body was signed). (The default CRC32C over HTTP, whose
Complete elements Swift refuses with MalformedXML, and the multipart rules at restarts:
test_s3_field.py.)
"""
import os
import unittest

import harness
from certificates import make_ca, make_server_cert, require_openssl
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
    ca = None  # the CA file ferry trusts (s3.caBundle) when the server speaks HTTPS

    def once(self, **s3_options):
        """ferry --once over ~12 MiB of poorly compressible seed records (one object of 2 or
        more 5 MiB parts) under self.prefix, with `s3_options` in the flow's s3 block; checks
        that every record arrived once in a multipart object and no upload was left open."""
        in_dir = os.path.join(self.tmp, "in")
        os.makedirs(in_dir)
        src = os.path.join(in_dir, "a.log")
        harness.gen("seed", src, 12 * MIB, seed=41, filler="random")
        inputs = harness.Inputs("id")
        inputs.scan(src)
        config = harness.base_config(self.tmp, self.s3.endpoint)
        if self.ca:
            config["s3.caBundle"] = self.ca
        flow = harness.s3_flow("swift", os.path.join(in_dir, "*.log"), self.prefix)
        flow["s3"].update(s3_options)
        config["flows"] = [flow]
        result = harness.run_ferry(config, "--once", timeout=120, env=self.s3.ferry_env(),
                                   config_path=os.path.join(self.tmp, "agent.json"))
        self.assertEqual(result.returncode, 0, result.describe())
        objects = self.s3.list_objects(self.prefix)
        parts = {k: self.s3.part_count(k) for k in objects}
        self.assertTrue(any(n >= 2 for n in parts.values()),
                        f"no object of 2 or more parts: {parts} (sizes {objects})")
        harness.check_seed_output(self, inputs, self.s3.download_records(self.prefix))
        self.assertEqual(self.s3.open_uploads(), [], "multipart uploads left open")

    def part_signatures(self):
        """[(X-Amz-Content-Sha256, Content-MD5)] of this test's UploadPart requests."""
        return [(sha, md5) for path, sha, md5 in self.s3.signed_payloads("PUT")
                if path.startswith(f"/{BUCKET}/{self.prefix}") and "partNumber=" in path]

    def test_once_without_checksums_delivers_every_record_once_in_a_multipart_object(self):
        self.once(checksumAlgorithm="NONE")
        # A body without a checksum is signed with its SHA-256, over HTTP and HTTPS alike.
        signatures = self.part_signatures()
        self.assertGreaterEqual(len(signatures), 2, self.s3.log_tail())
        for sha, md5 in signatures:
            self.assertRegex(sha, r"^[0-9a-f]{64}$")
            self.assertIsNone(md5)


class FerryOnSwiftOverTls(FerryOnSwift):
    """The same through Swift's proxy serving HTTPS with a private CA (s3.caBundle), and with
    Content-MD5 on every body: Swift verifies the signature and the MD5 of each part."""
    tmp_prefix = "ferry-swift-tls-"

    @classmethod
    def make_server(cls):
        require_openssl()
        cls.ca = make_ca(cls._tmp.name, "ca")
        key, cert = make_server_cert(cls._tmp.name, "ca")
        return harness.Swift(tls=(key, cert, cls.ca))

    def test_parts_with_checksums_are_sent_as_unsigned_payload(self):
        # The default CRC32C (which Swift ignores, and whose Complete elements it refuses: ferry
        # completes without them) and Content-MD5 (which Swift verifies).
        self.once(contentMd5=True)
        # Over HTTPS a body with its checksums is signed as UNSIGNED-PAYLOAD (no SHA-256 pass),
        # and Swift accepted every such part.
        signatures = self.part_signatures()
        self.assertGreaterEqual(len(signatures), 2, self.s3.log_tail())
        for sha, md5 in signatures:
            self.assertEqual(sha, "UNSIGNED-PAYLOAD")
            self.assertIsNotNone(md5)


if __name__ == "__main__":
    unittest.main()
