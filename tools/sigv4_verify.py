"""AWS Signature Version 4 verification for ferry's loopback test servers (stdlib only).

The test gateways and emulators (tests/integration/test_credentials.py, tools/firehose_endpoint.py,
tools/cloudwatch_endpoint.py) check every request ferry sends against the key pairs they handed
out, recomputing the signature independently of ferry's signer:

    keys = KeyTable()
    akid, secret, token = keys.add("AKIATEST", token=False)     # or keys.put(akid, secret)
    refused = keys.check(method, path, query, lower_case_headers, body, "firehose")
    if refused: status, code, akid = refused                    # e.g. 403 SignatureDoesNotMatch

`verify()` is the same check against any lookup function, for servers that keep keys elsewhere.
"""
import hashlib
import hmac
import re
import secrets
import threading
import time
import urllib.parse

AUTH_RE = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\S+?), ?SignedHeaders=([^,]+), ?"
                     r"Signature=([0-9a-f]{64})$")


def sigv4_signature(secret, amz_date, scope, canonical_request):
    """The hex signature of `canonical_request` under `scope` (date/region/service/aws4_request)."""
    date, region, service, _ = scope.split("/")
    string_to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                                hashlib.sha256(canonical_request.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def canonical_query(raw):
    """The SigV4 canonical query string of a raw (still percent-encoded) query string."""
    if not raw:
        return ""
    pairs = []
    for item in raw.split("&"):
        name, _, value = item.partition("=")
        pairs.append((urllib.parse.quote(urllib.parse.unquote(name), safe="-_.~"),
                      urllib.parse.quote(urllib.parse.unquote(value), safe="-_.~")))
    return "&".join(f"{n}={v}" for n, v in sorted(pairs))


def parse_authorization(value):
    """(access key id, scope, signed header names, signature) of an Authorization header, or
    None when it is not a SigV4 one."""
    m = AUTH_RE.match(value or "")
    return m.groups() if m else None


def verify(method, path, query, headers, body, service, lookup):
    """None if the request is signed by a known, unexpired key pair for `service`; else
    (HTTP status, AWS error code, access key id or None).

    headers: lower-case names -> values. lookup(akid) -> (secret, session token or "",
    expires_at or None), or None for an unknown key."""
    parsed = parse_authorization(headers.get("authorization", ""))
    if not parsed:
        return 403, "AccessDenied", None
    akid, scope, signed, signature = parsed
    entry = lookup(akid)
    if entry is None:
        return 403, "InvalidAccessKeyId", akid
    secret, token, expires = entry
    payload = headers.get("x-amz-content-sha256") or hashlib.sha256(body).hexdigest()
    if payload != "UNSIGNED-PAYLOAD" and payload != hashlib.sha256(body).hexdigest():
        return 400, "XAmzContentSHA256Mismatch", akid
    names = signed.split(";")
    if "host" not in names:
        return 403, "SignatureDoesNotMatch", akid
    canonical_headers = "".join(
        f"{n}:{' '.join((headers.get(n) or '').split())}\n" for n in names)
    request = "\n".join([method, path, canonical_query(query), canonical_headers, signed,
                         payload])
    expected = sigv4_signature(secret, headers.get("x-amz-date", ""), scope, request)
    if not hmac.compare_digest(expected, signature) or len(scope.split("/")) != 4 or \
            scope.split("/")[2] != service:
        return 403, "SignatureDoesNotMatch", akid
    if headers.get("x-amz-security-token", "") != token:
        return 403, "InvalidToken", akid
    if token and "x-amz-security-token" not in names:
        return 403, "SignatureDoesNotMatch", akid
    if expires is not None and time.time() >= expires:
        return 400, "ExpiredToken", akid
    return None


def signing_region(headers):
    """The region of the credential scope of a SigV4 Authorization header, or None."""
    parsed = parse_authorization(headers.get("authorization", ""))
    return parsed[1].split("/")[1] if parsed and parsed[1].count("/") == 3 else None


class KeyTable:
    """The key pairs handed out, with their session tokens and the moment a server starts
    answering ExpiredToken for them; and what was seen of each.

    counted_service: accepted requests of this service (all if None) are counted in `used` and
    their signing regions in `regions`."""

    def __init__(self, counted_service=None):
        self.lock = threading.Lock()
        self.counted_service = counted_service
        self.keys = {}        # access key id -> (secret, token, expires_at or None)
        self.used = {}        # access key id -> accepted requests (of counted_service)
        self.rejected = []    # (access key id, error code)
        self.regions = set()  # signing regions of accepted requests (of counted_service)

    def add(self, prefix, lifetime=None, token=True):
        """A new key pair: (access key id starting with `prefix`, secret, session token or "")."""
        akid = f"{prefix}{secrets.token_hex(6).upper()}"
        secret = secrets.token_urlsafe(30)
        session = ("TOKEN-" + secrets.token_urlsafe(40)) if token else ""
        self.put(akid, secret, session, lifetime)
        return akid, secret, session

    def put(self, akid, secret, token="", lifetime=None):
        """Registers a given key pair."""
        expires = time.time() + lifetime if lifetime else None
        with self.lock:
            self.keys[akid] = (secret, token, expires)

    def lookup(self, akid):
        with self.lock:
            return self.keys.get(akid)

    def check(self, method, path, query, headers, body, service):
        """None if the request is signed by a known, unexpired key pair; else
        (status, code, akid). Refusals are not recorded here (see `reject`)."""
        refused = verify(method, path, query, headers, body, service, self.lookup)
        if refused is None and self.counted_service in (None, service):
            akid = parse_authorization(headers["authorization"])[0]
            with self.lock:
                self.used[akid] = self.used.get(akid, 0) + 1
                self.regions.add(signing_region(headers))
        return refused

    def reject(self, akid, code):
        with self.lock:
            self.rejected.append((akid, code))

    def used_prefixes(self):
        with self.lock:
            return {re.sub(r"[0-9A-F]{12}$", "", k) for k in self.used}
