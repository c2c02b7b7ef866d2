"""TLS to the S3 endpoint: peers are verified, and s3.caBundle trusts a private CA.

The test makes its own CA and a server certificate for IP 127.0.0.1 with the openssl CLI, and
s3rver serves HTTPS with it. ferry, with the system's CAs only, refuses the server and says how to
trust it; with s3.caBundle naming the CA it ships every record (checked with awscli trusting the
same CA); a CA that did not sign the server, or a host name the certificate does not name, are
refused; a caBundle that cannot be read is a configuration error. Over HTTPS a part carries its
CRC32C and is signed as UNSIGNED-PAYLOAD (no SHA-256 pass); over plain HTTP it is signed with its
SHA-256 (seen by bench-e2e's null S3 stub, which records how each body was signed).
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import harness
from certificates import make_ca, make_server_cert, require_openssl


class Tls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_ferry()
        harness.require_s3_tools()
        require_openssl()
        cls._tmp = tempfile.TemporaryDirectory(prefix="ferry-tls-")
        cls.tmp = cls._tmp.name
        try:
            cls.ca = make_ca(cls.tmp, "ca")
            cls.other_ca = make_ca(cls.tmp, "other-ca")
            key, cert = make_server_cert(cls.tmp, "ca")
            cls.server_key, cls.server_cert = key, cert
            cls.s3 = harness.S3rver(tls=(key, cert, cls.ca)).__enter__()
        except BaseException:
            cls._tmp.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.s3.__exit__(None, None, None)
        cls._tmp.cleanup()

    def setUp(self):
        self.dir = tempfile.mkdtemp(dir=self.tmp, prefix=self._testMethodName + "-")
        self.prefix = self._testMethodName + "/"
        self.source = os.path.join(self.dir, "records.txt")
        harness.gen("seed", self.source, 300_000, seed=7, start_id=1)

    def config(self, endpoint=None, **root):
        cfg = harness.base_config(self.dir, endpoint or self.s3.endpoint)
        cfg.update(root)
        cfg["flows"].append(harness.s3_flow("tls", os.path.join(self.dir, "*.txt"), self.prefix))
        return cfg

    def once(self, cfg, expect):
        result = harness.run_ferry(cfg, "--once", timeout=120)
        self.assertEqual(result.returncode, expect, result.describe())
        return result

    def payload_hashes(self, scheme):
        """Ships the records to the null S3 stub over `scheme`; how its PUTs were signed."""
        port = harness.free_port()
        stats = os.path.join(self.dir, f"null-s3-{scheme}.json")
        stub = [sys.executable, os.path.join(harness.SOURCE_DIR, "tools", "bench-e2e"),
                "--serve-null-s3", str(port), stats]
        if scheme == "https":
            stub += [self.server_cert, self.server_key]
        proc = subprocess.Popen(stub, start_new_session=True)
        try:
            self.assertTrue(harness.wait_for_port(port, proc), "the null S3 stub did not start")
            # Its own checkpoint (in a directory of its own): both runs ship the records.
            cfg = harness.base_config(tempfile.mkdtemp(dir=self.dir, prefix=scheme + "-"),
                                      f"{scheme}://127.0.0.1:{port}")
            cfg["s3.caBundle"] = self.ca
            cfg["flows"].append(harness.s3_flow("tls", self.source, self.prefix))
            self.once(cfg, expect=0)
        finally:
            harness.stop_process_group(proc)
        with open(stats) as f:
            return json.load(f)["payload_hashes"]

    def test_parts_over_https_carry_their_crc32c_unhashed_and_over_http_their_sha256(self):
        over_https = self.payload_hashes("https")
        self.assertEqual(list(over_https), ["UNSIGNED-PAYLOAD + crc32c"], over_https)
        self.assertGreaterEqual(over_https["UNSIGNED-PAYLOAD + crc32c"], 1)
        over_http = self.payload_hashes("http")
        self.assertEqual(list(over_http), ["sha256 + crc32c"], over_http)

    def test_the_system_cas_do_not_trust_a_private_ca(self):
        result = self.once(self.config(), expect=1)
        self.assertRegex(result.stderr, r"SSL certificate problem: (self[- ]signed certificate in "
                                        r"certificate chain|unable to get local issuer)")
        self.assertIn("for a private CA, set s3.caBundle to its PEM file", result.stderr)
        self.assertEqual(self.s3.list_objects(self.prefix), {})

    def test_ca_bundle_trusts_the_private_ca(self):
        self.once(self.config(**{"s3.caBundle": self.ca}), expect=0)
        inputs = harness.Inputs()
        inputs.scan(self.source)
        harness.check_seed_output(self, inputs, self.s3.download_records(self.prefix))

    def test_a_ca_bundle_that_did_not_sign_the_server_is_refused(self):
        result = self.once(self.config(**{"s3.caBundle": self.other_ca}), expect=1)
        self.assertIn("SSL certificate problem", result.stderr)
        self.assertIn(f"not signed by a CA in {self.other_ca}", result.stderr)
        self.assertEqual(self.s3.list_objects(self.prefix), {})

    def test_a_host_name_the_certificate_does_not_name_is_refused(self):
        endpoint = f"https://localhost:{self.s3.port}"  # the certificate names 127.0.0.1 only
        result = self.once(self.config(endpoint, **{"s3.caBundle": self.ca}), expect=1)
        self.assertRegex(result.stderr, r"subject name|does not match|no alternative")
        self.assertEqual(self.s3.list_objects(self.prefix), {})

    def test_an_unreadable_ca_bundle_is_a_configuration_error(self):
        missing = os.path.join(self.dir, "no-such-ca.pem")
        result = harness.run_ferry(self.config(**{"s3.caBundle": missing}), "--check-config")
        self.assertEqual(result.returncode, 2, result.describe())
        self.assertRegex(result.stderr,
                         r'config: s3\.caBundle: cannot read "/.*": No such file or directory')


if __name__ == "__main__":
    unittest.main()
