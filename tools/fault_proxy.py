#!/usr/bin/env python3
"""fault_proxy: an HTTP proxy for tests, placed between ferry and an S3 server on 127.0.0.1.

It forwards every request to the upstream server and answers what the upstream answered, except
where a rule injects a fault. It also checks what S3 checks (x-amz-checksum-crc32c and
Content-MD5 against the body: 400 BadDigest on a mismatch) and writes one JSON line per request
to --log (operation, path, query, headers but never Authorization, body size, the CRC32C and MD5
it computed, and the fault it injected), for tests to assert on.

    fault_proxy.py --upstream 127.0.0.1:4568 --log requests.jsonl \
        --rules '[{"op": "UploadPart", "nth": 2, "count": 10, "action": "status",
                   "status": 503, "code": "SlowDown"}]'

prints "listening 127.0.0.1:<port>" once it accepts connections (--port 0: any free port).

A rule matches the nth request of its operation (1-based; "count" requests from there, default 1),
or with "path_contains" the nth of those whose path contains that text (one flow's prefix), and
acts:
  status        answer `status` with an S3 <Error> of `code` (e.g. 503 SlowDown, 500
                InternalError, 400 RequestTimeout, 404 NoSuchUpload); nothing is forwarded.
                Optional: "elements" (more <Error> children, e.g. {"Region": "eu-west-1"}) and
                "headers" (e.g. {"x-amz-bucket-region": "eu-west-1"}), "message", and "pad"
                (that many "A"s after the message, then "suffix": a huge hostile message)
  reset         read `after_bytes` of the body, then reset the connection (RST); nothing forwarded
  stall         read the headers, then neither read nor answer for `seconds`, then close
  down          reset this connection and every open one, stop listening for `seconds`
                (connections are refused), then listen again on the same port
  forward_reset forward the request (it takes effect upstream), then reset the connection
                instead of answering: the answer is lost
  huge_error    read the request, then answer `status` (default 500) with an <Error> body of
                `bytes` (default 300 MB) streamed in 64 KiB chunks (never held in memory) until
                it is all sent or the client hangs up
  redirect      read the request, then answer 307 Temporary Redirect with Location
                `location` (default: the same path and query on the upstream server itself),
                as S3 does while a new bucket's DNS spreads
  delay         read the request, wait `seconds`, then forward it and answer as upstream did
                (a slow CompleteMultipartUpload); the wait starts with a log line
                {"event": "delaying", "delayed": <op>, "nth": ..., "path": ...}; the request is
                forwarded even if the client has gone meanwhile (in flight when it died)
  trickle       forward the request (it takes effect upstream), send upstream's answer head at
                once, then its body followed by `pad_bytes` spaces (default 0) at
                `bytes_per_second` (default 2), a byte at a time, until sent or hung up
Each request's line carries "received" (Unix seconds, float), and "answered" once it was.
Operations: CreateMultipartUpload UploadPart CompleteMultipartUpload AbortMultipartUpload
PutObject HeadObject GetObject ListObjects Other.
With --require-md5, requests with a body and no Content-MD5 get 400 InvalidRequest, as from a
bucket whose policy demands it.

Python 3 standard library only; listens on 127.0.0.1 only.
"""
import argparse
import base64
import hashlib
import http.client
import json
import socket
import struct
import sys
import threading
import time
import urllib.parse

# ------------------------------------------------------------------------------------------------
# CRC32C (Castagnoli), table-driven: independent of ferry's implementation.

def _crc32c_table():
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
        table.append(crc)
    return table


_TABLE = _crc32c_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    table = _TABLE
    for b in data:
        crc = (crc >> 8) ^ table[(crc ^ b) & 0xFF]
    return crc ^ 0xFFFFFFFF


def crc32c_base64(data):
    return base64.b64encode(struct.pack(">I", crc32c(data))).decode()


def md5_base64(data):
    return base64.b64encode(hashlib.md5(data).digest()).decode()


# ------------------------------------------------------------------------------------------------

def operation(method, query):
    q = urllib.parse.parse_qs(query, keep_blank_values=True)
    if method == "POST" and "uploads" in q:
        return "CreateMultipartUpload"
    if method == "PUT" and "partNumber" in q and "uploadId" in q:
        return "UploadPart"
    if method == "POST" and "uploadId" in q:
        return "CompleteMultipartUpload"
    if method == "DELETE" and "uploadId" in q:
        return "AbortMultipartUpload"
    if method == "PUT" and not query:
        return "PutObject"
    if method == "HEAD":
        return "HeadObject"
    if method == "GET":
        return "ListObjects" if "list-type" in q else "GetObject"
    return "Other"


def error_body(code, message, elements=None):
    extra = "".join(f"<{name}>{value}</{name}>" for name, value in (elements or {}).items())
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
            f"<Message>{message}</Message>{extra}<RequestId>fault-proxy</RequestId>"
            "</Error>").encode()


class Closed(Exception):
    pass


def read_until(sock, buffer, marker, limit=1 << 20):
    while marker not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise Closed()
        buffer += chunk
        if len(buffer) > limit:
            raise Closed()
    return buffer


def read_exactly(sock, buffer, n):
    while len(buffer) < n:
        chunk = sock.recv(min(1 << 20, n - len(buffer)))
        if not chunk:
            raise Closed()
        buffer += chunk
    return buffer


def reset(sock):
    """Closes with an RST instead of a FIN: what a peer sees when a connection is cut."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


class Proxy:
    def __init__(self, upstream, rules, log_path, require_md5, port):
        self.upstream_host, self.upstream_port = upstream.rsplit(":", 1)
        self.rules = rules
        for rule in self.rules:
            rule.setdefault("count", 1)
        self.require_md5 = require_md5
        self.port = port
        self.log = open(log_path, "a", buffering=1) if log_path else None
        self.lock = threading.Lock()
        self.counts = {}
        self.rule_counts = {}  # by rule index: the requests a "path_contains" rule matched
        self.clients = set()
        self.listener = None
        self.up = threading.Event()

    # -- listening

    def listen(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", self.port))
        s.listen(64)
        self.port = s.getsockname()[1]
        self.listener = s
        self.up.set()

    def serve(self):
        self.listen()
        print(f"listening 127.0.0.1:{self.port}", flush=True)
        while True:
            self.up.wait()
            try:
                conn, _ = self.listener.accept()
            except (OSError, AttributeError):
                continue  # the listener was closed for a "down" fault
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self.lock:
                self.clients.add(conn)
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def go_down(self, seconds):
        self.up.clear()
        listener, self.listener = self.listener, None
        try:
            listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() blocked on it
        except OSError:
            pass
        listener.close()
        with self.lock:
            clients, self.clients = list(self.clients), set()
        for c in clients:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        def back_up():
            time.sleep(seconds)
            for _ in range(100):
                try:
                    self.listen()
                    self.record({"event": "up"})
                    return
                except OSError:
                    time.sleep(0.05)
        threading.Thread(target=back_up, daemon=True).start()

    # -- bookkeeping

    def record(self, entry):
        if self.log:
            with self.lock:
                self.log.write(json.dumps(entry) + "\n")

    def fault_for(self, op, path):
        with self.lock:
            n = self.counts.get(op, 0) + 1
            self.counts[op] = n
            for index, rule in enumerate(self.rules):
                if rule["op"] != op:
                    continue
                nth = n
                if "path_contains" in rule:  # counted among the requests it matches
                    if rule["path_contains"] not in path:
                        continue
                    nth = self.rule_counts.get(index, 0) + 1
                    self.rule_counts[index] = nth
                if rule["nth"] <= nth < rule["nth"] + rule["count"]:
                    return n, rule
        return n, None

    # -- one client connection, many requests (keep-alive)

    def handle(self, conn):
        buffer = b""
        try:
            while True:
                buffer = read_until(conn, buffer, b"\r\n\r\n")
                head, buffer = buffer.split(b"\r\n\r\n", 1)
                lines = head.decode("latin-1").split("\r\n")
                method, target, _version = lines[0].split(" ", 2)
                headers = []
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    headers.append((name.strip(), value.strip()))
                lower = {n.lower(): v for n, v in headers}
                path, _, query = target.partition("?")
                op = operation(method, query)
                nth, rule = self.fault_for(op, path)
                length = int(lower.get("content-length", "0"))
                entry = {"op": op, "nth": nth, "received": time.time(), "method": method,
                         "path": path, "query": query,
                         "headers": {n: v for n, v in lower.items() if n != "authorization"},
                         "signed_headers": lower.get("authorization", "").partition(
                             "SignedHeaders=")[2].partition(",")[0]}
                action = rule["action"] if rule else None
                if action:
                    entry["fault"] = rule
                if lower.get("expect", "").lower() == "100-continue" and action != "stall":
                    conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                if action == "stall":
                    self.record(entry)
                    time.sleep(rule.get("seconds", 60))
                    reset(conn)
                    return
                if action == "reset":
                    read_exactly(conn, buffer, min(length, rule.get("after_bytes", 0)))
                    self.record(entry)
                    reset(conn)
                    return
                if action == "down":
                    self.record(entry)
                    reset(conn)
                    self.go_down(rule.get("seconds", 5))
                    return
                body = read_exactly(conn, buffer, length)
                buffer = body[length:]
                body = body[:length]
                entry["body_bytes"] = len(body)
                if action == "huge_error":
                    self.record(entry)
                    self.send_huge_error(conn, rule)
                    return
                if action == "redirect":
                    entry["status"] = 307
                    self.record(entry)
                    location = rule.get("location",
                                        f"http://{self.upstream_host}:{self.upstream_port}{target}")
                    conn.sendall((f"HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}\r\n"
                                  f"Content-Length: 0\r\n\r\n").encode("latin-1"))
                    return
                if action == "delay":
                    self.record({"event": "delaying", "delayed": op, "nth": nth, "path": path})
                    time.sleep(rule.get("seconds", 5))
                if op in ("UploadPart", "PutObject"):
                    entry["crc32c"] = crc32c_base64(body)
                    entry["md5"] = md5_base64(body)
                elif op == "CompleteMultipartUpload":
                    entry["body"] = body.decode(errors="replace")
                status, reply_headers, reply = self.answer(method, target, headers, lower, body,
                                                           op, rule, entry)
                entry["status"] = status
                entry["answered"] = time.time()
                self.record(entry)
                if action == "forward_reset":
                    reset(conn)
                    return
                out = [f"HTTP/1.1 {status} {http.client.responses.get(status, 'Status')}"]
                if action == "trickle":
                    # Body bytes, not header bytes, are what curl's low-speed limit counts.
                    reply += b" " * rule.get("pad_bytes", 0)
                    reply_headers = [(n, v) for n, v in reply_headers
                                     if n.lower() != "content-length"]
                    reply_headers.append(("Content-Length", str(len(reply))))
                out += [f"{n}: {v}" for n, v in reply_headers]
                head = ("\r\n".join(out) + "\r\n\r\n").encode("latin-1")
                if action == "trickle":
                    conn.sendall(head)
                    pause = 1.0 / rule.get("bytes_per_second", 2)
                    for i in range(len(reply)):
                        conn.sendall(reply[i:i + 1])
                        time.sleep(pause)
                    continue
                conn.sendall(head + reply)
        except (Closed, OSError, ValueError):
            pass
        finally:
            with self.lock:
                self.clients.discard(conn)
            try:
                conn.close()
            except OSError:
                pass

    def answer(self, method, target, headers, lower, body, op, rule, entry):
        """(status, headers, body) for the client: a fault, a check that failed, or upstream's."""
        if rule and rule["action"] == "status":
            status, reply_headers, reply = self.error(
                rule["status"], rule["code"],
                rule.get("message", "injected fault") + "A" * rule.get("pad", 0)
                + rule.get("suffix", ""), rule.get("elements"))
            return status, reply_headers + list(rule.get("headers", {}).items()), reply
        if self.require_md5 and body and "content-md5" not in lower:
            return self.error(400, "InvalidRequest",
                              "Content-MD5 HTTP header is required for this request")
        if "content-md5" in lower and op in ("UploadPart", "PutObject") and \
                lower["content-md5"] != entry["md5"]:
            return self.error(400, "BadDigest",
                              "The Content-MD5 you specified did not match what we received.")
        if "x-amz-checksum-crc32c" in lower and op in ("UploadPart", "PutObject") and \
                lower["x-amz-checksum-crc32c"] != entry["crc32c"]:
            return self.error(400, "BadDigest",
                              "The CRC32C you specified did not match the calculated checksum.")
        upstream = http.client.HTTPConnection(self.upstream_host, int(self.upstream_port),
                                              timeout=120)
        try:
            upstream.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                if name.lower() not in ("expect", "connection"):
                    upstream.putheader(name, value)
            upstream.endheaders(body if body else None)
            response = upstream.getresponse()
            data = response.read()
            reply_headers = [(n, v) for n, v in response.getheaders()
                             if n.lower() not in ("transfer-encoding", "connection",
                                                  "content-length")]
            if method == "HEAD":
                reply_headers.append(("Content-Length",
                                      response.getheader("Content-Length", "0")))
            else:
                reply_headers.append(("Content-Length", str(len(data))))
            if op == "UploadPart" and "x-amz-checksum-crc32c" in lower:
                reply_headers.append(("x-amz-checksum-crc32c", lower["x-amz-checksum-crc32c"]))
            return response.status, reply_headers, data
        finally:
            upstream.close()

    @staticmethod
    def send_huge_error(conn, rule):
        status = rule.get("status", 500)
        total = rule.get("bytes", 300_000_000)
        start = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError</Code>"
        conn.sendall((f"HTTP/1.1 {status} {http.client.responses.get(status, 'Status')}\r\n"
                      f"Content-Type: application/xml\r\nContent-Length: {total}\r\n\r\n")
                     .encode("latin-1") + start)
        chunk = b" " * (64 << 10)
        sent = len(start)
        while sent < total:
            n = min(len(chunk), total - sent)
            conn.sendall(chunk[:n])
            sent += n

    @staticmethod
    def error(status, code, message, elements=None):
        body = error_body(code, message, elements)
        return status, [("Content-Type", "application/xml"),
                        ("Content-Length", str(len(body)))], body


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", required=True, help="host:port of the S3 server")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--rules", default="[]", help="JSON list of fault rules")
    parser.add_argument("--log", help="append one JSON line per request to this file")
    parser.add_argument("--require-md5", action="store_true")
    args = parser.parse_args()
    host = args.upstream.rsplit(":", 1)[0]
    if host not in ("127.0.0.1", "localhost"):
        parser.error("the upstream must be on 127.0.0.1")
    Proxy(args.upstream, json.loads(args.rules), args.log, args.require_md5, args.port).serve()


if __name__ == "__main__":
    sys.exit(main())
