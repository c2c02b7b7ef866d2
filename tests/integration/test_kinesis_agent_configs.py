"""The Java Kinesis Agent's documented example configurations pass `ferry --check-config`.

kinesis_agent_configs/*.json are the agent.json examples of the Kinesis Agent user guides
(Firehose and Kinesis Data Streams developer guides, the agent's README): the minimal Firehose
flow, the default agent.json with a Kinesis flow and partitionKeyOption, two flows with the
service endpoints, the endpoints with awsAccessKeyId/awsSecretAccessKey, dataProcessingOptions
(LOGTOJSON with each log format and a matchPattern, CSVTOJSON, SINGLELINE with
multiLineStartPattern, ADDEC2METADATA), and one that sets every agent and flow key the agent
documents. Each must be accepted as it is, with no unknown-key warning: a drop-in replacement
runs the file it is given.
"""
import glob
import os
import re
import unittest

import harness

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIGS = os.path.join(HERE, "kinesis_agent_configs")

# file -> (flows, destinations the summary names, warnings that are expected)
EXPECTED = {
    "minimal_firehose.json": (1, ["Firehose delivery stream yourdeliverystream"], []),
    "default_agent.json": (2, ["Kinesis data stream yourkinesisstream",
                               "Firehose delivery stream yourdeliverystream"], []),
    "multiple_flows.json": (2, ["Kinesis data stream yourkinesisstream",
                                "Firehose delivery stream yourfirehosedeliverystream"], []),
    "endpoints_and_keys.json": (1, ["Firehose delivery stream my-delivery-stream"], []),
    "data_processing.json": (7, ["Firehose delivery stream apache-access-stream",
                                 "Kinesis data stream csv-stream"], []),
    "tuned_agent.json": (1, ["Kinesis data stream app-stream"],
                         ["checkpointFile: \"/var/run/aws-kinesis-agent/checkpoints\" is cleared "
                          "at reboot"]),
}

WARNING = re.compile(r"^\S+ warn  (.*)$", re.M)


class KinesisAgentConfigs(unittest.TestCase):
    def test_every_example_is_listed(self):
        found = sorted(os.path.basename(p) for p in glob.glob(os.path.join(CONFIGS, "*.json")))
        self.assertEqual(found, sorted(EXPECTED))

    def test_examples_pass_check_config(self):
        for name, (flows, destinations, warnings) in sorted(EXPECTED.items()):
            with self.subTest(config=name):
                result = harness.run_ferry(os.path.join(CONFIGS, name), "--check-config",
                                           timeout=30)
                self.assertEqual(result.returncode, 0, result.describe())
                self.assertIn(f"configuration ok: {flows} flow(s)", result.stdout)
                for destination in destinations:
                    self.assertIn(destination, result.stdout)
                if name == "endpoints_and_keys.json" and \
                        os.stat(os.path.join(CONFIGS, name)).st_mode & 0o077:
                    # It holds awsSecretAccessKey, and a checkout makes it 0644.
                    warnings = warnings + ["holds awsSecretAccessKey and group or others may "
                                           "read it"]
                got = WARNING.findall(result.stderr)
                self.assertEqual(len(got), len(warnings), result.describe())
                for line, expected in zip(got, warnings):
                    self.assertIn(expected, line)
                self.assertNotIn("unknown key", result.stderr)
                self.assertNotIn("not implemented", result.stderr)
                self.assertNotIn("AKIAIOSFODNN7EXAMPLE", result.stderr + result.stdout)

    def test_jvm_keys_are_noted_not_warned(self):
        result = harness.run_ferry(os.path.join(CONFIGS, "tuned_agent.json"), "--check-config",
                                   timeout=30)
        self.assertEqual(result.returncode, 0, result.describe())
        for key in ("maxConnections", "useHttpGzip", "sendingThreadsKeepAliveMillis",
                    "flows[0].publishQueueCapacity", "flows[0].waitOnFullRetryQueueMillis"):
            self.assertRegex(result.stderr, rf"info  config: {re.escape(key)}: has no effect in "
                                            r"ferry: ")


if __name__ == "__main__":
    unittest.main()
