#!/usr/bin/env python3
"""A loopback Kinesis Data Firehose emulator for ferry's tests (stdlib only): PutRecordBatch.

It checks every request as strictly as the service and more: the SigV4 signature against the
key pairs it was given (service "firehose", tools/sigv4_verify.py), the X-Amz-Target, the
Content-Type, the JSON body shape, the delivery stream name and the limits (1..500 records, each
Data 1..1,024,000 bytes decoded, 4 MiB of Data a call). Anything ferry should never send is
refused like the service would (400 InvalidArgumentException, 403 for signatures, ...) AND
recorded in `violations`; a test asserts there are none. Accepted records are kept per stream.

Faults, settable at any time (also by a test while ferry runs):
    fail_every(n)          every n-th record of each call fails (FailedPutCount, ErrorCode
                           ServiceUnavailableException); 0 turns it off
    throttle_next(k)       the next k calls answer 400 ThrottlingException (status/code settable,
                           e.g. 503 ServiceUnavailableException)
    error_next(k)          the next k calls answer 500 InternalFailure

In a test:
    with FirehoseEndpoint(["ds1"], keys=("AKIA...", "secret")) as fh:
        ... run ferry with "firehose.endpoint": fh.url ...
        fh.records("ds1")   -> [Data bytes, ...] in arrival order
        fh.calls            -> [Call, ...] (records, bytes, injected failures, retried, ...)
        fh.violations       -> [str, ...]

By hand (prints "Listening at http://127.0.0.1:PORT"; GET /_emulator/state shows what arrived):
    python3 tools/firehose_endpoint.py --port 0 --stream ds1 --access-key AKIA... \
        --secret-key ... [--region us-east-1] [--store DIR] [--fail-every N] [--verbose]
"""
import argparse
import base64
import binascii
import dataclasses
import hashlib
import http.server
import json
import os
import secrets
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sigv4_verify import KeyTable, signing_region  # noqa: E402
from loopback_server import LoopbackServer  # noqa: E402

TARGET = "Firehose_20150804.PutRecordBatch"
CONTENT_TYPE = "application/x-amz-json-1.1"
MAX_RECORDS = 500
MAX_RECORD_BYTES = 1_024_000
MAX_CALL_BYTES = 4 * 1024 * 1024
MAX_BODY_BYTES = 8 * 1024 * 1024  # base64 of 4 MiB plus JSON; larger bodies are refused unread


@dataclasses.dataclass
class Call:
    """One PutRecordBatch request as the emulator saw it."""
    stream: str
    status: int                 # HTTP status answered
    error: str = ""             # AWS error code of a refused call ("" when answered 200)
    records: int = 0            # records in the call
    data_bytes: int = 0         # decoded Data bytes in the call
    sizes: list = dataclasses.field(default_factory=list)     # Data size of each record
    failed: list = dataclasses.field(default_factory=list)    # indexes failed on purpose
    retried: int = 0            # records that had failed before and were not yet accepted
    fresh: int = 0              # records never seen before
    duplicates: int = 0         # records already accepted before (a resend)
    region: str = ""            # signing region


class State:
    """What arrived, and the faults to inject; every method is thread-safe."""

    def __init__(self, streams, keys, region=None, store_dir=None):
        self.lock = threading.Lock()
        self.streams = {name: [] for name in streams}
        self.keys = keys
        self.region = region
        self.store_dir = store_dir
        self.calls = []
        self.violations = []
        self.failed_digests = set()    # Data digests failed and not accepted since
        self.accepted_digests = {}     # Data digest -> times accepted
        self.every = 0
        self.throttles = 0
        self.throttle_answer = (400, "ThrottlingException")
        self.errors = 0

    def violation(self, text):
        with self.lock:
            self.violations.append(text)

    def take_whole_call_fault(self):
        """(status, code) of a fault to answer this call with, or None."""
        with self.lock:
            if self.throttles > 0:
                self.throttles -= 1
                return self.throttle_answer
            if self.errors > 0:
                self.errors -= 1
                return 500, "InternalFailure"
        return None

    def accept(self, call, datas):
        """Stores the records of a valid call, but those chosen to fail; returns the
        RequestResponses entries."""
        responses = []
        with self.lock:
            every = self.every
            stored = self.streams[call.stream]
            for i, data in enumerate(datas):
                digest = hashlib.sha256(data).digest()
                if digest in self.accepted_digests:
                    call.duplicates += 1
                elif digest in self.failed_digests:
                    call.retried += 1
                else:
                    call.fresh += 1
                if every and (i + 1) % every == 0:
                    call.failed.append(i)
                    self.failed_digests.add(digest)
                    responses.append({"ErrorCode": "ServiceUnavailableException",
                                      "ErrorMessage": "Slow down (injected by the emulator)."})
                    continue
                self.failed_digests.discard(digest)
                self.accepted_digests[digest] = self.accepted_digests.get(digest, 0) + 1
                stored.append(data)
                responses.append({"RecordId": secrets.token_hex(28)})
            if self.store_dir:
                with open(os.path.join(self.store_dir, call.stream), "ab") as f:
                    for i, data in enumerate(datas):
                        if "RecordId" in responses[i]:
                            f.write(data)
        return responses

    def record_call(self, call):
        with self.lock:
            self.calls.append(call)

    def snapshot(self):
        with self.lock:
            return {"streams": {n: {"records": len(r), "bytes": sum(map(len, r))}
                                for n, r in self.streams.items()},
                    "calls": [dataclasses.asdict(c) for c in self.calls],
                    "violations": list(self.violations)}


def error_body(code, message):
    return json.dumps({"__type": code, "message": message}).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ferry-firehose-emulator"

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("firehose: " + (fmt % args) + "\n")

    def reply(self, status, body, content_type=CONTENT_TYPE):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("x-amzn-RequestId", secrets.token_hex(16))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/_emulator/state":
            return self.reply(200, json.dumps(self.server.state.snapshot()).encode(),
                              "application/json")
        self.reply(404, error_body("UnknownOperationException", "GET is not an API call"))

    def do_POST(self):
        state = self.server.state
        length = int(self.headers.get("Content-Length") or -1)
        if length < 0 or length > MAX_BODY_BYTES:
            state.violation(f"request body length {length} (no Content-Length or too large)")
            self.close_connection = True
            return self.reply(413, error_body("SerializationException", "body length"))
        body = self.rfile.read(length)
        call = Call(stream="", status=200, region=signing_region(self.lower_headers()) or "")
        status, code, message = self.handle_call(state, body, call)
        call.status, call.error = status, code
        state.record_call(call)
        if self.server.verbose:
            sys.stderr.write(f"firehose: {call}\n")
        if status != 200:
            return self.reply(status, error_body(code, message))
        self.reply(200, message)

    def lower_headers(self):
        return {k.lower(): v for k, v in self.headers.items()}

    def handle_call(self, state, body, call):
        """(HTTP status, error code, message or the 200 answer body)."""
        headers = self.lower_headers()
        path, _, query = self.path.partition("?")
        refused = state.keys.check("POST", path, query, headers, body, "firehose")
        if refused:
            status, code, akid = refused
            state.keys.reject(akid, code)
            state.violation(f"signature refused: {code} (key {akid})")
            return status, code, "The request signature is not valid for this emulator."
        if state.region and call.region != state.region:
            state.violation(f"signed for region {call.region!r}, expected {state.region!r}")
            return 403, "SignatureDoesNotMatch", "Credential should be scoped to a valid region."
        if path != "/" or query:
            state.violation(f"request path {self.path!r}, expected '/'")
            return 404, "UnknownOperationException", "Unknown path."
        if headers.get("x-amz-target") != TARGET:
            state.violation(f"X-Amz-Target {headers.get('x-amz-target')!r}")
            return 400, "UnknownOperationException", "Unknown operation."
        if headers.get("content-type", "").split(";")[0].strip() != CONTENT_TYPE:
            state.violation(f"Content-Type {headers.get('content-type')!r}")
            return 400, "SerializationException", "Unexpected Content-Type."
        parsed = self.parse_body(body)
        if isinstance(parsed, str):
            state.violation(parsed)
            return 400, "InvalidArgumentException", parsed
        call.stream, datas = parsed
        call.records = len(datas)
        call.sizes = [len(d) for d in datas]
        call.data_bytes = sum(call.sizes)
        if call.stream not in state.streams:
            return (400, "ResourceNotFoundException",
                    f"Firehose {call.stream} under account 123456789012 not found.")
        problem = limits_problem(datas)
        if problem:
            state.violation(f"stream {call.stream}: {problem}")
            return 400, "InvalidArgumentException", problem
        fault = state.take_whole_call_fault()
        if fault:
            return fault[0], fault[1], "Injected by the emulator."
        responses = state.accept(call, datas)
        answer = {"FailedPutCount": len(call.failed), "Encrypted": False,
                  "RequestResponses": responses}
        return 200, "", json.dumps(answer).encode()

    @staticmethod
    def parse_body(body):
        """(stream name, [Data bytes]) or a description of what is wrong."""
        try:
            doc = json.loads(body)
        except ValueError as e:
            return f"body is not JSON: {e}"
        if not isinstance(doc, dict) or set(doc) != {"DeliveryStreamName", "Records"}:
            return f"body keys {sorted(doc) if isinstance(doc, dict) else type(doc).__name__}"
        name, records = doc["DeliveryStreamName"], doc["Records"]
        if not isinstance(name, str) or not 1 <= len(name) <= 64:
            return f"DeliveryStreamName {name!r}"
        if not isinstance(records, list):
            return "Records is not a list"
        datas = []
        for i, r in enumerate(records):
            if not isinstance(r, dict) or set(r) != {"Data"} or not isinstance(r["Data"], str):
                return f"record {i} is not {{\"Data\": string}}: {str(r)[:200]}"
            try:
                datas.append(base64.b64decode(r["Data"], validate=True))
            except (binascii.Error, ValueError):
                return f"record {i} Data is not base64"
        return name, datas


def limits_problem(datas):
    if not 1 <= len(datas) <= MAX_RECORDS:
        return f"{len(datas)} records in a call (1..{MAX_RECORDS})"
    for i, d in enumerate(datas):
        if not 1 <= len(d) <= MAX_RECORD_BYTES:
            return f"record {i} Data of {len(d)} bytes (1..{MAX_RECORD_BYTES})"
    total = sum(map(len, datas))
    if total > MAX_CALL_BYTES:
        return f"{total} bytes of Data in a call (at most {MAX_CALL_BYTES})"
    return None


class FirehoseEndpoint(LoopbackServer):
    """The emulator on 127.0.0.1 in a thread of this process (a context manager).

    streams: delivery stream names that exist. keys: a KeyTable, or (access key id, secret).
    region: the signing region required (None: any)."""

    def __init__(self, streams, keys, region=None, port=0, store_dir=None, verbose=False):
        if isinstance(keys, tuple):
            table = KeyTable()
            table.put(*keys)
            keys = table
        self.state = State(streams, keys, region, store_dir)
        super().__init__(Handler, port)
        self.server.state = self.state
        self.server.verbose = verbose

    # -- what arrived

    def records(self, stream):
        """The Data of every accepted record of `stream`, in arrival order."""
        with self.state.lock:
            return list(self.state.streams[stream])

    @property
    def calls(self):
        with self.state.lock:
            return list(self.state.calls)

    @property
    def violations(self):
        with self.state.lock:
            return list(self.state.violations)

    # -- faults

    def fail_every(self, n):
        with self.state.lock:
            self.state.every = n

    def throttle_next(self, k, status=400, code="ThrottlingException"):
        with self.state.lock:
            self.state.throttles = k
            self.state.throttle_answer = (status, code)

    def error_next(self, k):
        with self.state.lock:
            self.state.errors = k


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free one)")
    ap.add_argument("--stream", action="append", required=True, help="a delivery stream name")
    ap.add_argument("--access-key", required=True)
    ap.add_argument("--secret-key", required=True)
    ap.add_argument("--session-token", default="")
    ap.add_argument("--region", help="the signing region required (default: any)")
    ap.add_argument("--store", help="append each stream's accepted Data to DIR/<stream>")
    ap.add_argument("--fail-every", type=int, default=0, help="fail every N-th record of a call")
    ap.add_argument("--verbose", action="store_true", help="log every call to stderr")
    args = ap.parse_args(argv)
    if args.store:
        os.makedirs(args.store, exist_ok=True)
    keys = KeyTable()
    keys.put(args.access_key, args.secret_key, args.session_token)
    endpoint = FirehoseEndpoint(args.stream, keys, args.region, args.port, args.store,
                                args.verbose)
    endpoint.fail_every(args.fail_every)
    print(f"Listening at {endpoint.url}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    try:
        endpoint.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        endpoint.server.server_close()
        snap = endpoint.state.snapshot()
        print(json.dumps({"streams": snap["streams"], "calls": len(snap["calls"]),
                          "violations": snap["violations"]}), flush=True)


if __name__ == "__main__":
    main()
