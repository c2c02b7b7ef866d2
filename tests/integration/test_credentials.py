"""The credential provider chain, each source proved against the real ferry binary.

ferry ships to s3rver through a SigV4 gateway on 127.0.0.1 that checks every request's signature
(s3rver itself does not check SigV4 signatures) against the key pairs this test handed out, and
answers ExpiredToken for credentials past their expiry. A second loopback server plays the EC2
instance metadata service (IMDSv2), the ECS/EKS container endpoint and STS; every key pair it
hands out is new and registered with the gateway. So a run that delivers its records proves the
credentials of the expected source were used, and the request counts prove which.

ferry runs with an otherwise empty AWS environment: HOME is a temporary directory, and the only
AWS_* variable besides those under test is AWS_EC2_METADATA_DISABLED=true (so that no bug could
reach 169.254.169.254), except in the instance metadata tests where the endpoint is this test's.
"""
import contextlib
import datetime
import http.client
import http.server
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

from aws_loopback import Handler, LoopbackServer
from harness import (BUCKET, FERRY_BIN, SOURCE_DIR, Inputs, S3rver, base_config,
                     check_seed_output, gen, require_ferry, s3_flow, stop_process_group)

sys.path.insert(0, os.path.join(SOURCE_DIR, "tools"))
from sigv4_verify import AUTH_RE, KeyTable  # noqa: E402  (tools/ is not a package)

ROLE_ARN = "arn:aws:iam::123456789012:role/ferry-shipper"
IMDS_ROLE = "ferry-instance-role"


def iso8601(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def s3_error(code):
    return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>"
            f"<Message>{code} (credentials test gateway)</Message></Error>").encode()


class GatewayHandler(Handler):
    """Checks the SigV4 signature, then forwards to s3rver as its one known key (S3RVER)."""

    def handle_any(self):
        owner = self.server.owner
        body = self.body()
        path, _, query = self.path.partition("?")
        refused = owner.keys.check(self.command, path, query, self.lower_headers(), body, "s3")
        if refused:
            status, code, akid = refused
            owner.keys.reject(akid, code)
            return self.reply(status, s3_error(code))
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("authorization", "connection", "expect")}
        headers["Authorization"] = re.sub(r"Credential=[^/]+/", "Credential=S3RVER/",
                                          self.headers["Authorization"])
        conn = http.client.HTTPConnection("127.0.0.1", owner.s3rver_port, timeout=60)
        try:
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        finally:
            conn.close()
        self.send_response(resp.status)
        for name, value in resp.getheaders():
            if name.lower() not in ("connection", "transfer-encoding", "content-length",
                                    "keep-alive"):
                self.send_header(name, value)
        length = resp.getheader("Content-Length") if self.command == "HEAD" else len(data)
        self.send_header("Content-Length", str(length or 0))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = handle_any


class Gateway(LoopbackServer):
    def __init__(self, s3rver_port, keys):
        super().__init__(GatewayHandler)
        self.s3rver_port = s3rver_port
        self.keys = keys


class FakeAwsHandler(Handler):
    """IMDSv2 under /latest/, the container endpoint under /container/, STS at POST /."""

    def do_PUT(self):
        owner = self.server.owner
        self.body()
        if self.path == "/latest/api/token" and \
                self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            owner.record("imds-token")
            return self.reply(200, owner.imds_session.encode(), content_type="text/plain")
        self.reply(400, b"bad request", content_type="text/plain")

    def do_GET(self):
        owner = self.server.owner
        if self.path.startswith("/latest/"):
            if self.headers.get("X-aws-ec2-metadata-token") != owner.imds_session:
                owner.record("imds-unauthorized")
                return self.reply(401, b"", content_type="text/plain")
            base = "/latest/meta-data/iam/security-credentials/"
            if self.path == base:
                owner.record("imds-role")
                return self.reply(200, IMDS_ROLE.encode(), content_type="text/plain")
            if self.path == base + IMDS_ROLE:
                owner.record("imds-credentials")
                return self.reply(200, owner.credentials_json("IMDS"), content_type="text/plain")
            if self.path == "/latest/meta-data/placement/region":
                owner.record("imds-region")
                return self.reply(200, owner.region.encode(), content_type="text/plain")
            return self.reply(404, b"", content_type="text/plain")
        if self.path == "/container/credentials":
            if self.headers.get("Authorization") != owner.container_token:
                owner.record("container-unauthorized")
                return self.reply(401, b"{}", content_type="application/json")
            owner.record("container-credentials")
            return self.reply(200, owner.credentials_json("ECS"), content_type="application/json")
        self.reply(404, b"", content_type="text/plain")

    def do_POST(self):
        owner = self.server.owner
        body = self.body()
        form = dict(urllib.parse.parse_qsl(body.decode()))
        action = form.get("Action")
        if action == "AssumeRoleWithWebIdentity":
            owner.record("sts-web-identity",
                         dict(form, Authorization=self.headers.get("Authorization")))
            if form.get("WebIdentityToken") != owner.web_identity_token:
                return self.reply(400, sts_error("InvalidIdentityToken"))
            return self.reply(200, owner.sts_answer(action, "WEB"))
        if action == "AssumeRole":
            refused = owner.keys.check("POST", "/", "", self.lower_headers(), body, "sts")
            if refused:
                owner.record("sts-assume-role-refused", form)
                return self.reply(403, sts_error(refused[1]))
            caller = AUTH_RE.match(self.headers["Authorization"]).group(1)
            owner.record("sts-assume-role", dict(form, Caller=caller))
            return self.reply(200, owner.sts_answer(action, "ROLE"))
        self.reply(400, sts_error("InvalidAction"))


def sts_error(code):
    return (f"<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
            f"<Type>Sender</Type><Code>{code}</Code><Message>{code} (fake STS)</Message>"
            f"</Error><RequestId>1</RequestId></ErrorResponse>").encode()


class FakeAws(LoopbackServer):
    """Hands out new key pairs, `lifetime` seconds long (the gateway refuses them after), and
    reports an Expiration `reported_lifetime` seconds away (default: the real one)."""

    def __init__(self, keys, lifetime=3600, reported_lifetime=None):
        super().__init__(FakeAwsHandler)
        self.keys = keys
        self.lifetime = lifetime
        self.reported_lifetime = reported_lifetime or lifetime
        self.imds_session = "imds-session-" + secrets.token_hex(8)
        self.container_token = None
        self.web_identity_token = None
        self.region = "eu-west-3"
        self.lock = threading.Lock()
        self.calls = []  # (what, details, time.time())
        self.issued = []  # (akid, secret, token)

    def record(self, what, details=None):
        with self.lock:
            self.calls.append((what, details, time.time()))

    def count(self, what):
        with self.lock:
            return sum(1 for w, _, _ in self.calls if w == what)

    def details(self, what):
        with self.lock:
            return [d for w, d, _ in self.calls if w == what]

    def times(self, what):
        with self.lock:
            return [t for w, _, t in self.calls if w == what]

    def issue(self, prefix):
        akid, secret, token = self.keys.add(prefix, lifetime=self.lifetime)
        with self.lock:
            self.issued.append((akid, secret, token))
        return akid, secret, token, iso8601(time.time() + self.reported_lifetime)

    def credentials_json(self, prefix):
        akid, secret, token, expiration = self.issue(prefix)
        return json.dumps({"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": akid,
                           "SecretAccessKey": secret, "Token": token,
                           "Expiration": expiration, "LastUpdated": iso8601(time.time())}).encode()

    def sts_answer(self, action, prefix):
        akid, secret, token, expiration = self.issue(prefix)
        return (f"<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                f"<{action}Result><Credentials><AccessKeyId>{akid}</AccessKeyId>"
                f"<SecretAccessKey>{secret}</SecretAccessKey><SessionToken>{token}</SessionToken>"
                f"<Expiration>{expiration}</Expiration></Credentials>"
                f"<AssumedRoleUser><Arn>{ROLE_ARN}/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId>"
                f"</AssumedRoleUser></{action}Result><ResponseMetadata><RequestId>1</RequestId>"
                f"</ResponseMetadata></{action}Response>").encode()


def process_alive(pid):
    """Whether `pid` runs (a zombie waiting for its parent counts as ended)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            return not any(line.startswith("State:") and "Z" in line.split()[1] for line in f)
    except FileNotFoundError:
        return False


class ConnectionCounter:
    """A TCP listener on 127.0.0.1 that only counts the connections made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.count = 0
        self.stopping = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.count += 1
            conn.close()

    def connections(self):
        return self.count

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stopping = True
        self.thread.join()
        self.sock.close()
        return False


class CredentialsTest(unittest.TestCase):
    def setUp(self):
        require_ferry()
        self.stack = contextlib.ExitStack()
        self.addCleanup(self.stack.close)
        self.tmp = self.stack.enter_context(tempfile.TemporaryDirectory(prefix="ferry-creds-"))
        self.home = os.path.join(self.tmp, "home")
        os.makedirs(self.home)
        self.s3 = self.stack.enter_context(S3rver())
        self.keys = KeyTable(counted_service="s3")
        self.gateway = self.stack.enter_context(Gateway(self.s3.port, self.keys))
        self.fake = None

    def start_fake(self, **kw):
        self.fake = self.stack.enter_context(FakeAws(self.keys, **kw))
        return self.fake

    # -- running ferry with an otherwise empty AWS environment

    def env(self, extra):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.home,
               "AWS_EC2_METADATA_DISABLED": "true"}
        env.update(extra)
        return {k: v for k, v in env.items() if v is not None}

    def config(self, name, **root):
        cfg = base_config(self.tmp, endpoint=self.gateway.url)
        self.source = os.path.join(self.tmp, f"{name}.log")
        self.inputs = Inputs()
        gen("seed", self.source, 64 << 10, seed=7)
        self.inputs.scan(self.source)
        self.prefix = f"{name}/"
        cfg["flows"] = [s3_flow(name, self.source, self.prefix)]
        cfg.update(root)
        for key, value in list(cfg.items()):
            if value is None:
                del cfg[key]
        return cfg

    def write_config(self, cfg):
        path = os.path.join(self.tmp, "agent.json")
        with open(path, "w") as f:
            json.dump(cfg, f)
        return path

    def run_once(self, cfg, env, expect=0):
        p = subprocess.run([FERRY_BIN, "--config", self.write_config(cfg), "--once",
                            "--log-level", "debug"], env=self.env(env), stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, expect, f"ferry exited {p.returncode}:\n{p.stderr[-4000:]}")
        self.assert_no_secret_logged(p.stderr)
        return p.stderr

    def assert_delivered(self):
        check_seed_output(self, self.inputs, self.s3.download_records(self.prefix))

    def assert_no_secret_logged(self, log):
        with self.keys.lock:
            entries = list(self.keys.keys.values())
        for secret, token, _ in entries:
            self.assertNotIn(secret, log, "a secret access key was logged")
            if token:
                self.assertNotIn(token, log, "a session token was logged")

    def assert_only_keys(self, *prefixes):
        self.assertEqual(self.keys.used_prefixes(), set(prefixes),
                         f"requests were signed by other keys; rejected: {self.keys.rejected}")

    # -- 1. agent.json

    def test_agent_json_keys_come_first(self):
        akid, secret, _ = self.keys.add("AKIACONFIG", token=False)
        env_akid, env_secret, _ = self.keys.add("AKIAENV", token=False)
        cfg = self.config("config_keys", awsAccessKeyId=akid, awsSecretAccessKey=secret)
        log = self.run_once(cfg, {"AWS_ACCESS_KEY_ID": env_akid,
                                  "AWS_SECRET_ACCESS_KEY": env_secret})
        self.assert_delivered()
        self.assert_only_keys("AKIACONFIG")
        self.assertIn("credentials: from agent.json awsAccessKeyId", log)

    # -- 2. environment

    def test_environment_keys_with_session_token_before_shared_files(self):
        akid, secret, token = self.keys.add("ASIAENV")
        file_akid, file_secret, _ = self.keys.add("AKIAFILE", token=False)
        self.write_home_file("credentials", f"[default]\naws_access_key_id = {file_akid}\n"
                                            f"aws_secret_access_key = {file_secret}\n")
        cfg = self.config("environment")
        self.run_once(cfg, {"AWS_ACCESS_KEY_ID": akid, "AWS_SECRET_ACCESS_KEY": secret,
                            "AWS_SESSION_TOKEN": token})
        self.assert_delivered()
        self.assert_only_keys("ASIAENV")

    def test_wrong_secret_is_refused_by_the_gateway(self):
        """The gateway really checks signatures: a wrong secret delivers nothing."""
        akid, _secret, _ = self.keys.add("AKIAENV", token=False)
        cfg = self.config("wrong_secret")
        log = self.run_once(cfg, {"AWS_ACCESS_KEY_ID": akid,
                                  "AWS_SECRET_ACCESS_KEY": "not-the-secret"}, expect=1)
        self.assertIn("SignatureDoesNotMatch", log)
        self.assertEqual(self.s3.list_objects(self.prefix), {})

    # -- 3. web identity

    def test_web_identity_token_file(self):
        fake = self.start_fake()
        fake.web_identity_token = "eyJ-oidc-" + secrets.token_urlsafe(20)
        token_file = os.path.join(self.tmp, "token")
        with open(token_file, "w") as f:
            f.write(fake.web_identity_token)
        cfg = self.config("web_identity", **{"sts.endpoint": fake.url})
        self.run_once(cfg, {"AWS_WEB_IDENTITY_TOKEN_FILE": token_file, "AWS_ROLE_ARN": ROLE_ARN,
                            "AWS_ROLE_SESSION_NAME": "ferry-test-session"})
        self.assert_delivered()
        self.assert_only_keys("WEB")
        [call] = fake.details("sts-web-identity")
        self.assertEqual(call["RoleArn"], ROLE_ARN)
        self.assertEqual(call["RoleSessionName"], "ferry-test-session")
        self.assertIsNone(call["Authorization"], "AssumeRoleWithWebIdentity was signed")

    # -- 4. shared files

    def write_home_file(self, name, text):
        d = os.path.join(self.home, ".aws")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, name), "w") as f:
            f.write(text)
        return os.path.join(d, name)

    def test_shared_credentials_file_named_profile(self):
        akid, secret, _ = self.keys.add("AKIAPROFILE", token=False)
        other_akid, other_secret, _ = self.keys.add("AKIADEFAULT", token=False)
        path = os.path.join(self.tmp, "shared-credentials")
        with open(path, "w") as f:
            f.write(f"# comment\n[default]\naws_access_key_id={other_akid}\n"
                    f"aws_secret_access_key={other_secret}\n\n[shipper]\n"
                    f"aws_access_key_id = {akid}\naws_secret_access_key = {secret} ; note\n")
        cfg = self.config("profile_keys")
        self.run_once(cfg, {"AWS_SHARED_CREDENTIALS_FILE": path, "AWS_PROFILE": "shipper"})
        self.assert_delivered()
        self.assert_only_keys("AKIAPROFILE")

    def test_shared_config_role_arn_with_source_profile(self):
        fake = self.start_fake()
        base_akid, base_secret, _ = self.keys.add("AKIABASE", token=False)
        self.write_home_file("credentials", f"[base]\naws_access_key_id = {base_akid}\n"
                                            f"aws_secret_access_key = {base_secret}\n")
        self.write_home_file("config", f"[default]\nregion = us-east-1\n\n[profile app]\n"
                                       f"role_arn = {ROLE_ARN}\nsource_profile = base\n"
                                       f"external_id = ext-42\n")
        cfg = self.config("profile_role", **{"sts.endpoint": fake.url})
        self.run_once(cfg, {"AWS_PROFILE": "app"})
        self.assert_delivered()
        self.assert_only_keys("ROLE")
        [call] = fake.details("sts-assume-role")
        self.assertEqual((call["RoleArn"], call["ExternalId"]), (ROLE_ARN, "ext-42"))
        self.assertTrue(call["Caller"].startswith("AKIABASE"), call)

    def test_shared_config_credential_process(self):
        akid, secret, token = self.keys.add("ASIAPROCESS", lifetime=3600)
        out = os.path.join(self.tmp, "process-output.json")
        with open(out, "w") as f:
            json.dump({"Version": 1, "AccessKeyId": akid, "SecretAccessKey": secret,
                       "SessionToken": token, "Expiration": iso8601(time.time() + 3600)}, f)
        counter = os.path.join(self.tmp, "process-runs")
        script = os.path.join(self.tmp, "creds.py")
        with open(script, "w") as f:
            f.write("import sys\n"
                    f"open({counter!r}, 'a').write('run\\n')\n"
                    f"sys.stdout.write(open({out!r}).read())\n")
        self.write_home_file("config", f"[default]\ncredential_process = {sys.executable} "
                                       f"{script} --profile default\n")
        cfg = self.config("process")
        self.run_once(cfg, {})
        self.assert_delivered()
        self.assert_only_keys("ASIAPROCESS")
        with open(counter) as f:
            self.assertEqual(f.read().count("run"), 1)

    def test_credential_process_that_closes_stdout_and_keeps_running_is_killed(self):
        """The deadline covers the exit, not only the output: a command that closes its stdout
        and sleeps is killed (its process group) and reaped at the deadline, and start-up goes
        on to report the error instead of waiting for it."""
        pid_file = os.path.join(self.tmp, "process-pid")
        script = os.path.join(self.tmp, "creds-hang.py")
        with open(script, "w") as f:
            f.write("import os, time\n"
                    f"open({pid_file!r}, 'w').write(str(os.getpid()))\n"
                    "os.close(1)\n"
                    "time.sleep(600)\n")
        # exec: the script itself is the command ferry started, not a child of the shell (which
        # would keep the pipe open: the case of a command that never closes its stdout).
        self.write_home_file("config", f"[default]\ncredential_process = exec {sys.executable} "
                                       f"{script}\n")
        cfg = self.config("process_hang")
        t0 = time.monotonic()
        log = self.run_once(cfg, {"FERRY_CREDENTIAL_PROCESS_TIMEOUT_SECONDS": "2"}, expect=1)
        elapsed = time.monotonic() - t0
        self.assertIn("credential_process: the command did not exit within 2 s (killed)", log)
        self.assertLess(elapsed, 30, "start-up waited for the command")
        with open(pid_file) as f:
            pid = int(f.read())
        self.assertFalse(process_alive(pid), f"the credential_process command {pid} still runs")
        self.assertEqual(self.s3.list_objects(self.prefix), {})

    def test_credential_process_timeout_must_be_sane(self):
        self.write_home_file("config", "[default]\ncredential_process = true\n")
        log = self.run_once(self.config("process_bad_timeout"),
                            {"FERRY_CREDENTIAL_PROCESS_TIMEOUT_SECONDS": "0"}, expect=1)
        self.assertIn("FERRY_CREDENTIAL_PROCESS_TIMEOUT_SECONDS must be a whole number of seconds "
                      "from 1 to 3600, got \"0\"", log)

    # -- 5. container endpoint

    def test_container_full_uri_with_token_file(self):
        fake = self.start_fake()
        fake.container_token = "container-token-" + secrets.token_hex(8)
        token_file = os.path.join(self.tmp, "container-token")
        with open(token_file, "w") as f:
            f.write(fake.container_token + "\n")
        cfg = self.config("container_file")
        self.run_once(cfg, {"AWS_CONTAINER_CREDENTIALS_FULL_URI": fake.url + "/container/credentials",
                            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": token_file,
                            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "not-this-one"})
        self.assert_delivered()
        self.assert_only_keys("ECS")
        self.assertEqual(fake.count("container-unauthorized"), 0)

    def test_container_full_uri_with_token(self):
        fake = self.start_fake()
        fake.container_token = "container-token-" + secrets.token_hex(8)
        cfg = self.config("container_token")
        self.run_once(cfg, {"AWS_CONTAINER_CREDENTIALS_FULL_URI": fake.url + "/container/credentials",
                            "AWS_CONTAINER_AUTHORIZATION_TOKEN": fake.container_token})
        self.assert_delivered()
        self.assert_only_keys("ECS")

    def test_container_full_uri_plain_http_elsewhere_is_refused(self):
        """Credentials never travel in clear to a host that is neither loopback nor the ECS
        agent: refused before any connection is made."""
        cfg = self.config("container_refused")
        log = self.run_once(cfg, {"AWS_CONTAINER_CREDENTIALS_FULL_URI":
                                  "http://192.0.2.1/container/credentials"}, expect=1)
        self.assertIn("plain http is allowed only to a loopback address", log)

    def test_container_full_uri_with_user_info_is_refused_before_any_connection(self):
        """http://127.0.0.1@192.0.2.2:PORT/ names host 192.0.2.2 (127.0.0.1 is a user name): a
        prefix check let it through and the token went in clear off the host. Any user or
        password part is now refused before a connection is made, and not logged."""
        with ConnectionCounter() as listener:
            for uri in (f"http://127.0.0.1@192.0.2.2:{listener.port}/container/credentials",
                        f"http://user:hunter2pw@127.0.0.1:{listener.port}/container/credentials",
                        f"http://127.0.0.1:{listener.port}@127.0.0.1:{listener.port}/c"):
                with self.subTest(uri=uri):
                    cfg = self.config("container_userinfo")
                    log = self.run_once(cfg, {"AWS_CONTAINER_CREDENTIALS_FULL_URI": uri,
                                              "AWS_CONTAINER_AUTHORIZATION_TOKEN": "tok-secret"},
                                        expect=1)
                    self.assertIn("a user or password in the URI is refused", log)
                    self.assertIn("<user info removed>@", log)
                    self.assertNotIn("hunter2pw", log)
                    self.assertNotIn("tok-secret", log)
            self.assertEqual(listener.connections(), 0, "ferry connected to the endpoint")

    # -- 6. instance metadata

    def test_instance_metadata_imdsv2_credentials_and_region(self):
        fake = self.start_fake()
        cfg = self.config("imds", **{"s3.region": None})
        log = self.run_once(cfg, {"AWS_EC2_METADATA_DISABLED": None,
                                  "AWS_EC2_METADATA_SERVICE_ENDPOINT": fake.url + "/"})
        self.assert_delivered()
        self.assert_only_keys("IMDS")
        self.assertEqual(fake.count("imds-unauthorized"), 0)
        self.assertGreaterEqual(fake.count("imds-token"), 1)
        self.assertEqual(self.keys.regions, {"eu-west-3"})  # the instance's region signs
        self.assertIn("region: eu-west-3 (from the EC2 instance metadata)", log)

    def test_nothing_found_names_every_source(self):
        cfg = self.config("nothing")
        log = self.run_once(cfg, {}, expect=1)
        for source in ("agent.json awsAccessKeyId", "environment AWS_ACCESS_KEY_ID",
                       "web identity", "shared files", "container endpoint",
                       "EC2 instance metadata"):
            self.assertIn(source, log)
        # The log scrubber leaves "not set" alone (it wrote "awsSecretAccessKey: <redacted> set").
        self.assertIn("agent.json awsAccessKeyId/awsSecretAccessKey (not set)", log)
        self.assertNotIn("<redacted>", log)
        self.assertEqual(self.s3.list_objects(self.prefix), {})

    # -- assumeRoleARN on top of the chain

    def test_assume_role_arn_over_environment_keys(self):
        fake = self.start_fake()
        akid, secret, _ = self.keys.add("AKIAENV", token=False)
        cfg = self.config("assume_role", assumeRoleARN=ROLE_ARN, assumeRoleExternalId="ext-7",
                          **{"sts.endpoint": fake.url})
        self.run_once(cfg, {"AWS_ACCESS_KEY_ID": akid, "AWS_SECRET_ACCESS_KEY": secret})
        self.assert_delivered()
        self.assert_only_keys("ROLE")
        [call] = fake.details("sts-assume-role")
        self.assertEqual((call["RoleArn"], call["ExternalId"]), (ROLE_ARN, "ext-7"))
        self.assertTrue(call["Caller"].startswith("AKIAENV"), call)

    # -- refresh

    def follow(self, cfg, env, seconds, records_every=0.3, on_tick=None):
        """Runs ferry in follow mode for `seconds` while records are appended, then SIGTERM.
        on_tick(proc, log so far), if given, is called after each append; it may end the run
        early by returning True."""
        cfg["flows"][0]["s3"]["maxObjectAgeMillis"] = 1000
        stderr_path = os.path.join(self.tmp, "ferry.stderr")
        with open(stderr_path, "wb") as err:
            proc = subprocess.Popen([FERRY_BIN, "--config", self.write_config(cfg),
                                     "--log-level", "debug"], env=self.env(env),
                                    stdin=subprocess.DEVNULL, stdout=err, stderr=err,
                                    start_new_session=True)

        def read_log():
            with open(stderr_path, errors="replace") as f:
                return f.read()

        try:
            end = time.monotonic() + seconds
            start_id = 1_000_000
            while time.monotonic() < end:
                time.sleep(records_every)
                gen("seed", self.source, 2 << 10, seed=start_id, start_id=start_id, append=True)
                start_id += 1000
                if on_tick and on_tick(proc, read_log()):
                    break
            proc.send_signal(signal.SIGTERM)
            rc = proc.wait(timeout=30)
        finally:
            stop_process_group(proc, timeout=5)
        log = read_log()
        self.assertEqual(rc, 0, f"ferry exited {rc}:\n{log[-4000:]}")
        self.assert_no_secret_logged(log)
        self.inputs = Inputs()
        self.inputs.scan(self.source)
        return log

    def test_temporary_credentials_are_refreshed_before_they_expire(self):
        fake = self.start_fake(lifetime=4)
        cfg = self.config("refresh")
        log = self.follow(cfg, {"AWS_EC2_METADATA_DISABLED": None,
                                "AWS_EC2_METADATA_SERVICE_ENDPOINT": fake.url}, seconds=12)
        self.assert_delivered()
        fetched = fake.times("imds-credentials")
        self.assertGreaterEqual(len(fetched), 4, "not refreshed")
        # In the background, ahead of the expiry (at half the 4 s lifetime), not when needed.
        gaps = [b - a for a, b in zip(fetched, fetched[1:])]
        self.assertLess(max(gaps), 3.5, f"refreshed late: gaps {gaps}")
        self.assertGreaterEqual(len(self.keys.used), 3, "refreshed keys were not used")
        self.assertEqual(self.keys.rejected, [], "a request was sent with expired credentials")
        self.assertIn("credentials: refreshed from EC2 instance metadata", log)

    def test_expired_token_answer_forces_a_refresh_and_a_retry(self):
        # The endpoint says the credentials last an hour; the gateway expires them after 2 s.
        fake = self.start_fake(lifetime=2, reported_lifetime=3600)
        fake.container_token = "container-token-" + secrets.token_hex(8)
        cfg = self.config("expired")
        log = self.follow(cfg, {"AWS_CONTAINER_CREDENTIALS_FULL_URI":
                                fake.url + "/container/credentials",
                                "AWS_CONTAINER_AUTHORIZATION_TOKEN": fake.container_token},
                          seconds=8)
        self.assert_delivered()
        codes = {code for _, code in self.keys.rejected}
        self.assertEqual(codes, {"ExpiredToken"}, self.keys.rejected)
        self.assertGreaterEqual(fake.count("container-credentials"), 2)
        self.assertIn("ExpiredToken; refreshing the credentials and retrying", log)

    # -- reloads

    def test_a_reload_fetches_credentials_again_only_when_their_keys_change(self):
        """One AssumeRole for the pipeline and CloudWatch together, none at a reload that starts
        a new run but keeps the credential keys, one more at a reload that changes
        assumeRoleExternalId."""
        fake = self.start_fake()
        akid, secret, _ = self.keys.add("AKIAENV", token=False)
        cfg = self.config("reload", assumeRoleARN=ROLE_ARN, assumeRoleExternalId="ext-1",
                          **{"sts.endpoint": fake.url, "cloudwatch.emitMetrics": True,
                             "cloudwatch.endpoint": fake.url,
                             "cloudwatch.metricsBufferTimeMillis": 1000})
        config_path = os.path.join(self.tmp, "agent.json")
        steps = []  # what the ticks have done so far
        changed = "credentials: the credential keys, the region or the HTTP keys changed: " \
                  "the pipeline now uses those from assumeRoleARN"

        def reload(proc, **keys):
            with open(config_path) as f:
                current = json.load(f)
            current.update(keys)
            with open(config_path, "w") as f:
                json.dump(current, f)
            proc.send_signal(signal.SIGHUP)

        def on_tick(proc, log):
            if not steps and "cloudwatch: sending metrics to" in log and \
                    self.s3.list_objects(self.prefix):
                steps.append(("started", fake.count("sts-assume-role")))
                # A shared key (s3.*): the reload drains and a new run starts, which keeps the
                # credentials (a flow key alone would leave the running pipeline untouched).
                reload(proc, **{"s3.maxAttempts": 7})
            elif len(steps) == 1 and log.count("reload: applied") == 1 and \
                    "credentials: the pipeline keeps those from assumeRoleARN" in log:
                steps.append(("same keys", fake.count("sts-assume-role")))
                reload(proc, assumeRoleExternalId="ext-2")
            elif len(steps) == 2 and changed in log:
                steps.append(("changed keys", fake.count("sts-assume-role")))
                return True
            return False

        log = self.follow(cfg, {"AWS_ACCESS_KEY_ID": akid, "AWS_SECRET_ACCESS_KEY": secret},
                          seconds=40, on_tick=on_tick)
        self.assertEqual(steps, [("started", 1), ("same keys", 1), ("changed keys", 2)],
                         log[-4000:])
        self.assertRegex(log, r"credentials: (CloudWatch shares those of the pipeline|"
                              r"the pipeline shares those of CloudWatch)")
        self.assertEqual([call["ExternalId"] for call in fake.details("sts-assume-role")],
                         ["ext-1", "ext-2"])
        self.assert_delivered()
        self.assert_only_keys("ROLE")


if __name__ == "__main__":
    unittest.main()
