"""The administrator's examples do what their pages promise.

examples/wickr.json is the recommended configuration for a Wickr retention host: users
pseudonymised (HMAC of sender, receiver and file.uploadedbyuser), attachment paths removed, and
SSNs, e-mail addresses, card numbers and phone numbers replaced inside message bodies and edits,
with a flag and a time on the records that had any. Its rules are run verbatim (only the key
file's path and the destination are changed: a directory under the test's temp dir) over the
quickstart's Wickr messages (the shared sample's records and two with PII), and every delivered record is checked against
its input, field by field, with Python's own HMAC. The example as written passes --check-config
once its key exists, and says nothing about its rule order.
"""
import glob
import hashlib
import hmac
import json
import os
import re
import shutil
import tempfile
import unittest

import harness

EXAMPLES = os.path.join(harness.SOURCE_DIR, "examples")
KEY_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
USER_FIELDS = (("sender",), ("receiver",), ("file", "uploadedbyuser"))
BODY_FIELDS = (("message",), ("edit", "text"))
# Independent matchers of what must not survive in a body (docs/redaction.md's built-ins).
LEFTOVERS = [re.compile(p) for p in (r"\b\d{3}-\d{2}-\d{4}\b", r"[\w.+-]+@[\w-]+\.[\w.]+",
                                     r"\b(?:\d[ -]?){13,19}\b", r"\+\d{10,15}\b")]


def read_example(name):
    with open(os.path.join(EXAMPLES, name)) as f:
        text = re.sub(r"^\s*//.*$", "", f.read(), flags=re.M)  # agent.json allows // comments
    return json.loads(text)


def get(record, path):
    for key in path:
        if not isinstance(record, dict) or key not in record:
            return None
        record = record[key]
    return record


class WickrExampleTest(unittest.TestCase):
    def setUp(self):
        harness.require_ferry()
        harness.require_zstd()
        self._tmp = tempfile.TemporaryDirectory(prefix="ferry-examples-")
        self.addCleanup(self._tmp.cleanup)
        self.tmp = self._tmp.name
        self.key_file = os.path.join(self.tmp, "wickr-hmac.key")
        with open(os.open(self.key_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write(KEY_HEX + "\n")
        self.example = read_example("wickr.json")
        for rule in self.example["flows"][0]["redact"]:
            if "keyFile" in rule:
                self.assertEqual(rule["keyFile"], "/etc/ferry/wickr-hmac.key")
                rule["keyFile"] = self.key_file

    def test_example_as_written_passes_check_config_without_a_warning(self):
        r = harness.run_ferry(self.example, "--check-config")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("configuration ok: 1 flow(s)", r.stdout)
        self.assertNotIn("changes values that", r.stderr)
        self.assertNotIn(" warn ", r.stderr)

    def test_rules_pseudonymise_users_remove_paths_and_scrub_bodies(self):
        src = os.path.join(self.tmp, "messages")
        os.makedirs(src)
        # The quickstart's messages: the shared Wickr sample's records and two with PII. (The
        # sample itself is not added: a file whose first KiB equals another's is a rotated copy.)
        for path in glob.glob(os.path.join(EXAMPLES, "data", "wickr", "*.txt")):
            shutil.copy(path, src)
        inputs = {}
        for path in sorted(glob.glob(os.path.join(src, "*.txt"))):
            with open(path) as f:
                for line in f:
                    record = json.loads(line)
                    inputs.setdefault(record["message_id"], []).append(record)
        out = os.path.join(self.tmp, "out")
        flow = dict(self.example["flows"][0])
        del flow["s3"]
        flow.update({"filePattern": os.path.join(src, "*.txt"),
                     "directory": {"path": out, "keyPrefix": "wickr/", "maxObjectAgeMillis": 1000}})
        cfg = {"checkpointFile": os.path.join(self.tmp, "checkpoints"), "flows": [flow]}
        r = harness.run_ferry(cfg, "--once")
        self.assertEqual(r.returncode, 0, r.stderr)
        objects, temps = harness.directory_objects(out)
        self.assertEqual(temps, [])
        shipped = [json.loads(line) for line in harness.records_of_objects(objects)]
        self.assertEqual(len(shipped), sum(len(v) for v in inputs.values()))
        pseudonyms = {}
        scrubbed = 0
        for record in shipped:
            original = inputs[record["message_id"]].pop(0)
            for path in USER_FIELDS:
                user = get(original, path)
                if user is None:
                    continue
                expected = hmac.new(bytes.fromhex(KEY_HEX), user.encode(), hashlib.sha256)
                self.assertEqual(get(record, path), expected.hexdigest(), path)
                pseudonyms.setdefault(user, get(record, path))
            self.assertIsNone(get(record, ("file", "localfilename")))
            changed = False
            for path in BODY_FIELDS:
                body = get(record, path)
                if body is None:
                    continue
                for pattern in LEFTOVERS:
                    self.assertIsNone(pattern.search(body), f"{path}: {body!r}")
                changed |= body != get(original, path)
            if changed:
                scrubbed += 1
                self.assertIs(record["data_redacted"], True)
                self.assertRegex(record["redacted_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
            else:
                self.assertNotIn("data_redacted", record)
                self.assertNotIn("redacted_at", record)
            # Nothing else changed.
            for key, value in original.items():
                if key not in ("sender", "receiver", "file", "message", "edit"):
                    self.assertEqual(record[key], value, key)
        self.assertGreaterEqual(scrubbed, 2)
        # One pseudonym per user, different users apart.
        self.assertEqual(len(set(pseudonyms.values())), len(pseudonyms))
        self.assertGreaterEqual(len(pseudonyms), 3)


if __name__ == "__main__":
    unittest.main()
