"""Loopback stand-ins for AWS endpoints, shared by the integration tests (stdlib only, 127.0.0.1).

LoopbackServer (tools/loopback_server.py) runs a ThreadingHTTPServer in a thread of the test
process; Handler is the request handler base with small reply helpers. FakeImds plays the EC2 instance metadata service
(IMDSv2: a session token from PUT /latest/api/token, then GETs that must carry it) with an
instance identity document and, when `tags` is not None, tags in instance metadata.
"""
import http.server
import json
import os
import secrets
import sys
import threading

from harness import SOURCE_DIR

sys.path.insert(0, os.path.join(SOURCE_DIR, "tools"))
from loopback_server import LoopbackServer  # noqa: E402,F401  (re-exported for the tests)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def reply(self, status, body=b"", headers=(), content_type="application/xml"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def lower_headers(self):
        return {k.lower(): v for k, v in self.headers.items()}


IDENTITY_PATH = "/latest/dynamic/instance-identity/document"
TAGS_PATH = "/latest/meta-data/tags/instance"


class ImdsHandler(Handler):
    def do_PUT(self):
        owner = self.server.owner
        self.body()
        if self.path == "/latest/api/token" and \
                self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            owner.record("token")
            return self.reply(200, owner.session.encode(), content_type="text/plain")
        self.reply(400, b"bad request", content_type="text/plain")

    def do_GET(self):
        owner = self.server.owner
        if self.headers.get("X-aws-ec2-metadata-token") != owner.session:
            owner.record("unauthorized")
            return self.reply(401, b"", content_type="text/plain")
        with owner.lock:
            identity, tags = dict(owner.identity), owner.tags
        if self.path == IDENTITY_PATH:
            owner.record("identity")
            return self.reply(200, json.dumps(identity, indent=2).encode(),
                              content_type="text/plain")
        if tags is not None and self.path == TAGS_PATH:
            owner.record("tags")
            return self.reply(200, "\n".join(tags).encode(), content_type="text/plain")
        if tags is not None and self.path.startswith(TAGS_PATH + "/"):
            key = self.path[len(TAGS_PATH) + 1:]
            if key in tags:
                return self.reply(200, tags[key].encode(), content_type="text/plain")
        owner.record("not-found")
        self.reply(404, b"", content_type="text/plain")


class FakeImds(LoopbackServer):
    """IMDSv2 with `identity` (the instance identity document as a dict) and `tags` ({key:
    value}, or None: tags in instance metadata are off, a 404 as on a real instance)."""

    def __init__(self, identity, tags=None):
        super().__init__(ImdsHandler)
        self.session = "imds-session-" + secrets.token_hex(8)
        self.lock = threading.Lock()
        self.identity = identity
        self.tags = tags
        self.calls = []

    def record(self, what):
        with self.lock:
            self.calls.append(what)

    def count(self, what):
        with self.lock:
            return self.calls.count(what)

    def update(self, identity=None, tags=None):
        with self.lock:
            if identity is not None:
                self.identity = identity
            if tags is not None:
                self.tags = tags

    def env(self):
        """The environment that points ferry (or any AWS SDK) at this service."""
        return {"AWS_EC2_METADATA_SERVICE_ENDPOINT": self.url, "AWS_EC2_METADATA_DISABLED": "false"}
