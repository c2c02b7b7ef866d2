"""A private CA and a server certificate for IP 127.0.0.1, made with the openssl CLI, for the
tests that serve HTTPS on loopback (test_tls.py with s3rver, test_swift_s3.py with Swift)."""
import os
import shutil
import subprocess
import unittest


def require_openssl():
    if not shutil.which("openssl"):
        raise unittest.SkipTest("the openssl CLI is not installed (tools/setup)")


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_ca(directory, name):
    """<name>.key and <name>.pem: a self-signed CA."""
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-sha256",
            "-keyout", f"{name}.key", "-out", f"{name}.pem", "-subj", f"/CN=ferry test {name}",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=directory)
    return os.path.join(directory, f"{name}.pem")


def make_server_cert(directory, ca):
    """server.key and server.pem for IP 127.0.0.1, signed by `ca`."""
    with open(os.path.join(directory, "server.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"
                "keyUsage=critical,digitalSignature,keyEncipherment\n")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=127.0.0.1", cwd=directory)
    openssl("x509", "-req", "-in", "server.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
            "-CAcreateserial", "-days", "2", "-sha256", "-extfile", "server.ext",
            "-out", "server.pem", cwd=directory)
    return os.path.join(directory, "server.key"), os.path.join(directory, "server.pem")
