"""ADDEC2METADATA against a loopback IMDSv2 emulator (aws_loopback.FakeImds on 127.0.0.1).

ferry reads the instance metadata before any record (fail-closed: no metadata, no start), adds
privateIp, availabilityZone, instanceId, instanceType, accountId, amiId, region,
metadataTimestamp and tags to every JSON record, leaves "tags" out (and says so once) when the
instance does not expose tags in its metadata, and picks up a refreshed snapshot every
metadataTTL seconds without the workers ever waiting on the network.
"""
import json
import os
import re
import tempfile
import time
import unittest

import harness
from aws_loopback import FakeImds

IDENTITY = {
    "accountId": "123456789012", "architecture": "x86_64", "availabilityZone": "eu-west-3b",
    "imageId": "ami-0abcdef1234567890", "instanceId": "i-0123456789abcdef0",
    "instanceType": "m6i.large", "privateIp": "10.1.2.3", "region": "eu-west-3",
    "version": "2017-09-30",
}
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$")


class Ec2Metadata(unittest.TestCase):
    def setUp(self):
        harness.require_ferry()
        harness.require_zstd()
        self._tmp = tempfile.TemporaryDirectory(prefix="ferry-ec2-")
        self.addCleanup(self._tmp.cleanup)
        self.tmp = self._tmp.name
        self.out = os.path.join(self.tmp, "out")
        self.source = os.path.join(self.tmp, "app.log")
        harness.gen("seed", self.source, 20_000, seed=5, start_id=1)
        self.inputs = harness.Inputs("id")
        self.inputs.scan(self.source)
        self.config_path = os.path.join(self.tmp, "agent.json")

    def config(self, ttl=3600):
        cfg = harness.base_config(self.tmp)
        cfg["flows"] = [harness.dir_flow(
            "app", self.source, self.out, "{flow}/", redact=False, max_object_age_millis=1000,
            dataProcessingOptions=[{"optionName": "ADDEC2METADATA", "logFormat": "RFC3339SYSLOG",
                                    "metadataTTL": ttl}])]
        return cfg

    def records(self):
        objects, _ = harness.directory_objects(self.out)
        return [json.loads(line) for line in harness.records_of_objects(objects)]

    def check_instance(self, record, identity):
        self.assertEqual(record["privateIp"], identity["privateIp"])
        self.assertEqual(record["availabilityZone"], identity["availabilityZone"])
        self.assertEqual(record["instanceId"], identity["instanceId"])
        self.assertEqual(record["instanceType"], identity["instanceType"])
        self.assertEqual(record["accountId"], identity["accountId"])
        self.assertEqual(record["amiId"], identity["imageId"])
        self.assertEqual(record["region"], identity["region"])
        self.assertRegex(record["metadataTimestamp"], STAMP)

    def test_every_record_gets_the_instance_and_its_tags(self):
        with FakeImds(IDENTITY, tags={"Name": "bot-1", "Team": "ops"}) as imds:
            result = harness.run_ferry(self.config(), "--once", env=imds.env(),
                                       config_path=self.config_path)
            self.assertEqual(result.returncode, 0, result.describe())
            self.assertEqual(imds.count("token"), 1)  # one session, fetched once
            self.assertEqual(imds.count("identity"), 1)
        records = self.records()
        self.assertEqual(sorted(r["id"] for r in records), sorted(self.inputs.records))
        for record in records:
            self.check_instance(record, IDENTITY)
            self.assertEqual(record["tags"], {"name": "bot-1", "team": "ops"})
            original = json.loads(self.inputs.records[record["id"]][2])
            for key, value in original.items():
                self.assertEqual(record[key], value)

    def test_without_tags_in_metadata_records_have_no_tags_and_the_log_says_so(self):
        with FakeImds(IDENTITY, tags=None) as imds:
            result = harness.run_ferry(self.config(), "--once", env=imds.env(),
                                       config_path=self.config_path)
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertEqual(result.stderr.count("does not allow tags in its instance metadata"), 1,
                         result.stderr)
        for record in self.records():
            self.check_instance(record, IDENTITY)
            self.assertNotIn("tags", record)

    def test_no_metadata_service_means_no_start(self):
        with FakeImds(IDENTITY) as imds:
            env = imds.env()
        # the emulator is gone: its port refuses connections
        result = harness.run_ferry(self.config(), "--once", env=env, config_path=self.config_path,
                                   timeout=60)
        self.assertNotEqual(result.returncode, 0, result.describe())
        self.assertIn("ADDEC2METADATA: cannot read the EC2 instance metadata service", result.stderr)
        self.assertEqual(self.records(), [])
        disabled = harness.run_ferry(self.config(), "--once", config_path=self.config_path)
        self.assertNotEqual(disabled.returncode, 0, disabled.describe())
        self.assertIn("AWS_EC2_METADATA_DISABLED", disabled.stderr)

    def test_a_refreshed_snapshot_reaches_later_records(self):
        moved = dict(IDENTITY, instanceId="i-0fedcba9876543210", privateIp="10.9.9.9")
        with FakeImds(IDENTITY, tags={"Name": "bot-1"}) as imds:
            with harness.FerryProcess(self.config(ttl=1), self.config_path,
                                      env=imds.env()) as ferry:
                first = set(self.inputs.records)
                self.assertTrue(harness.poll(
                    lambda: first <= {r["id"] for r in self.records()} or not ferry.alive(), 30),
                    ferry.stderr()[-3000:])
                fetched = imds.count("identity")
                imds.update(identity=moved)
                # a refresh in flight may have read the old identity: wait for the next one too
                self.assertTrue(harness.poll(lambda: imds.count("identity") >= fetched + 2, 10),
                                ferry.stderr()[-3000:])
                time.sleep(0.5)  # the refresh that read `moved` has published it
                harness.gen("seed", self.source, 5_000, seed=6, start_id=1_000_000, append=True)
                later = harness.Inputs("id")
                later.scan(self.source)
                second = set(later.records) - first
                self.assertTrue(harness.poll(
                    lambda: second <= {r["id"] for r in self.records()} or not ferry.alive(), 30),
                    ferry.stderr()[-3000:])
                rc, _ = ferry.stop()
                self.assertEqual(rc, 0, ferry.stderr()[-3000:])
        for record in self.records():
            self.check_instance(record, IDENTITY if record["id"] in first else moved)


if __name__ == "__main__":
    unittest.main()
