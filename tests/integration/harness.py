"""Shared helpers for ferry's integration tests: run the real binary, a real S3 server, real clients.

Everything here is stdlib only and loopback only: s3rver (lenient) and OpenStack Swift with s3api
(strict, tools/swift) bind 127.0.0.1, awscli and ferry talk to 127.0.0.1, and objects are
decompressed by the real `zstd` CLI, never by the code under test.
Environment: FERRY_BIN (the binary), FERRY_SOURCE_DIR (the source tree, for tools/).
"""
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("FERRY_SOURCE_DIR") or os.path.abspath(os.path.join(HERE, "..", ".."))
FERRY_BIN = os.environ.get("FERRY_BIN") or os.path.join(SOURCE_DIR, "build", "ferry")
GEN_RECORDS = os.path.join(SOURCE_DIR, "tools", "gen_records.py")
S3RVER_BIN = os.path.join(SOURCE_DIR, "tools", "s3rver", "node_modules", ".bin", "s3rver")
sys.path.insert(0, os.path.join(SOURCE_DIR, "tools", "swift"))
import aws_cli  # noqa: E402  (the aws CLI, one long-lived process for every call)
import swift_server  # noqa: E402  (OpenStack Swift + s3api, the strict S3 test server)
# free_port(): a free TCP port on 127.0.0.1; stop_process_group(proc, timeout=10.0): SIGTERM the
# process group of `proc` (started with start_new_session), then SIGKILL. Shared with tools/swift.
from swift_server import free_port, stop_group as stop_process_group  # noqa: E402,F401
TESTDATA_DIR = os.path.join(SOURCE_DIR, "tests", "data")  # conformance data, see its README.md
WICKR_SAMPLE = os.path.join(TESTDATA_DIR, "wickr-messages-sample.jsonl")
BUCKET = "retention"
ACCESS_KEY = "S3RVER"
SECRET_KEY = "S3RVER"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
MIB = 1 << 20


# ----------------------------------------------------------------------------------------------
# tools

def require_ferry():
    if not os.access(FERRY_BIN, os.X_OK):
        raise unittest.SkipTest(f"ferry binary not found at {FERRY_BIN} (set FERRY_BIN)")


def require_zstd():
    if not shutil.which("zstd"):
        raise unittest.SkipTest("the zstd CLI is not installed (apt-get install zstd)")


def aws_bin():
    # Prefer Debian's awscli (tools/setup installs it); fall back to whatever is on PATH.
    if os.access("/usr/bin/aws", os.X_OK):
        return "/usr/bin/aws"
    return shutil.which("aws")


def require_s3_tools():
    if not (os.access(S3RVER_BIN, os.X_OK) and shutil.which("node")):
        raise unittest.SkipTest(f"s3rver not installed at {S3RVER_BIN} (run tools/setup)")
    if not aws_bin():
        raise unittest.SkipTest("the aws CLI is not installed (apt-get install awscli)")
    require_zstd()


def wait_for_port(port, proc, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(0.5)
            try:
                s.connect(("127.0.0.1", port))
                return True
            except OSError:
                time.sleep(0.1)
    return False


# ----------------------------------------------------------------------------------------------
# S3 test servers (s3rver, OpenStack Swift + s3api) + awscli

class S3TestServer:
    """What every S3 test server here offers: a context manager running the server on 127.0.0.1
    with the bucket `retention`, awscli against it, and its credentials for ferry.

        with S3rver() as s3:          # or Swift()
            s3.endpoint  -> "http://127.0.0.1:<port>"
            s3.aws("s3api", "list-objects-v2", "--bucket", "retention")
            harness.run_ferry(config, "--once", env=s3.ferry_env())

    A subclass defines `endpoint`, require() (SkipTest when its tools are missing), _start()
    (with self.tmp, a TemporaryDirectory, set: sets self.home and self.log_path) and _stop()."""

    access_key = ACCESS_KEY
    secret_key = SECRET_KEY
    tls = None  # (key file, certificate file, CA file) when the server speaks HTTPS
    tmp_prefix = "ferry-s3-"
    tmp = None

    @staticmethod
    def require():
        raise NotImplementedError

    def _temp_dir(self):
        return tempfile.TemporaryDirectory(prefix=self.tmp_prefix)

    def __enter__(self):
        self.require()
        self.tmp = self._temp_dir()
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        self._stop()
        if self.tmp is not None:
            self.tmp.cleanup()
            self.tmp = None
        return False

    def log_tail(self, n=4000):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-n:].decode(errors="replace")
        except OSError:
            return ""

    def ferry_env(self, extra=None):
        """ferry's environment (harness.ferry_env) with this server's credentials; for
        run_ferry(..., env=server.ferry_env()) and FerryProcess(..., env=...)."""
        return ferry_env({"AWS_ACCESS_KEY_ID": self.access_key,
                          "AWS_SECRET_ACCESS_KEY": self.secret_key, **(extra or {})})

    # -- awscli

    def aws_env(self):
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self.home,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "AWS_PAGER": "",
            "AWS_MAX_ATTEMPTS": "2",
            **({"AWS_CA_BUNDLE": self.tls[2]} if self.tls else {}),
        }

    def aws(self, *args, check=True, timeout=120, text=False, env=None):
        """Runs the aws CLI against this server; returns the CompletedProcess (stdout bytes).
        `env` overrides variables of aws_env() (e.g. another AWS_SECRET_ACCESS_KEY)."""
        p = aws_cli.run(aws_bin(), ["--endpoint-url", self.endpoint, *args],
                        {**self.aws_env(), **(env or {})}, timeout=timeout, text=text)
        if check and p.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed ({p.returncode}): "
                                 f"{p.stderr if text else p.stderr.decode(errors='replace')}")
        return p

    def aws_json(self, *args, **kw):
        out = self.aws(*args, "--output", "json", **kw).stdout
        return json.loads(out) if out.strip() else {}

    def list_objects(self, prefix=""):
        """{key: size} of every object in the bucket under `prefix` (awscli paginates)."""
        args = ["s3api", "list-objects-v2", "--bucket", BUCKET]
        if prefix:
            args += ["--prefix", prefix]
        listing = self.aws_json(*args)
        return {o["Key"]: o["Size"] for o in listing.get("Contents", [])}

    def head_object(self, key):
        return self.aws_json("s3api", "head-object", "--bucket", BUCKET, "--key", key)

    def part_count(self, key):
        """How many parts the object `key` was completed from (1 for a single PUT).

        Real S3 (and Swift's s3api) says it in the ETag ("<md5>-N"); a plain MD5 ETag is left
        to _unlabelled_part_count."""
        etag = self.head_object(key)["ETag"].strip('"')
        m = re.fullmatch(r"[0-9a-fA-F]{32}-(\d+)", etag)
        if m:
            return int(m.group(1))
        return self._unlabelled_part_count(key)

    def _unlabelled_part_count(self, key):
        return 1  # an S3-like server labels multipart ETags: a plain MD5 is a single PUT

    def get_object(self, key):
        return self.aws("s3", "cp", f"s3://{BUCKET}/{key}", "-").stdout

    def download_objects(self, prefix="", keys=None):
        """{key: compressed bytes} of every object under `prefix` (or of `keys`), via awscli."""
        if keys is None:
            keys = list(self.list_objects(prefix))
        out = {}
        if not keys:
            return out
        if len(keys) <= 2:
            for k in keys:
                out[k] = self.get_object(k)
            return out
        common = os.path.commonprefix(list(keys))
        prefix = common[:common.rfind("/") + 1] if prefix == "" or not common.startswith(prefix) \
            else prefix
        with tempfile.TemporaryDirectory(prefix="ferry-dl-") as d:
            self.aws("s3", "cp", "--recursive", "--only-show-errors",
                     f"s3://{BUCKET}/{prefix}", d, timeout=300)
            for k in keys:
                with open(os.path.join(d, k[len(prefix):]), "rb") as f:
                    out[k] = f.read()
        return out

    def download_records(self, prefix="", keys=None):
        """Every record line (bytes, without '\\n') of every object under `prefix` (or `keys`).

        Checks each key ends with .json.zst and decompresses with the real zstd CLI."""
        return records_of_objects(self.download_objects(prefix, keys))


class S3rver(S3TestServer):
    """A real S3-compatible server (s3rver) on 127.0.0.1 with the bucket `retention`. Lenient:
    it enforces none of S3's multipart rules (see Swift for a strict one)."""

    tmp_prefix = "ferry-s3rver-"

    def __init__(self, allow_mismatched_signatures=False, tls=None):
        """tls: (key file, certificate file, CA file) to serve HTTPS (awscli trusts the CA)."""
        self.allow_mismatched_signatures = allow_mismatched_signatures
        self.tls = tls
        self.proc = None
        self.port = None
        self.tmp = None

    @property
    def endpoint(self):
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @staticmethod
    def require():
        require_s3_tools()

    def _tls_args(self):
        return ["--key", self.tls[0], "--cert", self.tls[1]] if self.tls else []

    def _start(self):
        data = os.path.join(self.tmp.name, "data")
        self.home = os.path.join(self.tmp.name, "home")
        os.makedirs(data)
        os.makedirs(self.home)
        self.log_path = os.path.join(self.tmp.name, "s3rver.log")
        for _ in range(3):
            self.port = free_port()
            cmd = [S3RVER_BIN, "-d", data, "-a", "127.0.0.1", "-p", str(self.port),
                   "--configure-bucket", BUCKET]
            if self.allow_mismatched_signatures:
                cmd.append("--allow-mismatched-signatures")
            cmd += self._tls_args()
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                                             stderr=subprocess.STDOUT, start_new_session=True,
                                             env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                                                  "HOME": self.home})
            if wait_for_port(self.port, self.proc):
                return
            stop_process_group(self.proc)
        raise RuntimeError(f"s3rver did not start; log:\n{self.log_tail()}")

    def restart(self, down_seconds=1.0):
        """Stops the server, keeps it down for `down_seconds`, starts it again on the same port
        with the same data (clients see refused connections meanwhile)."""
        stop_process_group(self.proc)
        time.sleep(down_seconds)
        data = os.path.join(self.tmp.name, "data")
        cmd = [S3RVER_BIN, "-d", data, "-a", "127.0.0.1", "-p", str(self.port),
               "--configure-bucket", BUCKET, *self._tls_args()]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True,
                                         env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                                              "HOME": self.home})
        if not wait_for_port(self.port, self.proc):
            raise RuntimeError(f"s3rver did not restart; log:\n{self.log_tail()}")

    def _stop(self):
        if self.proc is not None:
            stop_process_group(self.proc)
            self.proc = None

    def _unlabelled_part_count(self, key):
        """s3rver's ETag is a plain MD5 of the whole object, so the answer comes from s3rver's
        request log: the upload id whose Complete request named `key`, and the distinct parts
        stored for that upload id."""
        log = re.sub(r"\x1b\[[0-9;]*m", "", self.log_tail(n=1 << 30))
        spellings = {key, urllib.parse.quote(key, safe="/~"), urllib.parse.quote(key, safe="/")}
        completes = []  # (position in the log, upload id): the last Complete wins
        for k in spellings:
            pattern = re.escape(k) + r"\?uploadId=([0-9A-Za-z_.-]+) 200 "
            completes += [(m.start(), m.group(1)) for m in re.finditer(pattern, log)]
        if not completes:
            return 1
        uid = max(completes)[1]
        return len(set(re.findall(r"Stored part (\d+) of " + re.escape(uid) + r"\b", log)))

    def open_uploads(self):
        """Upload ids of multipart uploads begun and neither completed nor aborted.

        s3rver does not implement ListMultipartUploads; its filesystem store keeps each open
        upload as <data>/<bucket>/._S3rver_uploads/<upload id>/ until Complete or Abort."""
        d = os.path.join(self.tmp.name, "data", BUCKET, "._S3rver_uploads")
        try:
            return sorted(os.listdir(d))
        except FileNotFoundError:
            return []


_swift_missing = None


def require_swift_tools():
    """SkipTest unless OpenStack Swift, memcached (tools/setup), awscli and zstd are installed."""
    global _swift_missing
    if _swift_missing is None:
        _swift_missing = swift_server.missing_tools()
    if _swift_missing:
        raise unittest.SkipTest(f"OpenStack Swift is not installed: {', '.join(_swift_missing)} "
                                "missing (run tools/setup)")
    if not aws_bin():
        raise unittest.SkipTest("the aws CLI is not installed (apt-get install awscli)")
    require_zstd()


class Swift(S3TestServer):
    """OpenStack Swift 2.30 with s3api (tools/swift/swift_server.py) on 127.0.0.1 with the
    bucket `retention`: a strict S3-compatible server. It verifies SigV4, enforces EntityTooSmall,
    InvalidPart and NoSuchUpload, ignores x-amz-checksum-* headers and rejects checksum elements
    in CompleteMultipartUpload (docs/s3.md). Credentials: access key test:tester (tempauth),
    secret testing: pass env=swift.ferry_env() to run_ferry. Starts in 3-8 s. With `tls` (key
    file, certificate file, CA file) it serves HTTPS (awscli trusts the CA)."""

    access_key = swift_server.ACCESS_KEY
    secret_key = swift_server.SECRET_KEY
    tmp_prefix = "ferry-swift-"

    def __init__(self, tls=None):
        self.server = None
        self.tmp = None
        self.tls = tls

    @property
    def endpoint(self):
        return self.server.endpoint

    @staticmethod
    def require():
        require_swift_tools()

    def _temp_dir(self):
        # the object server keeps metadata in user xattrs: a directory where they work
        return tempfile.TemporaryDirectory(prefix=self.tmp_prefix,
                                           dir=swift_server.xattr_base_dir())

    def _start(self):
        self.home = os.path.join(self.tmp.name, "home")
        os.makedirs(self.home)
        self.server = swift_server.SwiftServer(os.path.join(self.tmp.name, "swift"),
                                               tls=self.tls[:2] if self.tls else None)
        self.log_path = self.server.log_path
        self.server.start()
        self.aws("s3api", "create-bucket", "--bucket", BUCKET)

    def restart(self, down_seconds=1.0):
        """Stops every Swift process, keeps them down for `down_seconds`, starts them again on
        the same ports with the same data (clients see refused connections meanwhile)."""
        self.server.restart(down_seconds)

    def _stop(self):
        if self.server is not None:
            self.server.stop()
            self.server = None

    def signed_payloads(self, method="PUT"):
        """[(path, X-Amz-Content-Sha256, Content-MD5 or None)] of every S3 request with `method`
        the proxy logged (its access log ends with those headers, swift_server.LOGGED_HEADERS):
        how each body was signed."""
        log = self.log_tail(n=1 << 30)
        found = []
        for line in log.splitlines():
            m = re.match(rf"proxy-server: \S+ \S+ \S+ {method} (\S+) HTTP/", line)
            if not m or "X-Amz-Content-Sha256:" not in line:
                continue  # a request of another method, or a Swift subrequest (no S3 headers)
            # one field, URL-quoted: "Name: value" lines
            field = next(f for f in line.split() if "X-Amz-Content-Sha256:" in f)
            headers = dict(h.split(": ", 1) for h in urllib.parse.unquote(field).splitlines())
            found.append((urllib.parse.unquote(m.group(1)), headers["X-Amz-Content-Sha256"],
                          headers.get("Content-Md5")))
        return found

    def open_uploads(self, prefix=None):
        """Upload ids of multipart uploads begun and neither completed nor aborted
        (ListMultipartUploads), of keys under `prefix` if given (one test's keys, so that an
        upload another test left open does not fail this one too)."""
        scope = ("--prefix", prefix) if prefix else ()
        listing = self.aws_json("s3api", "list-multipart-uploads", "--bucket", BUCKET, *scope)
        return sorted(u["UploadId"] for u in listing.get("Uploads", []))


def zstd_decompress(data):
    p = subprocess.run(["zstd", "-d", "-c", "-q"], input=data, capture_output=True, timeout=120)
    if p.returncode != 0:
        raise AssertionError(f"zstd -d failed: {p.stderr.decode(errors='replace')}")
    return p.stdout


def records_of_objects(objects):
    """Record lines of {key: compressed bytes}; asserts the object format (.json.zst, NDJSON)."""
    lines = []
    for key, data in sorted(objects.items()):
        if not key.endswith(".json.zst"):
            raise AssertionError(f"object key {key!r} does not end with .json.zst")
        if not data.startswith(ZSTD_MAGIC):
            raise AssertionError(f"object {key!r} does not start with a zstd frame")
        text = zstd_decompress(data)
        if not text:
            raise AssertionError(f"object {key!r} holds no record")
        if not text.endswith(b"\n"):
            raise AssertionError(f"object {key!r} does not end with '\\n'")
        body = text[:-1].split(b"\n")
        if any(not line for line in body):
            raise AssertionError(f"object {key!r} holds an empty line")
        lines.extend(body)
    return lines


# ----------------------------------------------------------------------------------------------
# directory destination

def directory_objects(root):
    """({relative key: bytes} of complete objects, [relative paths of hidden temp files])."""
    objects, temps = {}, []
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            rel = os.path.relpath(os.path.join(dirpath, name), root)
            if name.startswith("."):
                temps.append(rel)
                continue
            with open(os.path.join(dirpath, name), "rb") as f:
                objects[rel] = f.read()
    return objects, temps


# ----------------------------------------------------------------------------------------------
# ferry

# tools/test's second pass runs the suites against an AddressSanitizer + UBSan build: slower, and
# its shadow memory and quarantine multiply the resident size (bounds on RSS scale with it).
SANITIZED = os.environ.get("FERRY_SANITIZED", "0") == "1"
RSS_FACTOR = 3 if SANITIZED else 1


def write_config(path, config):
    with open(path, "w") as f:
        json.dump(config, f, indent=2)
    return path


def ferry_env(extra=None):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": tempfile.gettempdir(),
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    }
    env.update(extra or {})
    return env


class FerryResult:
    def __init__(self, args, returncode, stdout, stderr):
        self.args, self.returncode, self.stdout, self.stderr = args, returncode, stdout, stderr

    def describe(self):
        tail = self.stderr[-3000:]
        return (f"ferry {' '.join(self.args)} exited {self.returncode}\n"
                f"--- stdout\n{self.stdout[-2000:]}\n--- stderr (tail)\n{tail}")


def run_ferry(config, *args, timeout=120, env=None, config_path=None, preexec_fn=None):
    """Runs `ferry [--config FILE] ARGS...` to completion with a clean environment.

    `config` is a dict (written to a temp file, or to `config_path`), a path string, or None
    (no --config). `preexec_fn` runs in the child before ferry starts (e.g. to join a cgroup).
    Returns a FerryResult with text stdout/stderr."""
    require_ferry()
    with contextlib.ExitStack() as stack:
        argv = []
        if isinstance(config, dict):
            if config_path is None:
                d = stack.enter_context(tempfile.TemporaryDirectory(prefix="ferry-cfg-"))
                config_path = os.path.join(d, "agent.json")
            write_config(config_path, config)
            argv = ["--config", config_path]
        elif isinstance(config, str):
            argv = ["--config", config]
        argv += list(args)
        proc = subprocess.Popen([FERRY_BIN, *argv], env=ferry_env(env), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True, preexec_fn=preexec_fn)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop_process_group(proc, timeout=5)
            out, err = proc.communicate()
            raise AssertionError(
                f"ferry {' '.join(argv)} did not finish within {timeout}s\n--- stderr (tail)\n"
                f"{err.decode(errors='replace')[-3000:]}")
        finally:
            if proc.poll() is None:
                stop_process_group(proc, timeout=5)
        return FerryResult(argv, proc.returncode, out.decode(errors="replace"),
                           err.decode(errors="replace"))


class FerryProcess:
    """ferry in follow mode (no --once), stderr to a file; stop() sends a signal and waits."""

    def __init__(self, config, config_path, *args, env=None):
        require_ferry()
        write_config(config_path, config)
        self.argv = ["--config", config_path, *args]
        self.stderr_path = config_path + ".stderr"
        self._err = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen([FERRY_BIN, *self.argv], env=ferry_env(env),
                                     stdin=subprocess.DEVNULL, stdout=self._err,
                                     stderr=self._err, start_new_session=True)

    def stderr(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode(errors="replace")

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=15.0):
        """Sends `sig` to ferry only (not its group); returns (exit code or None, seconds)."""
        t0 = time.monotonic()
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            rc = None
        return rc, time.monotonic() - t0

    def close(self):
        stop_process_group(self.proc, timeout=5)
        self._err.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


# ----------------------------------------------------------------------------------------------
# configs and data

SEED_RULE = {"consentField": "data_share_consent", "fields": ["dob", "ssn_no"],
             "replacement": "REDACTED_CONTENT", "flagField": "data_redacted"}


class S3ServerTestCase(unittest.TestCase):
    """Tests sharing one S3 test server (`server_class`, as self.s3) per class; each test gets
    its own directory (self.tmp) and key prefix (self.prefix). Subclasses name their temporary
    directory with tmp_prefix."""
    tmp_prefix = "ferry-test-"
    server_class = None

    @classmethod
    def setUpClass(cls):
        require_ferry()
        cls.server_class.require()
        cls._tmp = tempfile.TemporaryDirectory(prefix=cls.tmp_prefix)
        try:
            cls.s3 = cls.make_server().__enter__()
        except BaseException:
            cls._tmp.cleanup()
            raise

    @classmethod
    def make_server(cls):
        """The server (not yet entered); cls._tmp exists for its files."""
        return cls.server_class()

    @classmethod
    def tearDownClass(cls):
        cls.s3.__exit__(None, None, None)
        cls._tmp.cleanup()

    def setUp(self):
        self.tmp = tempfile.mkdtemp(dir=self._tmp.name, prefix=self._testMethodName + "-")
        self.prefix = self._testMethodName + "/"


class S3rverTestCase(S3ServerTestCase):
    """One s3rver per class."""
    server_class = S3rver


class SwiftTestCase(S3ServerTestCase):
    """One OpenStack Swift (strict S3) per class; run ferry with env=self.s3.ferry_env()."""
    server_class = Swift


def base_config(tmp, endpoint=None):
    cfg = {"checkpointFile": os.path.join(tmp, "checkpoints"), "flows": []}
    if endpoint:
        cfg.update({"s3.endpoint": endpoint, "s3.region": "us-east-1", "s3.forcePathStyle": True})
    return cfg


def s3_flow(name, pattern, key_prefix, redact=True, part_size=5 * MIB, max_object_bytes=128 * MIB,
            max_object_age_millis=60000, **extra):
    flow = {"name": name, "filePattern": pattern, "initialPosition": "START_OF_FILE",
            "s3": {"bucket": BUCKET, "keyPrefix": key_prefix, "compressionLevel": 3,
                   "partSizeBytes": part_size, "maxObjectBytes": max_object_bytes,
                   "maxObjectAgeMillis": max_object_age_millis}}
    if redact:
        flow["redact"] = [dict(SEED_RULE)]
    flow.update(extra)
    return flow


def dir_flow(name, pattern, out_dir, key_prefix, redact=True, max_object_bytes=128 * MIB,
             max_object_age_millis=60000, **extra):
    flow = {"name": name, "filePattern": pattern, "initialPosition": "START_OF_FILE",
            "directory": {"path": out_dir, "keyPrefix": key_prefix, "compressionLevel": 3,
                          "maxObjectBytes": max_object_bytes,
                          "maxObjectAgeMillis": max_object_age_millis}}
    if redact:
        flow["redact"] = [dict(SEED_RULE)]
    flow.update(extra)
    return flow


def gen(kind, path, nbytes, seed=1, start_id=None, append=False, filler=None):
    """Runs tools/gen_records.py; returns the number of records written."""
    cmd = [sys.executable, GEN_RECORDS, kind, "--bytes", str(nbytes), "--out", path,
           "--seed", str(seed)]
    if start_id is not None:
        cmd += ["--start-id", str(start_id)]
    if append:
        cmd.append("--append")
    if filler:
        cmd += ["--filler", filler]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=True)
    return int(p.stdout.strip())


def append_bytes(path, data):
    with open(path, "ab") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


class Inputs:
    """What the test wrote into the source files, to compare with what ferry delivered.

    records: {id: (file, offset, line bytes)} for seed-shaped (or any keyed) JSON lines;
    invalid: {(file, offset): line bytes} for lines that are not JSON objects."""

    def __init__(self, key="id"):
        self.key = key
        self.records = {}
        self.invalid = {}

    def scan(self, path, start=0, end=None):
        """Reads the complete lines of `path` in [start, end) and files them; returns the end."""
        with open(path, "rb") as f:
            f.seek(start)
            data = f.read() if end is None else f.read(end - start)
        stop = data.rfind(b"\n") + 1  # an unterminated last line is not (yet) a record
        offset = start
        for line in data[:stop].split(b"\n")[:-1]:
            if line:
                try:
                    obj = json.loads(line)
                except ValueError:
                    obj = None
                if isinstance(obj, dict) and self.key in obj:
                    k = obj[self.key]
                    if k in self.records:
                        raise AssertionError(f"generator wrote {self.key}={k} twice")
                    self.records[k] = (path, offset, line)
                else:
                    self.invalid[(path, offset)] = line
            offset += len(line) + 1
        return start + stop


def ordered_pairs(line):
    return json.loads(line, object_pairs_hook=lambda pairs: pairs)


# The invalid-record marker (core/redact/invalid_record_marker.hpp): ferry writes only the prefixed
# members; markers written before the prefix named them file / offset / length.
MARKER_FLAG = "ferry_invalid_record"
MARKER_MEMBERS = ("ferry_file", "ferry_offset", "ferry_length")
LEGACY_MARKER_MEMBERS = ("file", "offset", "length")


def is_marker(obj):
    return isinstance(obj, dict) and obj.get(MARKER_FLAG) is True


def marker_origin(obj):
    """(file, offset, length) of an invalid-record marker, in either spelling."""
    names = MARKER_MEMBERS if MARKER_MEMBERS[0] in obj else LEGACY_MARKER_MEMBERS
    return tuple(obj.get(name) for name in names)


def marker(path, offset, length):
    """The marker ferry ships for the invalid line of `length` bytes at `path`:`offset`."""
    return dict(zip((MARKER_FLAG,) + MARKER_MEMBERS, (True, path, offset, length)))


def check_seed_output(tc, inputs, lines, replacement="REDACTED_CONTENT", flag="data_redacted",
                      fields=("dob", "ssn_no"), consent="data_share_consent",
                      allow_duplicates=False):
    """Asserts `lines` (delivered record lines) are exactly the `inputs`, redacted per the seed
    rule: each record once (at least once with allow_duplicates), consenting ones byte for byte,
    others redacted, invalid lines as ferry_invalid_record markers, and no redacted or invalid
    text anywhere."""
    delivered = {}
    markers = {}
    twice = []
    for line in lines:
        obj = json.loads(line)  # every delivered line must be JSON
        tc.assertIsInstance(obj, dict, f"delivered line is not an object: {line[:200]!r}")
        if is_marker(obj):
            k = marker_origin(obj)[:2]
            if not allow_duplicates:
                tc.assertFalse(k in markers, f"invalid-record marker delivered twice: {line!r}")
            markers[k] = (obj, line)
            continue
        tc.assertIn(inputs.key, obj, f"delivered line without {inputs.key}: {line[:200]!r}")
        k = obj[inputs.key]
        if k in delivered and not allow_duplicates:
            twice.append(k)
        delivered[k] = line
    tc.assertEqual(twice[:20], [], f"{len(twice)} records delivered more than once, of "
                                   f"{len(lines)} lines for {len(inputs.records)} inputs "
                                   f"(first 20 shown)")

    missing = sorted(set(inputs.records) - set(delivered))
    extra = sorted(set(delivered) - set(inputs.records))
    tc.assertEqual(missing[:20], [], f"{len(missing)} records not delivered (first 20 shown)")
    tc.assertEqual(extra[:20], [], f"{len(extra)} unexpected records delivered (first 20)")

    secrets, text_secrets = [], []  # JSON string values; raw text
    for k, (_path, _off, src) in inputs.records.items():
        out = delivered[k]
        src_obj = json.loads(src)
        if src_obj.get(consent) is True:
            tc.assertEqual(out, src, f"consenting record {k} was not passed byte for byte")
            continue
        pairs = ordered_pairs(out)
        src_pairs = ordered_pairs(src)
        expected = [(n, replacement if n in fields else v) for n, v in src_pairs] + [(flag, True)]
        tc.assertEqual(pairs, expected, f"record {k} not redacted as expected:\n"
                                        f" in: {src[:300]!r}\nout: {out[:300]!r}")
        for f in fields:
            if f in src_obj:
                secrets.append(json.dumps(src_obj[f], ensure_ascii=False).encode())

    tc.assertEqual(set(markers), set(inputs.invalid),
                   "invalid-record markers do not match the invalid input lines")
    for (path, off), src in inputs.invalid.items():
        obj, line = markers[(path, off)]
        tc.assertEqual(obj, marker(path, off, len(src)), f"marker for invalid line at {path}:{off}")
        text_secrets.append(src)
        text_secrets += re.findall(rb"INVALID-TOKEN-\d+", src)

    # No redacted value and no invalid line's text may appear anywhere in what was delivered:
    # string values are looked up among every JSON string literal delivered, the rest by search.
    blob = b"\n".join(lines)
    literals = set(re.findall(rb'"(?:[^"\\\n]|\\.)*"', blob))
    leaked = [s for s in secrets if s in literals] + [s for s in text_secrets if s in blob]
    tc.assertEqual(leaked[:10], [], f"{len(leaked)} redacted/invalid values leaked (first 10)")
    return delivered


def check_passthrough_output(tc, inputs, lines):
    """Every input line delivered once, byte for byte, nothing else."""
    delivered = {}
    twice = []
    for line in lines:
        k = json.loads(line)[inputs.key]
        if k in delivered:
            twice.append(k)
        delivered[k] = line
    tc.assertEqual(twice[:20], [], f"{len(twice)} records delivered more than once, of "
                                   f"{len(lines)} lines for {len(inputs.records)} inputs")
    missing = sorted(set(inputs.records) - set(delivered))
    extra = sorted(set(delivered) - set(inputs.records))
    tc.assertEqual(missing[:20], [], f"{len(missing)} records not delivered (first 20)")
    tc.assertEqual(extra[:20], [], f"{len(extra)} unexpected records delivered (first 20)")
    for k, (_p, _o, src) in inputs.records.items():
        tc.assertEqual(delivered[k], src, f"{inputs.key}={k} not passed byte for byte")


def utc_dates(t0, t1):
    """The UTC dates (as struct_time) between two epoch times, for key prefix checks."""
    out = []
    t = t0 - 1
    while True:
        d = time.gmtime(t)
        if not out or out[-1][:3] != d[:3]:
            out.append(d)
        if t >= t1 + 1:
            break
        t = min(t + 3600, t1 + 1)
    return out


def host_key():
    """The host name as ferry puts it in keys: [A-Za-z0-9._-] kept, anything else '-'."""
    return re.sub(r"[^A-Za-z0-9._-]", "-", socket.gethostname())


def key_prefix_regex(template, flow, t0, t1):
    """A regex matching `template` rendered for any UTC time in [t0, t1] ({flow}, {host})."""
    alts = sorted({time.strftime(template, d) for d in utc_dates(t0, t1)})
    alts = [re.escape(a).replace(re.escape("{flow}"), re.escape(flow))
            .replace(re.escape("{host}"), re.escape(host_key())) for a in alts]
    return re.compile("(?:" + "|".join(alts) + ")")


def poll(predicate, timeout, interval=0.25):
    """Calls predicate() until it is truthy or `timeout` seconds passed; returns the last value."""
    deadline = time.monotonic() + timeout
    while True:
        v = predicate()
        if v or time.monotonic() >= deadline:
            return v
        time.sleep(interval)
