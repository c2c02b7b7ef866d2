"""The aws CLI for the tests, as a subprocess.run-like call.

Debian's awscli is a Python package behind a small `aws` script. Each `aws` process spends about
0.7 CPU s importing it, and a test run makes hundreds of calls (polls for delivered objects
above all). So commands go to one long-lived process of awscli's own interpreter
(aws_cli_server.py), which runs each with a fresh driver and session built from the
environment it was given: the same code, arguments and environment as an `aws` process.
An `aws` that is not that script (another install) runs as one process per call.
"""
import atexit
import json
import os
import select
import subprocess
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def _interpreter_of(aws):
    """The Python of `aws` if it is awscli's script (runs awscli.clidriver), else None."""
    try:
        with open(aws, "rb") as f:
            head = f.read(4096)
    except OSError:
        return None
    first = head.split(b"\n", 1)[0]
    if not first.startswith(b"#!") or b"python" not in first or b"awscli.clidriver" not in head:
        return None
    interpreter = first[2:].strip().split()[0].decode()
    return interpreter if os.access(interpreter, os.X_OK) else None


class _Server:
    def __init__(self, interpreter):
        request_r, self._requests = os.pipe()
        self._answers, answer_w = os.pipe()
        try:
            self.process = subprocess.Popen(
                [interpreter, os.path.join(HERE, "aws_cli_server.py"), str(request_r),
                 str(answer_w)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                pass_fds=(request_r, answer_w))
        finally:
            os.close(request_r)
            os.close(answer_w)
        self._buffer = b""

    def call(self, args, env, timeout):
        request = json.dumps({"args": list(args), "env": env, "cwd": os.getcwd()})
        os.write(self._requests, request.encode() + b"\n")
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            self._fill(deadline)
        line, self._buffer = self._buffer.split(b"\n", 1)
        header = json.loads(line)
        while len(self._buffer) < header["out"] + header["err"]:
            self._fill(deadline)
        out, err = self._buffer[:header["out"]], self._buffer[header["out"]:][:header["err"]]
        self._buffer = self._buffer[header["out"] + header["err"]:]
        return header["rc"], out, err

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([self._answers], [], [], left)[0]:
            raise TimeoutError
        chunk = os.read(self._answers, 1 << 20)
        if not chunk:
            raise EOFError("the awscli server ended")
        self._buffer += chunk

    def close(self):
        for fd in (self._requests, self._answers):
            try:
                os.close(fd)
            except OSError:
                pass
        self.process.kill()
        self.process.wait()


_lock = threading.Lock()
_servers = {}  # interpreter -> _Server


def run(aws, args, env, timeout=120, text=False):
    """subprocess.run([aws, *args], env=env, stdin=DEVNULL, capture_output=True, timeout=...,
    text=...) without check: a CompletedProcess, or subprocess.TimeoutExpired."""
    cmd = [aws, *args]
    interpreter = _interpreter_of(aws)
    if interpreter is None:
        return subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout, text=text)
    with _lock:
        server = _servers.get(interpreter)
        if server is None or server.process.poll() is not None:
            server = _servers[interpreter] = _Server(interpreter)
        try:
            rc, out, err = server.call(args, env, timeout)
        except (TimeoutError, EOFError, OSError) as e:
            server.close()  # a command that did not answer leaves the server in an unknown state
            del _servers[interpreter]
            if isinstance(e, TimeoutError):
                raise subprocess.TimeoutExpired(cmd, timeout) from None
            raise
    if text:
        out, err = out.decode(errors="replace"), err.decode(errors="replace")
    return subprocess.CompletedProcess(cmd, rc, out, err)


def _close_all():
    with _lock:
        for server in _servers.values():
            server.close()
        _servers.clear()


atexit.register(_close_all)
