#!/usr/bin/env python3
"""OpenStack Swift with its s3api middleware on 127.0.0.1: a strict S3-compatible test server.

Unlike s3rver it enforces S3's multipart rules (EntityTooSmall, InvalidPart, NoSuchUpload) and
verifies SigV4 signatures. Everything runs in the foreground under one directory: swift.conf
(with a per-run hash path prefix and suffix), one-replica account/container/object rings with
one device each, the four server configs, memcached (tempauth keeps its tokens there), the data
and one log file. Nothing under /etc/swift is read or written, and no packaged service is used.

By hand (Ctrl-C stops everything; the directory is kept only when given with --dir):

    tools/swift/swift_server.py [--dir DIR] [--port PORT] [--tls KEY CERT]

prints the endpoint, e.g. http://127.0.0.1:8080, and the credentials (access key `test:tester`,
secret `testing`, region us-east-1). Then for instance:

    AWS_ACCESS_KEY_ID=test:tester AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 \\
        aws --endpoint-url http://127.0.0.1:8080 s3api create-bucket --bucket retention

From Python (tests/integration/harness.py):

    server = SwiftServer(directory)   # an empty directory on a filesystem with user xattrs
    server.start()                    # server.endpoint, server.log_path
    server.stop()

Needs the Debian 12 packages swift swift-proxy swift-account swift-container swift-object
python3-swift memcached (tools/setup). This file is standard library only; the servers run under
the Python interpreter that has the `swift` package (the one in swift-proxy-server's #! line),
started as `<that python> swift_server.py daemon KIND CONF` (the `daemon` and `rings` commands
are internal).
"""
import argparse
import contextlib
import pwd
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ACCESS_KEY = "test:tester"  # tempauth account "test", user "tester"
SECRET_KEY = "testing"
REGION = "us-east-1"
DEVICE = "d1"
SERVERS = ("account", "container", "object")  # the ring servers; then the proxy
PART_POWER = 2  # 4 partitions: plenty for one device

PROXY_PIPELINE = ("catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk "
                  "s3api tempauth copy slo dlo versioned_writes proxy-logging proxy-server")
PROXY_FILTERS = ("catch_errors", "gatekeeper", "healthcheck", "listing_formats",
                 "bulk", "copy", "slo", "dlo", "versioned_writes")
LOGGED_HEADERS = "X-Amz-Content-Sha256,Content-Md5"  # ends each access log line


class SwiftError(RuntimeError):
    pass


def find_tool(name):
    return shutil.which(name) or (f"/usr/bin/{name}" if os.access(f"/usr/bin/{name}", os.X_OK)
                                  else None)


def swift_python():
    """The interpreter that has the `swift` package: the one swift-proxy-server runs with (a
    python3 earlier on PATH, e.g. pyenv's, usually does not have it)."""
    proxy = find_tool("swift-proxy-server")
    if proxy:
        with open(proxy, "rb") as f:
            first = f.readline().decode(errors="replace")
        if first.startswith("#!"):
            interp = first[2:].strip().split()
            if interp and os.access(interp[0], os.X_OK) and not interp[0].endswith("/env"):
                return interp[0]
    return "/usr/bin/python3"


def missing_tools():
    """What is missing to run the server (empty when everything is installed)."""
    missing = [t for t in ("swift-proxy-server", "memcached") if not find_tool(t)]
    if not missing:
        p = subprocess.run([swift_python(), "-c", "import swift.common.ring"],
                           capture_output=True, timeout=60)
        if p.returncode != 0:
            missing.append("python3-swift")
    return missing


def supports_user_xattrs(directory):
    """Whether files in `directory` take `user.` extended attributes (Swift's object server keeps
    its metadata in them; tmpfs before Linux 6.6 and some overlay setups refuse them)."""
    fd, path = tempfile.mkstemp(dir=directory, prefix=".xattr-check-")
    try:
        os.setxattr(fd, "user.ferry.check", b"1")
        return os.getxattr(fd, "user.ferry.check") == b"1"
    except OSError:
        return False
    finally:
        os.close(fd)
        os.unlink(path)


def xattr_base_dir(candidates=None):
    """The first of `candidates` (default: the temp directory, /var/tmp, the home directory)
    that is writable and on a filesystem that takes user xattrs, for the server's directory."""
    candidates = candidates or (tempfile.gettempdir(), "/var/tmp", os.path.expanduser("~"))
    for base in candidates:
        if os.path.isdir(base) and os.access(base, os.W_OK) and supports_user_xattrs(base):
            return base
    raise SwiftError(f"none of {', '.join(candidates)} is on a filesystem with user xattrs")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_group(proc, timeout=10.0):
    """SIGTERM the process group of `proc` (started with start_new_session), then SIGKILL."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=timeout)


def healthy(port, tls=False):
    """Whether the server on `port` answers /healthcheck (over HTTPS when `tls`: the readiness
    probe trusts any certificate; the clients under test verify it)."""
    context = None
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(f"{'https' if tls else 'http'}://127.0.0.1:{port}/healthcheck",
                                    timeout=1, context=context) as r:
            return r.status == 200 and r.read().strip() == b"OK"
    except (OSError, urllib.error.URLError):
        return False


def memcached_up(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        try:
            s.connect(("127.0.0.1", port))
            s.sendall(b"version\r\n")
            return s.recv(64).startswith(b"VERSION")
        except OSError:
            return False


def ini(sections):
    """Config text of {section: {key: value}} (values printed as is)."""
    out = []
    for name, items in sections.items():
        out.append(f"[{name}]")
        out += [f"{k} = {v}" for k, v in items.items()]
        out.append("")
    return "\n".join(out)


class SwiftServer:
    """memcached plus Swift's account, container, object and proxy servers under `root`.

    root/etc: swift.conf, the rings, the server configs (the servers' swift_dir);
    root/srv/d1: the one device; root/swift.log: every server's log (stderr of all processes).
    Ports are picked free on 127.0.0.1 unless `port` (the proxy's) is given. With `tls` (key
    file, certificate file) the proxy, the S3 endpoint, speaks HTTPS (Swift's own cert_file and
    key_file). The proxy's access log lines end with each request's X-Amz-Content-Sha256 and
    Content-MD5 headers (how its body was signed)."""

    def __init__(self, root, port=None, user=None, tls=None):
        self.root = os.path.abspath(root)
        self.etc = os.path.join(self.root, "etc")
        self.devices = os.path.join(self.root, "srv")
        self.log_path = os.path.join(self.root, "swift.log")
        self.user = user or pwd.getpwuid(os.geteuid()).pw_name
        self.fixed_port = port
        self.tls = tls
        self.ports = {}
        self.procs = {}

    @property
    def endpoint(self):
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.ports['proxy']}"

    # -- configuration

    def configure(self):
        """Writes swift.conf, the configs and the rings for fresh ports."""
        os.makedirs(self.etc, exist_ok=True)
        os.makedirs(os.path.join(self.devices, DEVICE), exist_ok=True)
        if not supports_user_xattrs(os.path.join(self.devices, DEVICE)):
            raise SwiftError(f"{self.devices} is on a filesystem without user xattrs")
        self.ports = {name: free_port() for name in (*SERVERS, "proxy", "memcached")}
        if self.fixed_port:
            self.ports["proxy"] = self.fixed_port
        self._write("swift.conf", {
            "swift-hash": {"swift_hash_path_prefix": secrets.token_hex(8),
                           "swift_hash_path_suffix": secrets.token_hex(8)},
            "storage-policy:0": {"name": "Policy-0", "default": "yes"},
            "swift-constraints": {},
        })
        for name in SERVERS:
            self._write(f"{name}-server.conf", {
                "DEFAULT": {**self._common(name), "devices": self.devices,
                            "mount_check": "false", "disable_fallocate": "true"},
                "pipeline:main": {"pipeline": f"healthcheck {name}-server"},
                f"app:{name}-server": {"use": f"egg:swift#{name}"},
                "filter:healthcheck": {"use": "egg:swift#healthcheck"},
            })
        self._write("proxy-server.conf", {
            "DEFAULT": {**self._common("proxy"),
                        **({"key_file": self.tls[0], "cert_file": self.tls[1]} if self.tls else {})},
            "pipeline:main": {"pipeline": PROXY_PIPELINE},
            "app:proxy-server": {"use": "egg:swift#proxy", "account_autocreate": "true"},
            "filter:s3api": {"use": "egg:swift#s3api", "location": REGION},
            "filter:tempauth": {"use": "egg:swift#tempauth",
                                "user_test_tester": f"{SECRET_KEY} .admin"},
            "filter:cache": {"use": "egg:swift#memcache",
                             "memcache_servers": f"127.0.0.1:{self.ports['memcached']}"},
            **{f"filter:{f}": {"use": f"egg:swift#{f.replace('-', '_')}"}
               for f in PROXY_FILTERS},
            "filter:proxy-logging": {"use": "egg:swift#proxy_logging",
                                     "access_log_headers": "true",
                                     "access_log_headers_only": LOGGED_HEADERS},
        })
        p = subprocess.run([swift_python(), os.path.abspath(__file__), "rings", self.etc,
                            *(str(self.ports[n]) for n in SERVERS)],
                           capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            raise SwiftError(f"building the rings failed: {p.stderr[-2000:]}")

    def _common(self, name):
        # workers = 0: one process, no fork; user: the servers do not switch to user `swift`
        return {"bind_ip": "127.0.0.1", "bind_port": self.ports[name], "workers": "0",
                "user": self.user, "swift_dir": self.etc, "log_name": f"{name}-server",
                "log_level": "INFO"}

    def _write(self, name, sections):
        with open(os.path.join(self.etc, name), "w") as f:
            f.write(ini(sections))

    # -- processes

    def _spawn(self, name, cmd):
        with open(self.log_path, "ab") as log:
            self.procs[name] = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                                                stderr=subprocess.STDOUT, start_new_session=True,
                                                cwd=self.root)

    def launch(self):
        """Starts memcached and the four servers with the current configuration."""
        self._spawn("memcached", [find_tool("memcached"), "-l", "127.0.0.1",
                                  "-p", str(self.ports["memcached"]), "-U", "0", "-m", "16",
                                  "-u", self.user])
        for name in (*SERVERS, "proxy"):
            self._spawn(name, [swift_python(), os.path.abspath(__file__), "daemon", name,
                               os.path.join(self.etc, f"{name}-server.conf")])

    def wait_ready(self, timeout):
        """Polls memcached and each server's /healthcheck; False if one died or time ran out."""
        deadline = time.monotonic() + timeout
        pending = set(self.procs)
        while pending and time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.procs.values()):
                return False
            for name in sorted(pending):
                port = self.ports[name]
                if memcached_up(port) if name == "memcached" else \
                        healthy(port, tls=name == "proxy" and self.tls is not None):
                    pending.discard(name)
            if pending:
                time.sleep(0.1)
        return not pending

    def start(self, timeout=30.0, attempts=3):
        """Configures and starts everything; retries with other ports when a port was taken."""
        for _ in range(attempts):
            self.configure()
            self.launch()
            if self.wait_ready(timeout):
                return self
            self.stop()
            if self.fixed_port:
                break
        raise SwiftError(f"Swift did not start; log:\n{self.log_tail()}")

    def restart(self, down_seconds=0.0, timeout=30.0):
        """Stops the servers and starts them again on the same ports with the same data."""
        self.stop()
        time.sleep(down_seconds)
        self.launch()
        if not self.wait_ready(timeout):
            self.stop()
            raise SwiftError(f"Swift did not restart; log:\n{self.log_tail()}")

    def stop(self):
        # the proxy first, memcached last
        for name in ("proxy", *reversed(SERVERS), "memcached"):
            proc = self.procs.pop(name, None)
            if proc is not None:
                stop_group(proc)

    def log_tail(self, n=4000):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(max(0, os.fstat(f.fileno()).st_size - n))
                return f.read().decode(errors="replace")
        except OSError:
            return ""


# ----------------------------------------------------------------------------------------------
# internal commands, run with swift_python()

def build_rings(etc, ports):
    """One-replica rings, one device (127.0.0.1:<port>/d1) each: what `swift-ring-builder X
    create 2 1 0; add r1z1-127.0.0.1:<port>/d1 1; rebalance` makes, in one process (the CLI
    takes ~2 s a call)."""
    from swift.common.ring import RingBuilder
    for name, port in zip(SERVERS, ports):
        builder = RingBuilder(PART_POWER, 1, 0)
        builder.add_dev({"region": 1, "zone": 1, "ip": "127.0.0.1", "port": int(port),
                         "device": DEVICE, "weight": 1.0})
        builder.rebalance()
        builder.save(os.path.join(etc, f"{name}.builder"))
        builder.get_ring().save(os.path.join(etc, f"{name}.ring.gz"))


def run_daemon(name, conf):
    """Runs one Swift server in the foreground, as swift-<name>-server CONF -v does, except that
    swift.conf is read from the config's directory (not /etc/swift) and logs go to stderr only
    (never to syslog)."""
    import logging
    from swift.common import utils
    utils.set_swift_dir(os.path.dirname(os.path.abspath(conf)))
    utils.ThreadSafeSysLogHandler = lambda *a, **kw: logging.NullHandler()
    from swift.common import constraints, storage_policy
    constraints.reload_constraints()
    storage_policy.reload_storage_policies()
    from swift.common.wsgi import run_wsgi
    kwargs = {"verbose": True}
    if name == "object":
        from swift.obj import server
        kwargs["global_conf_callback"] = server.global_conf_callback
    return run_wsgi(conf, f"{name}-server", **kwargs)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["rings"]:
        build_rings(argv[1], argv[2:])
        return 0
    if argv[:1] == ["daemon"]:
        return run_daemon(argv[1], argv[2])
    ap = argparse.ArgumentParser(description="Run OpenStack Swift + s3api on 127.0.0.1 in the "
                                 "foreground until Ctrl-C.")
    ap.add_argument("--dir", help="directory for configs, data and log (kept); default: a "
                    "temporary directory, removed at exit")
    ap.add_argument("--port", type=int, help="the proxy's (S3 endpoint's) port; default: free")
    ap.add_argument("--tls", nargs=2, metavar=("KEY", "CERT"),
                    help="serve HTTPS with this private key and certificate (PEM files)")
    args = ap.parse_args(argv)
    missing = missing_tools()
    if missing:
        print(f"swift_server: missing {', '.join(missing)} (run tools/setup)", file=sys.stderr)
        return 2
    root = os.path.abspath(args.dir) if args.dir else \
        tempfile.mkdtemp(prefix="ferry-swift-", dir=xattr_base_dir())
    os.makedirs(root, exist_ok=True)
    server = SwiftServer(root, port=args.port,
                         tls=tuple(os.path.abspath(f) for f in args.tls) if args.tls else None)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    try:
        t0 = time.monotonic()
        server.start()
        print(f"endpoint  {server.endpoint}  (started in {time.monotonic() - t0:.1f} s)\n"
              f"access key {ACCESS_KEY}  secret {SECRET_KEY}  region {REGION}  path-style\n"
              f"directory {root}  log {server.log_path}\nCtrl-C stops", flush=True)
        while not stop and all(p.poll() is None for p in server.procs.values()):
            time.sleep(0.5)
        if not stop:
            print(f"a server exited; log:\n{server.log_tail()}", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        if not args.dir:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
