"""The user's story for Athena: `ferry athena-ddl` prints a CREATE EXTERNAL TABLE for a flow, and
the table fits what ferry really ships.

Two flows (Wickr messages from tests/data, and seed-shaped events, both with redaction and
invalid lines) ship with `ferry --once` to a real S3 server (s3rver on 127.0.0.1). The DDL is
parsed by a small strict parser below (CREATE EXTERNAL TABLE with struct/array column types),
then compared with the records downloaded from S3 (awscli + the zstd CLI): every key of every
shipped record, invalid-record markers included, is a column whose type holds its value, no
marker member shares a name with a record's field, the columns are exactly what the records
(and the flow's rules) give, and every object key matches LOCATION and the projection template.
A Wickr flow's columns do not depend on which of the bot's files are still on disk.
"""
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

import harness

WICKR_SAMPLE = harness.WICKR_SAMPLE
SEED_EVENTS = [
    '{"name": "Gnoll", "dob": "2011-04-22", "gender": "M", "ssn_no": "807831104", '
    '"data_share_consent": false, "evnt_time": "2021-01-31T20:31:26.114917"}',
    '{"name": "Hobb", "dob": "2010-01-10", "gender": "M", "ssn_no": "800000000", '
    '"data_share_consent": true, "evnt_time": "2021-01-31T20:31:26.114917", "visits": 3}',
    'this line is not JSON: ssn 123-45-6789',
    '{"name": "Aria", "dob": "2011-02-11", "ssn_no": 800007919, "data_share_consent": null, '
    '"evnt_time": "2021-01-31T20:32:26.114917", "visits": 2.5, "tags": ["a"], "address-line": "x"}',
]


# Lines of the Wickr flow that are not JSON objects: each ships as an invalid-record marker.
WICKR_INVALID = ['{"message_id": "cut-short", "file": {"filename": "a.pdf"', '["not", "an object"]']
# The marker's members before the ferry_ prefix: the DDL declares those the records do not use,
# so that objects shipped before the prefix stay readable.
LEGACY_MARKER_COLUMNS = {"file": "string", "offset": "bigint", "length": "bigint"}


# ----------------------------------------------------------------------------------------------
# A strict parser for the statement ferry prints.

TOKEN = re.compile(r"\s*(?:(`[a-z0-9_]+`)|('[^'\\]*'|\"[^\"\\]*\")|([A-Za-z_][A-Za-z0-9_.]*)"
                   r"|([(),<>:;=]))")


def tokenize(text):
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = TOKEN.match(text, pos)
        if not m:
            raise AssertionError(f"DDL: unexpected text at {pos}: {text[pos:pos + 40]!r}")
        tokens.append(next(g for g in m.groups() if g is not None))
        pos = m.end()
    return tokens


class DdlParser:
    PRIMITIVES = {"string", "bigint", "double", "boolean", "int"}

    def __init__(self, text):
        self.tokens, self.i = tokenize(text), 0

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, *expected):
        for word in expected:
            got = self.peek()
            if got != word:
                raise AssertionError(f"DDL: expected {word!r}, got {got!r} at token {self.i}")
            self.i += 1

    def ident(self):
        tok = self.peek()
        if not (tok and tok.startswith("`")):
            raise AssertionError(f"DDL: expected a `name`, got {tok!r}")
        self.i += 1
        return tok[1:-1]

    def string(self):
        tok = self.peek()
        if not (tok and tok[0] in "'\""):
            raise AssertionError(f"DDL: expected a 'string', got {tok!r}")
        self.i += 1
        return tok[1:-1]

    def type(self):
        tok = self.peek()
        self.i += 1
        if tok in self.PRIMITIVES:
            return tok
        if tok == "array":
            self.take("<")
            element = self.type()
            self.take(">")
            return ("array", element)
        if tok == "struct":
            self.take("<")
            members = {}
            while True:
                name = self.ident()
                self.take(":")
                if name in members:
                    raise AssertionError(f"DDL: struct member {name} twice")
                members[name] = self.type()
                if self.peek() == ">":
                    break
                self.take(",")
            self.take(">")
            return ("struct", members)
        raise AssertionError(f"DDL: unknown type {tok!r}")

    def columns(self):
        self.take("(")
        columns = {}
        while True:
            name = self.ident()
            if name in columns:
                raise AssertionError(f"DDL: column {name} twice")
            columns[name] = self.type()
            if self.peek() == ")":
                break
            self.take(",")
        self.take(")")
        return columns

    def properties(self):
        self.take("(")
        props = {}
        while True:
            key = self.string()
            self.take("=")
            props[key] = self.string()
            if self.peek() == ")":
                break
            self.take(",")
        self.take(")")
        return props

    def parse(self):
        t = {}
        self.take("CREATE", "EXTERNAL", "TABLE", "IF", "NOT", "EXISTS")
        t["table"] = self.ident()
        t["columns"] = self.columns()
        t["partitions"] = {}
        if self.peek() == "PARTITIONED":
            self.take("PARTITIONED", "BY")
            t["partitions"] = self.columns()
        self.take("ROW", "FORMAT", "SERDE")
        t["serde"] = self.string()
        self.take("WITH", "SERDEPROPERTIES")
        t["serde_properties"] = self.properties()
        self.take("STORED", "AS", "INPUTFORMAT")
        t["input_format"] = self.string()
        self.take("OUTPUTFORMAT")
        t["output_format"] = self.string()
        self.take("LOCATION")
        t["location"] = self.string()
        t["properties"] = {}
        if self.peek() == "TBLPROPERTIES":
            self.take("TBLPROPERTIES")
            t["properties"] = self.properties()
        self.take(";")
        if self.peek() is not None:
            raise AssertionError(f"DDL: text after the statement: {self.tokens[self.i:]}")
        return t


# ----------------------------------------------------------------------------------------------
# What the records say, computed here independently of ferry.

def type_of(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "bigint" if -2**63 <= value < 2**63 else "string"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        element = None
        for item in value:
            element = merge(element, type_of(item))
        return ("array", element)
    members = {}
    for key, item in value.items():
        members[key.lower()] = merge(members.get(key.lower()), type_of(item))
    return ("struct", members)


def merge(a, b):
    if a is None:
        return b
    if b is None or a == b:
        return a
    if isinstance(a, str) and isinstance(b, str) and {a, b} == {"bigint", "double"}:
        return "double"
    if isinstance(a, tuple) and isinstance(b, tuple) and a[0] == b[0]:
        if a[0] == "array":
            return ("array", merge(a[1], b[1]))
        members = dict(a[1])
        for key, t in b[1].items():
            members[key] = merge(members.get(key), t)
        return ("struct", members)
    return "string"


def athena(t):
    """The Athena type ferry should print for an inferred type."""
    if t is None:
        return "string"
    if isinstance(t, str):
        return t
    if t[0] == "array":
        return ("array", athena(t[1]))
    if not t[1]:
        return "string"
    return ("struct", {re.sub(r"[^a-z0-9_]", "_", k): athena(v) for k, v in t[1].items()})


def fits(value, column):
    """Whether the OpenX JSON SerDe reads `value` under `column` without losing it."""
    if value is None or column == "string":
        return True
    if column == "boolean":
        return isinstance(value, bool)
    if column in ("bigint", "int"):
        return isinstance(value, int) and not isinstance(value, bool)
    if column == "double":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if column[0] == "array":
        return isinstance(value, list) and all(fits(v, column[1]) for v in value)
    return isinstance(value, dict) and all(
        k.lower() in column[1] and fits(v, column[1][k.lower()]) for k, v in value.items())


def java_to_regex_and_strptime(pattern):
    """A Java date pattern ('yyyy-MM-dd', "'day'yyyyDDD") as a regex and a strptime format."""
    fields = {"yyyy": (r"\d{4}", "%Y"), "MM": (r"\d{2}", "%m"), "dd": (r"\d{2}", "%d"),
              "HH": (r"\d{2}", "%H"), "mm": (r"\d{2}", "%M"), "ss": (r"\d{2}", "%S"),
              "DDD": (r"\d{3}", "%j")}
    regex, fmt, i = "", "", 0
    while i < len(pattern):
        if pattern[i] == "'":
            end = pattern.index("'", i + 1)
            regex += re.escape(pattern[i + 1:end])
            fmt += pattern[i + 1:end].replace("%", "%%")
            i = end + 1
            continue
        for letters, (r, f) in fields.items():
            if pattern.startswith(letters, i):
                regex, fmt, i = regex + r, fmt + f, i + len(letters)
                break
        else:
            if pattern[i].isalpha():
                raise AssertionError(f"unexpected pattern letter in {pattern!r}")
            regex, fmt, i = regex + re.escape(pattern[i]), fmt + pattern[i], i + 1
    return regex, fmt


# ----------------------------------------------------------------------------------------------

class AthenaDdlStory(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_ferry()
        cls._tmp = tempfile.TemporaryDirectory(prefix="ferry-athena-")
        t = cls.tmp = cls._tmp.name
        os.makedirs(os.path.join(t, "wickr"))
        os.makedirs(os.path.join(t, "events"))
        with open(WICKR_SAMPLE) as f:
            wickr = f.read().splitlines()
        with open(os.path.join(t, "wickr", "messages-001.txt"), "w") as f:
            f.write("\n".join(wickr[:2] + WICKR_INVALID + wickr[2:]) + "\n")
        # The bot deletes files once shipped: what is left may lack members, as here time,
        # time_iso and ttl (and a file message).
        partial = [json.loads(line) for line in wickr if json.loads(line)["msgtype"] != 6000]
        for message in partial:
            for member in ("time", "time_iso", "ttl"):
                message.pop(member, None)
        cls.wickr_partial = os.path.join(t, "wickr-left-on-disk.txt")
        with open(cls.wickr_partial, "w") as f:
            f.write("".join(json.dumps(m) + "\n" for m in partial))
        events = os.path.join(t, "events", "events.log")
        with open(events, "w") as f:
            f.write("\n".join(SEED_EVENTS) + "\n")
        subprocess.run([sys.executable, harness.GEN_RECORDS, "seed", "--bytes", "20000", "--out",
                        events, "--append", "--start-id", "1"], check=True,
                       stdout=subprocess.DEVNULL)
        cls.config = {
            "checkpointFile": os.path.join(t, "checkpoints"),
            "s3.region": "us-east-1", "s3.forcePathStyle": True,
            "flows": [
                {"name": "wickr", "filePattern": os.path.join(t, "wickr", "*.txt"),
                 "initialPosition": "START_OF_FILE",
                 "s3": {"bucket": harness.BUCKET, "keyPrefix": "wickr/dt=%Y-%m-%d/hour=%H/",
                        "maxObjectAgeMillis": 1000},
                 "redact": [{"fields": ["file.localfilename"], "mode": "remove",
                             "flagField": "data_redacted", "redactedAtField": "redacted_at"},
                            {"fields": ["control.msgtype"]}]},
                {"name": "events", "filePattern": os.path.join(t, "events", "*.log"),
                 "initialPosition": "START_OF_FILE",
                 "s3": {"bucket": harness.BUCKET, "keyPrefix": "events/day%Y%m%d/{host}/",
                        "maxObjectAgeMillis": 1000},
                 "redact": [{"consentField": "data_share_consent", "fields": ["dob", "ssn_no"],
                             "flagField": "data_redacted"}]},
                {"name": "local", "filePattern": os.path.join(t, "events", "*.log"),
                 "directory": {"path": os.path.join(t, "out"), "keyPrefix": "dt=%Y-%m-%d/"}},
            ],
        }
        cls.config_path = harness.write_config(os.path.join(t, "agent.json"), cls.config)

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def athena_ddl(self, flow, *args):
        p = subprocess.run([harness.FERRY_BIN, "athena-ddl", "--config", self.config_path,
                            "--flow", flow, *args], env=harness.ferry_env(),
                           capture_output=True, text=True, timeout=60)
        return p

    def parsed(self, flow, *args):
        p = self.athena_ddl(flow, *args)
        self.assertEqual(p.returncode, 0, p.stderr)
        table = DdlParser(p.stdout).parse()
        self.assertEqual(table["serde"], "org.openx.data.jsonserde.JsonSerDe")
        self.assertEqual(table["input_format"], "org.apache.hadoop.mapred.TextInputFormat")
        return table, p.stderr

    def ship(self, s3):
        config = dict(self.config, **{"s3.endpoint": s3.endpoint})
        config["flows"] = self.config["flows"][:2]
        config["checkpointFile"] = os.path.join(self.tmp, f"checkpoints-{s3.port}")
        result = harness.run_ferry(config, "--once", timeout=120)
        self.assertEqual(result.returncode, 0, result.describe())

    def check_table_fits_records(self, table, records, rule_columns):
        shipped = [json.loads(r) for r in records]
        self.assertTrue(shipped)
        for record in shipped:
            for key, value in record.items():
                column = key.lower()
                self.assertIn(column, table["columns"], f"{key} of {record} has no column")
                self.assertTrue(fits(value, table["columns"][column]),
                                f"{key}={value!r} does not fit {table['columns'][column]}")
        inferred = None
        for record in shipped:
            inferred = merge(inferred, type_of(record))
        expected = {re.sub(r"[^a-z0-9_]", "_", k): athena(t) for k, t in inferred[1].items()}
        for name, t in rule_columns.items():
            expected.setdefault(name, t)
        self.assertEqual(table["columns"], expected)

    def check_markers_are_their_own_columns(self, table, records):
        """The objects hold markers; no marker member is a field of the flow's records (a Wickr
        message's `file` is a struct, a marker's file a string); each is a declared column."""
        shipped = [json.loads(r) for r in records]
        markers = [r for r in shipped if harness.is_marker(r)]
        self.assertTrue(markers, "the objects hold no invalid-record marker")
        fields = {k.lower() for r in shipped if not harness.is_marker(r) for k in r}
        for marker in markers:
            self.assertEqual(set(marker), {harness.MARKER_FLAG, *harness.MARKER_MEMBERS})
            self.assertEqual(set(marker) & fields, set(), "a marker member is a record's field")
            for key, value in marker.items():
                self.assertTrue(fits(value, table["columns"][key]), f"{key}={value!r}")
        return markers

    def check_keys_match_projection(self, table, keys):
        props = table["properties"]
        self.assertEqual(props["projection.enabled"], "true")
        template = props["storage.location.template"]
        self.assertTrue(template.startswith(table["location"]))
        self.assertEqual(set(re.findall(r"\$\{([a-z0-9_]+)\}", template)),
                         set(table["partitions"]))
        regex, dates = "", {}
        for piece in re.split(r"(\$\{[a-z0-9_]+\})", template):
            m = re.fullmatch(r"\$\{([a-z0-9_]+)\}", piece)
            if not m:
                regex += re.escape(piece)
                continue
            name = m.group(1)
            kind = props[f"projection.{name}.type"]
            if kind == "date":
                r, fmt = java_to_regex_and_strptime(props[f"projection.{name}.format"])
                dates[name] = fmt
            elif kind == "integer":
                r = r"\d{%s}" % props[f"projection.{name}.digits"]
            else:
                self.assertEqual(kind, "injected")
                r = r"[A-Za-z0-9._-]+"
            regex += f"(?P<{name}>{r})"
        now = datetime.datetime.utcnow()
        self.assertTrue(keys)
        for key in keys:
            url = f"s3://{harness.BUCKET}/{key}"
            m = re.match(regex, url)
            self.assertIsNotNone(m, f"{url} does not match {template}")
            self.assertTrue(key.endswith(".json.zst"), key)  # Athena reads zstd by extension
            self.assertNotIn("/", url[m.end():], f"{url}: the object is below the template")
            for name, fmt in dates.items():
                when = datetime.datetime.strptime(m.group(name), fmt)
                self.assertLess(abs((now - when).total_seconds()), 2 * 86400, url)

    def test_wickr_table_fits_what_ferry_ships(self):
        table, notes = self.parsed("wickr")
        self.assertEqual(table["table"], "wickr")
        self.assertIn("5 record(s) sampled from 1 file(s), 2 line(s) skipped", notes)
        self.assertIn("the records are Wickr messages", notes)
        self.assertEqual(table["location"], f"s3://{harness.BUCKET}/wickr/")
        self.assertEqual(table["partitions"], {"dt": "string", "hour": "int"})
        self.assertEqual(table["columns"]["file"][0], "struct")
        self.assertNotIn("localfilename", table["columns"]["file"][1])  # removed by the rule
        self.assertEqual(table["columns"]["control"],
                         ("struct", {"isrecall": "boolean", "msgid": "string",
                                     "msgtype": "string"}))  # replaced by the second rule
        with harness.S3rver() as s3:
            self.ship(s3)
            records = s3.download_records("wickr/")
            keys = list(s3.list_objects("wickr/"))
        markers = self.check_markers_are_their_own_columns(table, records)
        self.assertEqual(len(markers), len(WICKR_INVALID))
        self.check_table_fits_records(table, records, {"offset": "bigint", "length": "bigint"})
        self.check_keys_match_projection(table, keys)
        self.assertEqual(table["properties"]["projection.hour.range"], "0,23")

    def test_events_table_fits_what_ferry_ships(self):
        table, notes = self.parsed("events", "--since", "2024-05-01")
        self.assertIn("1 line(s) skipped", notes)
        self.assertEqual(table["location"], f"s3://{harness.BUCKET}/events/")
        self.assertEqual(table["partitions"], {"dt": "string", "host": "string"})
        props = table["properties"]
        self.assertEqual(props["projection.dt.format"], "'day'yyyyMMdd")  # a "..." literal
        self.assertEqual(props["projection.dt.range"], "day20240501,NOW")
        self.assertEqual(props["storage.location.template"],
                         f"s3://{harness.BUCKET}/events/${{dt}}/${{host}}/")
        self.assertEqual(props["projection.host.type"], "injected")
        columns = table["columns"]
        self.assertEqual(columns["ssn_no"], "string")  # a number where consented, else REDACTED
        self.assertEqual(columns["visits"], "double")
        self.assertEqual(columns["data_share_consent"], "string")  # true, false, null, "true"
        self.assertEqual(columns["data_redacted"], "boolean")
        self.assertEqual(columns["address_line"], "string")
        self.assertEqual(table["serde_properties"]["mapping.address_line"], "address-line")
        with harness.S3rver() as s3:
            self.ship(s3)
            records = s3.download_records("events/")
            keys = list(s3.list_objects("events/"))
        # The mapping reads "address-line" into address_line.
        renamed = [r.replace(b'"address-line"', b'"address_line"') for r in records]
        self.check_markers_are_their_own_columns(table, renamed)
        self.check_table_fits_records(table, renamed, LEGACY_MARKER_COLUMNS)
        self.check_keys_match_projection(table, keys)
        # A marker shipped before the prefix reads under the same table.
        legacy = {"ferry_invalid_record": True, "file": "/var/log/a.log", "offset": 7,
                  "length": 3}
        self.assertEqual(harness.marker_origin(legacy), ("/var/log/a.log", 7, 3))
        for key, value in legacy.items():
            self.assertTrue(fits(value, table["columns"][key]), f"{key}={value!r}")

    def test_wickr_columns_do_not_depend_on_the_files_left(self):
        full, _ = self.parsed("wickr")
        partial, notes = self.parsed("wickr", "--sample", self.wickr_partial)
        self.assertIn("the documented Wickr message shape is merged in, 5 record(s)", notes)
        self.assertEqual(partial["columns"], full["columns"])
        for column in ("time", "time_iso", "ttl"):
            self.assertEqual(partial["columns"][column], "string")
        empty = os.path.join(self.tmp, "nothing-left.txt")
        open(empty, "w").close()
        documented, _ = self.parsed("wickr", "--sample", empty, "--schema", "wickr")
        self.assertEqual(documented["columns"], full["columns"])
        # Without the documented shape the columns are the sample's alone.
        alone, _ = self.parsed("wickr", "--sample", self.wickr_partial, "--schema", "sample")
        self.assertNotIn("time_iso", alone["columns"])

    def test_directory_flow_needs_a_location(self):
        p = self.athena_ddl("local")
        self.assertEqual(p.returncode, 2)
        self.assertIn("does not ship to S3 itself", p.stderr)
        self.assertEqual(p.stdout, "")
        table, _ = self.parsed("local", "--location", "s3://copies/host-a", "--table", "events_copy")
        self.assertEqual(table["table"], "events_copy")
        self.assertEqual(table["location"], "s3://copies/host-a/")
        self.assertEqual(table["properties"]["storage.location.template"],
                         "s3://copies/host-a/dt=${dt}/")
        self.assertNotIn("ferry_invalid_record", table["columns"])  # no rules: no markers

    def test_columns_from_a_sample_or_the_wickr_schema(self):
        empty = os.path.join(self.tmp, "empty.jsonl")
        open(empty, "w").close()
        p = self.athena_ddl("wickr", "--sample", empty)
        self.assertEqual(p.returncode, 1)
        self.assertIn("pass --sample FILE or --schema wickr", p.stderr)
        table, _ = self.parsed("events", "--sample", empty, "--schema", "wickr")
        for column in ("message_id", "msg_ts", "msgtype", "sender", "receiver", "vgroupid",
                       "message", "file", "edit", "control", "data_redacted"):
            self.assertIn(column, table["columns"])
        self.assertEqual(table["columns"]["msgtype"], "bigint")

    def test_usage_errors_exit_2(self):
        for args, message in [((), "needs --flow"), (("--flow", "nope"), "no flow named"),
                              (("--flow", "wickr", "--since", "May"), "--since must be"),
                              (("--flow", "wickr", "--schema", "x"), "--schema is wickr or sample")]:
            p = subprocess.run([harness.FERRY_BIN, "athena-ddl", "--config", self.config_path,
                                *args], env=harness.ferry_env(), capture_output=True, text=True,
                               timeout=60)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn(message, p.stderr)


if __name__ == "__main__":
    unittest.main()
