#!/usr/bin/env python3
"""A loopback CloudWatch PutMetricData emulator for ferry's tests (stdlib only).

It checks each request's SigV4 signature (service "monitoring") with tools/sigv4_verify.py,
parses the form body as the query protocol sends it, validates it against the API's limits (1000
datapoints and 1 MB a call, 30 dimensions, names of 1..255 characters, a known unit, either a
Value or StatisticValues (SampleCount > 0, Sum, Minimum <= Maximum), each finite and within
+-2^360, an ISO 8601 timestamp, no "AWS/" namespace) and stores the datapoints: "value" is the
Value, or the Sum of StatisticValues, which "statistics" holds whole. Failures can be
injected: the next K calls answer 500, Throttling or AccessDenied.

In a test:

    from cloudwatch_endpoint import CloudWatchEndpoint
    with CloudWatchEndpoint(keys) as cw:          # keys: a sigv4_verify.KeyTable
        ... run ferry with "cloudwatch.endpoint": cw.url ...
        cw.datapoints(namespace="AWSKinesisAgent", name="RecordsSent")

By hand:  tools/cloudwatch_endpoint.py --port 4599 --access-key AKID --secret-key SECRET
prints every accepted datapoint as a JSON line.
"""
import argparse
import datetime
import http.server
import json
import math
import os
import re
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sigv4_verify  # noqa: E402
from loopback_server import LoopbackServer  # noqa: E402

MAX_DATUMS = 1000
MAX_BODY = 1_000_000
MAX_DIMENSIONS = 30
MAX_NAME = 255
MAX_VALUE = 2.0 ** 360
STATISTICS = ("SampleCount", "Sum", "Minimum", "Maximum")
UNITS = {
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
    "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
    "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second",
    "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second",
    "Terabits/Second", "Count/Second", "None",
}
FAILURES = {
    "500": (500, "InternalServiceError", "injected internal error"),
    "throttle": (400, "Throttling", "Rate exceeded"),
    "denied": (403, "AccessDenied",
               "User: arn:aws:iam::123456789012:user/ferry is not authorized to perform: "
               "cloudwatch:PutMetricData"),
}
MEMBER_RE = re.compile(r"MetricData\.member\.(\d+)\.(.+)$")
DIMENSION_RE = re.compile(r"Dimensions\.member\.(\d+)\.(Name|Value)$")
NAMESPACE_URI = "http://monitoring.amazonaws.com/doc/2010-08-01/"


class Invalid(Exception):
    """A request CloudWatch would refuse: (status, code, message)."""


def error_xml(code, message):
    return (f'<ErrorResponse xmlns="{NAMESPACE_URI}"><Error><Type>Sender</Type>'
            f"<Code>{code}</Code><Message>{message.replace('&', '&amp;').replace('<', '&lt;')}"
            f"</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId>"
            f"</ErrorResponse>").encode()


def parse_timestamp(text):
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,9})?Z", text)
    if not m:
        raise Invalid(f"Timestamp {text!r} is not ISO 8601 UTC")
    t = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(
        tzinfo=datetime.timezone.utc).timestamp()
    return t + (float(m.group(2)) if m.group(2) else 0.0)


def check_name(what, value):
    if not 1 <= len(value) <= MAX_NAME:
        raise Invalid(f"{what} must be 1 to {MAX_NAME} characters, got {len(value)}")


def parse_put_metric_data(body):
    """(namespace, [datapoint dicts]) of a PutMetricData form body; Invalid when CloudWatch would
    refuse it."""
    if len(body) > MAX_BODY:
        raise Invalid(f"request of {len(body)} bytes is over {MAX_BODY}")
    try:
        pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                                       strict_parsing=True)
    except (UnicodeDecodeError, ValueError) as e:
        raise Invalid(f"malformed form body: {e}")
    params = {}
    for name, value in pairs:
        if name in params:
            raise Invalid(f"parameter {name} repeated")
        params[name] = value
    if params.pop("Action", None) != "PutMetricData":
        raise Invalid("Action must be PutMetricData")
    if params.pop("Version", None) != "2010-08-01":
        raise Invalid("Version must be 2010-08-01")
    namespace = params.pop("Namespace", None)
    if namespace is None:
        raise Invalid("Namespace missing")
    check_name("Namespace", namespace)
    if namespace.startswith("AWS/") or namespace.startswith(":"):
        raise Invalid(f"The value {namespace} for parameter Namespace is invalid.")
    members = {}
    for name, value in params.items():
        m = MEMBER_RE.match(name)
        if not m:
            raise Invalid(f"unknown parameter {name}")
        members.setdefault(int(m.group(1)), {})[m.group(2)] = value
    if not members:
        raise Invalid("MetricData missing")
    if sorted(members) != list(range(1, len(members) + 1)):
        raise Invalid(f"MetricData members are not numbered 1..N: {sorted(members)[:10]}")
    if len(members) > MAX_DATUMS:
        raise Invalid(f"{len(members)} datapoints in one call, over {MAX_DATUMS}")
    datapoints = []
    for index in range(1, len(members) + 1):
        fields = members[index]
        dims = {}
        plain = {}
        for key, value in fields.items():
            d = DIMENSION_RE.match(key)
            if d:
                dims.setdefault(int(d.group(1)), {})[d.group(2)] = value
            elif key in ("MetricName", "Value", "Unit", "Timestamp", "StorageResolution") or \
                    key in {f"StatisticValues.{s}" for s in STATISTICS}:
                plain[key] = value
            else:
                raise Invalid(f"unknown member field {key}")
        given = {s for s in STATISTICS if f"StatisticValues.{s}" in plain}
        if "MetricName" not in plain or ("Value" in plain) == bool(given):
            raise Invalid(f"MetricData.member.{index} needs MetricName and either Value or "
                          f"StatisticValues")
        if given and given != set(STATISTICS):
            raise Invalid(f"StatisticValues needs {', '.join(STATISTICS)}, got {sorted(given)}")
        check_name("MetricName", plain["MetricName"])
        if len(dims) > MAX_DIMENSIONS:
            raise Invalid(f"{len(dims)} dimensions, over {MAX_DIMENSIONS}")
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise Invalid("dimensions are not numbered 1..N")
        dimensions = {}
        for d in range(1, len(dims) + 1):
            if set(dims[d]) != {"Name", "Value"}:
                raise Invalid(f"dimension {d} needs Name and Value")
            check_name("Dimension name", dims[d]["Name"])
            check_name("Dimension value", dims[d]["Value"])
            if dims[d]["Name"] in dimensions:
                raise Invalid(f"dimension {dims[d]['Name']} repeated")
            dimensions[dims[d]["Name"]] = dims[d]["Value"]
        numbers = {}
        for key in (["Value"] if "Value" in plain else [f"StatisticValues.{s}" for s in STATISTICS]):
            try:
                numbers[key] = float(plain[key])
            except ValueError:
                raise Invalid(f"{key} {plain[key]!r} is not a number")
            if not math.isfinite(numbers[key]) or abs(numbers[key]) > MAX_VALUE:
                raise Invalid(f"{key} {plain[key]!r} is not finite or beyond 2^360")
        statistics = None
        if "Value" in numbers:
            value = numbers["Value"]
        else:
            statistics = {s: numbers[f"StatisticValues.{s}"] for s in STATISTICS}
            if statistics["SampleCount"] <= 0:
                raise Invalid("StatisticValues.SampleCount must be positive")
            if statistics["Minimum"] > statistics["Maximum"]:
                raise Invalid("StatisticValues.Minimum is above Maximum")
            value = statistics["Sum"]
        unit = plain.get("Unit", "None")
        if unit not in UNITS:
            raise Invalid(f"Unit {unit!r} is not a CloudWatch unit")
        timestamp = parse_timestamp(plain["Timestamp"]) if "Timestamp" in plain else time.time()
        datapoints.append({"namespace": namespace, "name": plain["MetricName"],
                           "dimensions": dimensions, "value": value, "unit": unit,
                           "statistics": statistics, "timestamp": timestamp})
    return namespace, datapoints


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _reply(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        owner = self.server.owner
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        path, _, query = self.path.partition("?")
        status, answer = owner._handle(path, query, headers, body)
        self._reply(status, answer)


class CloudWatchEndpoint(LoopbackServer):
    """The emulator on 127.0.0.1 in a thread of this process (a context manager).

    keys: a sigv4_verify.KeyTable whose key pairs may sign (None: signatures are not checked).
    on_datapoints: called with the datapoints of each accepted call."""

    def __init__(self, keys, port=0, on_datapoints=None):
        self.keys = keys
        self.lock = threading.Lock()
        self._datapoints = []
        self.calls = 0          # accepted PutMetricData calls
        self.requests = 0       # every request, refused ones included
        self.refusals = []      # (status, code, message)
        self._fail = []         # kinds of the next injected failures
        self.on_datapoints = on_datapoints
        super().__init__(_Handler, port)

    def fail_next(self, count, kind="500"):
        """The next `count` signed calls answer `kind`: "500", "throttle" or "denied"."""
        if kind not in FAILURES:
            raise ValueError(f"kind must be one of {sorted(FAILURES)}")
        with self.lock:
            self._fail.extend([kind] * count)

    def datapoints(self, namespace=None, name=None, **dimensions):
        """Stored datapoints (dicts), oldest first, filtered by namespace, metric name and
        dimension values (Destination="S3:b", Flow="f")."""
        with self.lock:
            points = list(self._datapoints)
        return [p for p in points
                if (namespace is None or p["namespace"] == namespace)
                and (name is None or p["name"] == name)
                and all(p["dimensions"].get(k) == v for k, v in dimensions.items())]

    def total(self, name, namespace=None, **dimensions):
        """The Sum statistic: Values and the Sums of StatisticValues added up."""
        return sum(p["value"] for p in self.datapoints(namespace, name, **dimensions))

    def sample_count(self, name, namespace=None, **dimensions):
        """The SampleCount statistic (a Value is one sample)."""
        return sum(p["statistics"]["SampleCount"] if p["statistics"] else 1
                   for p in self.datapoints(namespace, name, **dimensions))

    def wait_for(self, predicate, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.1)
        return predicate()

    def _refuse(self, status, code, message):
        with self.lock:
            self.refusals.append((status, code, message))
        return status, error_xml(code, message)

    def _handle(self, path, query, headers, body):
        with self.lock:
            self.requests += 1
        if self.keys is not None:
            refused = self.keys.check("POST", path, query, headers, body, "monitoring")
            if refused:
                status, code, akid = refused
                self.keys.reject(akid, code)
                return self._refuse(status, code, f"signature check failed: {code}")
        with self.lock:
            kind = self._fail.pop(0) if self._fail else None
        if kind:
            return self._refuse(*FAILURES[kind])
        if path != "/":
            return self._refuse(404, "InvalidAction", f"path {path!r}")
        if not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return self._refuse(400, "InvalidParameterValue", "not a form body")
        try:
            _, points = parse_put_metric_data(body)
        except Invalid as e:
            return self._refuse(400, "InvalidParameterValue", str(e))
        with self.lock:
            self.calls += 1
            self._datapoints.extend(points)
        if self.on_datapoints:
            self.on_datapoints(points)
        return 200, (f'<PutMetricDataResponse xmlns="{NAMESPACE_URI}"><ResponseMetadata>'
                     f"<RequestId>00000000-0000-0000-0000-000000000001</RequestId>"
                     f"</ResponseMetadata></PutMetricDataResponse>").encode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=4599)
    parser.add_argument("--access-key", required=True)
    parser.add_argument("--secret-key", required=True)
    parser.add_argument("--session-token", default="")
    args = parser.parse_args()
    keys = sigv4_verify.KeyTable()
    keys.put(args.access_key, args.secret_key, args.session_token)

    def show(points):
        for p in points:
            print(json.dumps(p, sort_keys=True), flush=True)

    with CloudWatchEndpoint(keys, port=args.port, on_datapoints=show) as cw:
        print(f"CloudWatch emulator on {cw.url}", file=sys.stderr, flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
