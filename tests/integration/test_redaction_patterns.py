"""The user's story: a Wickr retention host redacts every built-in pattern on the host.

The flow carries one rule, all four built-ins over every string value, with a flag:

    {"patterns": ["us_ssn", "email", "credit_card", "phone_e164"], "fields": "*",
     "flagField": "pii_redacted"}

Two files go to a real S3 server (s3rver on 127.0.0.1) with one `ferry --once`: Wickr-shaped
records from tools/gen_records.py (every one has e-mail addresses in sender and receiver), and a
hand-built file with secrets planted everywhere a redactor can miss them (nested objects, arrays,
beside JSON escapes and UTF-8, behind a \\u escape, at string edges), records with values that
look like secrets but are not (32-digit ids, hashes, times, a card number as a JSON number, a card
number failing Luhn), the shared Wickr sample, and lines that are not JSON objects. awscli fetches
the objects and the real zstd CLI decompresses them.

Nothing sensitive may leave the host: no planted value is in any object, no string value in any
delivered record still matches a built-in (an independent Python matcher says so), every record
is delivered once, records with a match carry the flag and the others pass byte for byte. The
objects hold exactly what `ferry redact` prints for the same files, and the audit line counts
what the objects show. This guards the redactor's fast path (pattern rules over every string,
no consent) end to end.
"""
import json
import os
import re
import subprocess
import unittest

import harness
from harness import MIB

FLOW = "wickr"
RULE = {"patterns": ["us_ssn", "email", "credit_card", "phone_e164"], "fields": "*",
        "flagField": "pii_redacted"}
FLAG = "pii_redacted"
REPLACEMENT = "REDACTED_CONTENT"
WICKR_SAMPLE = harness.WICKR_SAMPLE
TAIL = '"msgtype":1000,"sender_type":"normal","time_iso":"2023-08-04 19:10:59.786"'

# Hand-built records, written byte for byte as given (so "\\n" is a JSON escape in the file).
# Each has a unique message_id "planted-NN".
PLANTED = [
    # each built-in in `message`
    '{"message":"my ssn is 123-45-6789, ok","message_id":"planted-01",' + TAIL + '}',
    '{"message":"ssn with spaces 123 45 6789","message_id":"planted-02",' + TAIL + '}',
    '{"message":"write to bob.smith@example.com today","message_id":"planted-03",' + TAIL + '}',
    '{"message":"card 4111 1111 1111 1111 exp 12/29","message_id":"planted-04",' + TAIL + '}',
    '{"message":"card 4111-1111-1111-1111.","message_id":"planted-05",' + TAIL + '}',
    '{"message":"card 4111111111111111 on file","message_id":"planted-06",' + TAIL + '}',
    '{"message":"call +14155552671 now","message_id":"planted-07",' + TAIL + '}',
    # nested: edit.text, file.localfilename, arrays of objects and of strings, deeper still
    '{"edit":{"originalmessageid":"planted-01","text":"corrected: 987-65-4321","type":"text"},'
    '"message_id":"planted-08",' + TAIL.replace("1000", "9000") + '}',
    '{"file":{"filename":"scan.pdf","guid":"AD20D048-9B60-4F32-A691-2D4BE4152E58",'
    '"localfilename":"/tmp/att/dave.jones@example.net/scan of 078-05-1120.pdf",'
    '"uploadedtimestamp":"8/4/23 7:11 PM"},"message_id":"planted-09",'
    + TAIL.replace("1000", "6000") + '}',
    '{"links":[{"url":"mailto:x@y.example.com"},{"url":"https://example.com/status"}],'
    '"tags":["plain","+442071838750"],"message":"see links","message_id":"planted-10",'
    + TAIL + '}',
    '{"meta":{"deep":{"list":[["5500 0000 0000 0004"],{"k":[null,true,"+33142685300"]}]}},'
    '"message_id":"planted-11",' + TAIL + '}',
    # next to JSON escapes and UTF-8
    '{"message":"line\\n123-45-6789\\tend","message_id":"planted-12",' + TAIL + '}',
    '{"message":"quote \\" 4111111111111111","message_id":"planted-13",' + TAIL + '}',
    '{"message":"caf\u00e9 +14155552671 \U0001F600","message_id":"planted-14",' + TAIL + '}',
    # behind a \\u escape: the scanner hands the string to the slower path, still caught
    '{"message":"123\\u002d45-6789","message_id":"planted-15",' + TAIL + '}',
    # whole strings, and an e-mail beside an escaped solidus
    '{"a":"219-09-9999","b":"<eve@example.com>\\/inbox","c":"+14155550123","d":"378282246310005",'
    '"message_id":"planted-16",' + TAIL + '}',
    # must survive next to a secret: 32-digit id, hash, time, number, Luhn failure
    '{"message":"not a card 4111 1111 1111 1112; mail frank@example.com",'
    '"id32":"00000000000000000001000000000001",'
    '"hash":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",'
    '"card_number":4111111111111111,"message_id":"planted-17",' + TAIL + '}',
    # nothing to redact anywhere, no e-mail: byte for byte, no flag (spacing and an escape kept)
    '{ "message" : "nothing to see here, caf\\u00e9 at 9 \\ud83d\\ude00",  '
    '"id32":"00000000000000000001000000000001", "n": 4111111111111111, '
    '"message_id":"planted-18", "msgtype":1000, "time_iso":"2023-08-04 19:10:59.786" }',
]
NO_SECRET_ID = "planted-18"
SURVIVOR_ID = "planted-17"
# Raw byte strings that must appear nowhere in what is delivered.
PLANTED_SECRETS = [
    "123-45-6789", "123 45 6789", "bob.smith@example.com", "4111 1111 1111 1111",
    "4111-1111-1111-1111", "+14155552671", "987-65-4321", "dave.jones@example.net",
    "078-05-1120", "x@y.example.com", "+442071838750", "5500 0000 0000 0004", "+33142685300",
    "123\\u002d45-6789", "219-09-9999", "eve@example.com", "+14155550123", "378282246310005",
    "frank@example.com",
    # the generator's and the sample's addresses
    "alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com",
    "erin@example.com",
]
# Values that must come out unchanged, as written, in the record SURVIVOR_ID.
SURVIVORS = [
    '"id32":"00000000000000000001000000000001"',
    '"hash":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"',
    '"time_iso":"2023-08-04 19:10:59.786"',
    '"card_number":4111111111111111',
]
# Lines that are not JSON objects: markers, and their text nowhere in the objects.
INVALID = [
    "not json at all INVALID-TOKEN-01 ssn 321-54-9876",
    '["INVALID-TOKEN-02","4111111111111111"]',
    '{"message":"INVALID-TOKEN-03 truncated 321-54-9876","message_id":"planted-99"',
]

AUDIT_RE = re.compile(
    r"audit: flow " + FLOW + r" rule 1 patterns us_ssn, email, credit_card, phone_e164 in \* "
    r"\(replace\): (\d+) records changed, (\d+) values redacted")


# ----------------------------------------------------------------------------------------------
# An independent model of the built-ins (docs/redaction.md, "Built-in patterns"), on the UTF-8
# bytes of a decoded string. \b is Hyperscan's ASCII word boundary.

def _word(b):
    return b is not None and (48 <= b <= 57 or 65 <= b <= 90 or 97 <= b <= 122 or b == 95)


def _at(s, i):
    return s[i] if 0 <= i < len(s) else None


def _boundary(s, i):
    return _word(_at(s, i - 1)) != _word(_at(s, i))


SSN_RE = re.compile(rb"(?=(\d{3}-\d{2}-\d{4}|\d{3} \d{2} \d{4}))")
PHONE_RE = re.compile(rb"\+[1-9]\d{6,14}")
EMAIL_RE = re.compile(rb"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")


def _luhn(digits):
    total = 0
    for k, d in enumerate(reversed(digits)):
        d = int(d)
        if k % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def builtin_spans(s):
    """Every (start, end) byte span of `s` (bytes) that a built-in matches."""
    spans = []
    for m in SSN_RE.finditer(s):
        a, b = m.start(1), m.end(1)
        if _boundary(s, a) and _boundary(s, b):
            spans.append((a, b))
    for i in range(len(s)):  # phone: the longest \d run that ends on a boundary, per '+'
        if s[i] == 0x2B:
            m = PHONE_RE.match(s, i)
            if m:
                end = m.end()
                while end - i - 1 >= 7 and not _boundary(s, end):
                    end -= 1
                if end - i - 1 >= 7:
                    spans.append((i, end))
    for m in EMAIL_RE.finditer(s):  # maximal by construction: [local]@[domain].[tld]
        spans.append(m.span())
    for i in range(len(s)):  # credit card: every start on a boundary, every end, Luhn
        if not (48 <= s[i] <= 57 and _boundary(s, i)):
            continue
        digits, j = [s[i]], i + 1
        while len(digits) < 19:
            if j < len(s) and 48 <= s[j] <= 57:
                digits.append(s[j])
                j += 1
            elif j + 1 < len(s) and s[j] in b" -" and 48 <= s[j + 1] <= 57:
                digits.append(s[j + 1])
                j += 2
            else:
                break
            if len(digits) >= 13 and _boundary(s, j) and _luhn(bytes(digits).decode()):
                spans.append((i, j))
    return spans


_redact_cache = {}


def model_redact(text):
    """(the string with every merged span replaced, number of spans) for a decoded string."""
    hit = _redact_cache.get(text)
    if hit is not None:
        return hit
    s = text.encode("utf-8", "surrogatepass")
    merged = []
    for a, b in sorted(builtin_spans(s)):
        if merged and a <= merged[-1][1]:  # overlapping or touching
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out, last = [], 0
    for a, b in merged:
        out += [s[last:a], REPLACEMENT.encode()]
        last = b
    out.append(s[last:])
    result = (b"".join(out).decode("utf-8", "surrogatepass"), len(merged))
    _redact_cache[text] = result
    return result


class Obj(list):
    """A JSON object as its (key, value) pairs, in order (duplicates kept)."""


def parse(line):
    return json.loads(line, object_pairs_hook=Obj)


def model_record(value):
    """(value with every string redacted by the model, number of spans redacted)."""
    if isinstance(value, str):
        return model_redact(value)
    if isinstance(value, Obj):
        out, n = Obj(), 0
        for k, v in value:
            v2, c = model_record(v)
            out.append((k, v2))
            n += c
        return out, n
    if isinstance(value, list):
        out, n = [], 0
        for v in value:
            v2, c = model_record(v)
            out.append(v2)
            n += c
        return out, n
    return value, 0


def strings_of(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, Obj):
        for _k, v in value:
            yield from strings_of(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings_of(v)


# ----------------------------------------------------------------------------------------------

class RedactionPatternsStory(harness.S3rverTestCase):
    tmp_prefix = "ferry-redact-patterns-"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = cls._tmp.name
        try:
            cls._prepare()
            cls.run1 = harness.run_ferry(cls.config, "--once", timeout=120,
                                         config_path=cls.config_path)
            cls.objects = {}
            cls.object_lines = {}
            if cls.run1.returncode == 0:
                cls.objects = cls.s3.download_objects("wickr/")
                cls.object_lines = {k: harness.records_of_objects({k: v})
                                    for k, v in cls.objects.items()}
            cls.lines = [line for k in sorted(cls.object_lines) for line in cls.object_lines[k]]
            cls.blob = b"\n".join(cls.lines)
            cls.stream = {p: cls._ferry_redact(p) for p in cls.files}
        except BaseException:
            cls.tearDownClass()
            raise

    def setUp(self):
        pass  # the tests share the one run of setUpClass

    @classmethod
    def _prepare(cls):
        in_dir = os.path.join(cls.tmp, "in")
        os.makedirs(in_dir)
        cls.gen_file = os.path.join(in_dir, "wickr-gen.log")
        cls.planted_file = os.path.join(in_dir, "planted.log")
        cls.files = [cls.gen_file, cls.planted_file]
        harness.gen("wickr", cls.gen_file, 3 * MIB, seed=41, start_id=1)
        with open(WICKR_SAMPLE, "rb") as f:
            sample = [line for line in f.read().split(b"\n") if line]
        assert len(sample) == 5, f"{WICKR_SAMPLE} holds {len(sample)} lines, not 5"
        body = [p.encode() for p in PLANTED[:9]] + [INVALID[0].encode()] + \
            [p.encode() for p in PLANTED[9:]] + sample + [i.encode() for i in INVALID[1:]]
        with open(cls.planted_file, "wb") as f:
            f.write(b"\n".join(body) + b"\n")

        cls.inputs = harness.Inputs("message_id")
        cls.source_of = {}  # message_id -> file
        for p in cls.files:
            before = set(cls.inputs.records)
            cls.inputs.scan(p)
            cls.source_of.update({k: p for k in set(cls.inputs.records) - before})
        assert len(cls.inputs.invalid) == len(INVALID), cls.inputs.invalid
        assert all(f"planted-{i:02d}" in cls.inputs.records for i in range(1, len(PLANTED) + 1))

        cls.config = harness.base_config(cls.tmp, cls.s3.endpoint)
        flow = harness.s3_flow(FLOW, os.path.join(in_dir, "*.log"), "wickr/", redact=False)
        flow["redact"] = [dict(RULE)]
        cls.config["flows"] = [flow]
        cls.config_path = os.path.join(cls.tmp, "agent.json")

    @classmethod
    def _ferry_redact(cls, path):
        """What `ferry redact` prints for the lines of `path`: (stdout lines, stderr)."""
        with open(path, "rb") as f:
            p = subprocess.run([harness.FERRY_BIN, "redact", "--config", cls.config_path,
                                "--flow", FLOW], stdin=f, capture_output=True,
                               env=harness.ferry_env(), timeout=60)
        if p.returncode != 0:
            raise AssertionError(f"ferry redact < {path} exited {p.returncode}: "
                                 f"{p.stderr.decode(errors='replace')}")
        out = p.stdout
        assert out.endswith(b"\n"), "ferry redact output does not end with a newline"
        return out[:-1].split(b"\n"), p.stderr.decode(errors="replace")

    def assertRan(self):
        self.assertEqual(self.run1.returncode, 0, self.run1.describe())
        self.assertTrue(self.objects, f"no object under wickr/: {self.s3.list_objects()}")

    def delivered(self):
        """({message_id: line}, {(file, offset): marker}); asserts nothing is there twice."""
        records, markers, twice = {}, {}, []
        for line in self.lines:
            obj = json.loads(line)
            self.assertIsInstance(obj, dict, f"delivered line is not an object: {line[:200]!r}")
            if harness.is_marker(obj):
                k = harness.marker_origin(obj)[:2]
                self.assertNotIn(k, markers, f"marker delivered twice: {line!r}")
                markers[k] = obj
                continue
            self.assertIn("message_id", obj, f"delivered line without message_id: {line[:300]!r}")
            if obj["message_id"] in records:
                twice.append(obj["message_id"])
            records[obj["message_id"]] = line
        self.assertEqual(twice[:10], [], f"{len(twice)} records delivered more than once")
        return records, markers

    # -- the run

    def test_1_once_exits_0_and_every_record_arrives_once(self):
        self.assertRan()
        self.assertEqual(self.s3.open_uploads(), [], "multipart uploads left open")
        records, markers = self.delivered()
        missing = sorted(set(self.inputs.records) - set(records))
        extra = sorted(set(records) - set(self.inputs.records))
        self.assertEqual(missing[:20], [], f"{len(missing)} records not delivered (first 20)")
        self.assertEqual(extra[:20], [], f"{len(extra)} unexpected records (first 20)")
        self.assertGreater(len(records), 5000, "the generated file is a few MiB of records")
        self.assertEqual(len(self.lines), len(self.inputs.records) + len(self.inputs.invalid))

    def test_2_invalid_lines_become_markers_and_their_text_is_gone(self):
        self.assertRan()
        _records, markers = self.delivered()
        self.assertEqual(set(markers), set(self.inputs.invalid),
                         "markers do not match the invalid input lines")
        for (path, off), src in self.inputs.invalid.items():
            self.assertEqual(markers[(path, off)], harness.marker(path, off, len(src)),
                             f"marker for {src!r}")
        for text in INVALID:
            for token in re.findall(r"INVALID-TOKEN-\d+|321-54-9876", text):
                self.assertNotIn(token.encode(), self.blob, f"text of invalid line {text!r}")
        self.assertNotIn(b"planted-99", self.blob)

    def test_3_no_planted_secret_is_in_any_object(self):
        self.assertRan()
        leaked = {s: self.blob.count(s.encode()) for s in PLANTED_SECRETS
                  if s.encode() in self.blob}
        self.assertEqual(leaked, {}, "planted secrets found in the delivered objects")
        # 4111111111111111 is planted in strings too; only the JSON numbers may remain
        # (the survivor's card_number and the no-secret record's n).
        self.assertEqual(self.blob.count(b"4111111111111111"), 2,
                         "4111111111111111 appears other than as the two JSON numbers")
        self.assertIn(b'"card_number":4111111111111111,', self.blob)

    def test_4_no_delivered_string_matches_a_built_in(self):
        self.assertRan()
        bad = []
        for line in self.lines:
            for s in strings_of(parse(line)):
                if model_redact(s)[1]:
                    bad.append((s, line[:300]))
        self.assertEqual(bad[:10], [], f"{len(bad)} delivered strings still match a built-in "
                                       f"(first 10: string, line)")

    def test_5_records_are_redacted_as_the_model_says(self):
        """Each record: every string redacted per the model, and the flag appended exactly when
        something matched; a record without a match is byte for byte its input line."""
        self.assertRan()
        records, _markers = self.delivered()
        wrong, changed = [], 0
        for mid, (_path, _off, src) in self.inputs.records.items():
            out = records.get(mid)
            if out is None:
                continue  # test_1 reports it
            expected, n = model_record(parse(src))
            if n == 0:
                if out != src:
                    wrong.append(("should pass byte for byte", src, out))
                continue
            changed += 1
            expected.append((FLAG, True))
            if parse(out) != expected or not out.endswith(b',"pii_redacted":true}'):
                wrong.append(("redacted differently from the model", src, out))
        self.assertEqual(wrong[:5], [], f"{len(wrong)} records wrong (first 5: why, in, out)")
        # every generated record has sender and receiver addresses
        gen_ids = [k for k, p in self.source_of.items() if p == self.gen_file]
        self.assertTrue(all(b'"pii_redacted":true' in records[k] for k in gen_ids
                            if k in records), "a generated record without the flag")
        self.assertGreater(changed, len(gen_ids))

    def test_6_planted_records(self):
        self.assertRan()
        records, _markers = self.delivered()
        for i in range(1, len(PLANTED) + 1):
            mid = f"planted-{i:02d}"
            line = records.get(mid)
            self.assertIsNotNone(line, f"{mid} not delivered")
            if mid == NO_SECRET_ID:
                self.assertEqual(line, PLANTED[i - 1].encode(), f"{mid} not byte for byte")
                self.assertNotIn(FLAG.encode(), line)
                continue
            self.assertTrue(line.endswith(b',"pii_redacted":true}'), f"{mid} unflagged: {line!r}")
            self.assertIn(REPLACEMENT.encode(), line, f"{mid}: nothing replaced: {line!r}")
        survivor = records[SURVIVOR_ID]
        for value in SURVIVORS:
            self.assertIn(value.encode(), survivor, f"{value} did not survive: {survivor!r}")
        self.assertIn(b"not a card 4111 1111 1111 1112; mail REDACTED_CONTENT", survivor)
        # beside escapes and UTF-8, only the secret is replaced
        msg = {mid: json.loads(records[mid])["message"] for mid in
               ("planted-12", "planted-13", "planted-14", "planted-15")}
        self.assertEqual(msg, {"planted-12": "line\nREDACTED_CONTENT\tend",
                               "planted-13": 'quote " REDACTED_CONTENT',
                               "planted-14": "caf\u00e9 REDACTED_CONTENT \U0001F600",
                               "planted-15": "REDACTED_CONTENT"})
        links = json.loads(records["planted-10"])
        self.assertEqual(links["links"], [{"url": "mailto:REDACTED_CONTENT"},
                                          {"url": "https://example.com/status"}])
        self.assertEqual(links["tags"], ["plain", "REDACTED_CONTENT"])
        nested = json.loads(records["planted-11"])["meta"]
        self.assertEqual(nested, {"deep": {"list": [["REDACTED_CONTENT"],
                                                    {"k": [None, True, "REDACTED_CONTENT"]}]}})
        self.assertEqual(json.loads(records["planted-09"])["file"]["localfilename"],
                         "/tmp/att/REDACTED_CONTENT/scan of REDACTED_CONTENT.pdf")

    def test_7_objects_hold_what_ferry_redact_prints(self):
        """Per file, in order, the delivered lines are byte for byte `ferry redact`'s output
        (markers name `<stdin>` there, the file in the objects)."""
        self.assertRan()
        for path in self.files:
            stream, _err = self.stream[path]
            expected = [line.replace(b'"ferry_file":"<stdin>"',
                                     b'"ferry_file":' + json.dumps(path).encode())
                        for line in stream]
            got = []
            for key in sorted(self.object_lines):
                for line in self.object_lines[key]:
                    obj = json.loads(line)
                    src = harness.marker_origin(obj)[0] if harness.is_marker(obj) \
                        else self.source_of.get(obj.get("message_id"))
                    if src == path:
                        got.append(line)
            self.assertEqual(len(got), len(expected), f"{path}: line counts differ")
            diff = [(i, e, g) for i, (e, g) in enumerate(zip(expected, got)) if e != g]
            self.assertEqual(diff[:3], [], f"{path}: {len(diff)} lines differ from ferry redact "
                                           f"(first 3: index, ferry redact, delivered)")

    def test_8_audit_line_counts_what_the_objects_show(self):
        self.assertRan()
        audits = AUDIT_RE.findall(self.run1.stderr)
        self.assertEqual(len(audits), 1, f"expected one audit line:\n{self.run1.describe()}")
        changed, values = map(int, audits[0])
        self.assertEqual(values, self.blob.count(REPLACEMENT.encode()),
                         "values redacted != REDACTED_CONTENT occurrences in the objects")
        self.assertEqual(changed, self.blob.count(b'"pii_redacted":true'),
                         "records changed != flagged records in the objects")
        # and what the independent model predicts for the inputs
        model_changed = model_values = 0
        for _path, _off, src in self.inputs.records.values():
            _v, n = model_record(parse(src))
            model_changed += n > 0
            model_values += n
        self.assertEqual((changed, values), (model_changed, model_values),
                         "audit counts differ from the model's")
        # ferry redact's own audit lines, summed over the files, say the same
        sums = [0, 0]
        for path in self.files:
            m = re.findall(r"ferry redact: rule 1 patterns .* \(replace\): (\d+) records changed, "
                           r"(\d+) values redacted", self.stream[path][1])
            self.assertEqual(len(m), 1, self.stream[path][1])
            sums[0] += int(m[0][0])
            sums[1] += int(m[0][1])
        self.assertEqual(tuple(sums), (changed, values))


if __name__ == "__main__":
    unittest.main()
