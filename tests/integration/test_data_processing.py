"""dataProcessingOptions end to end: the real ferry converts CSV and Apache log lines to JSON
(the Kinesis Agent's CSVTOJSON and LOGTOJSON), redacts the converted records with the flow's
rules, drops the log lines the format does not match (counted, as the `done:` line and the
metrics say), and ships the rest to a directory, read back with zstd.
"""
import json
import os
import tempfile
import unittest

import harness

APACHE = ('127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" '
          '200 2326')


class DataProcessing(unittest.TestCase):
    def test_csv_and_apache_logs_become_redacted_json(self):
        with tempfile.TemporaryDirectory(prefix="ferry-dpo-") as t:
            in_dir, out = os.path.join(t, "in"), os.path.join(t, "out")
            os.makedirs(in_dir)
            with open(os.path.join(in_dir, "people.csv"), "w") as f:
                for i in range(200):
                    f.write(f"user{i},{100 + i:03d}-45-6789,team{i % 3}\n")
                f.write("short,row\n")
            with open(os.path.join(in_dir, "access.log"), "w") as f:
                for i in range(100):
                    f.write(APACHE.replace("frank", f"user{i}") + "\n")
                    if i % 10 == 0:
                        f.write("not an apache line\n")
            config = harness.base_config(t)
            csv_flow = harness.dir_flow("csv", os.path.join(in_dir, "*.csv"), out, "csv/",
                                        redact=False, dataProcessingOptions=[{
                                            "optionName": "CSVTOJSON",
                                            "customFieldNames": ["name", "ssn", "team"]}])
            csv_flow["redact"] = [{"fields": ["ssn"], "flagField": "ssn_redacted"}]
            config["flows"] = [
                csv_flow,
                harness.dir_flow("web", os.path.join(in_dir, "*.log"), out, "web/", redact=False,
                                 dataProcessingOptions=[{"optionName": "LOGTOJSON",
                                                         "logFormat": "COMMONAPACHELOG"}]),
            ]
            result = harness.run_ferry(config, "--once", config_path=os.path.join(t, "a.json"))
            self.assertEqual(result.returncode, 0, result.describe())
            objects, _ = harness.directory_objects(out)
            csv = [json.loads(line) for line in harness.records_of_objects(
                {k: v for k, v in objects.items() if k.startswith("csv/")})]
            web = [json.loads(line) for line in harness.records_of_objects(
                {k: v for k, v in objects.items() if k.startswith("web/")})]

            self.assertEqual(len(csv), 201)
            self.assertEqual(csv[0], {"name": "user0", "ssn": "REDACTED_CONTENT",
                                      "team": "team0", "ssn_redacted": True})
            self.assertEqual(csv[-1], {"name": "short", "ssn": "REDACTED_CONTENT", "team": None,
                                       "ssn_redacted": True})
            self.assertFalse(any("-45-6789" in json.dumps(r) for r in csv), "an SSN leaked")

            self.assertEqual(len(web), 100, "the 10 lines that are no Apache log are dropped")
            self.assertEqual(web[5], {"host": "127.0.0.1", "ident": None, "authuser": "user5",
                                      "datetime": "10/Oct/2000:13:55:36 -0700",
                                      "request": "GET /apache_pb.gif HTTP/1.0",
                                      "response": "200", "bytes": "2326"})
            self.assertIn(" 10 dropped)", result.stderr)


if __name__ == "__main__":
    unittest.main()
