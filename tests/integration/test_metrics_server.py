"""The metrics server in a hostile environment, on the real binary (issue 15). Loopback only.

- 100 idle connections, 5 slow ones sending a byte at a time, and one that asks for a large
  /metrics (several MB: more than the loopback buffers hold) and never reads: /healthz still
  answers 200 within 100 ms, probe after probe. The idle and slow connections are closed by
  ferry after the request-head deadline (3 s from the accept), the never-reading one is reset
  after the answer deadline (10 s) with only part of its answer sent.
- 300 idle connections, over the cap of 128 open ones: ferry closes the oldest idle ones at once
  to admit new ones, and /healthz still answers within 100 ms.
"""
import os
import select
import socket
import tempfile
import threading
import time
import unittest

import harness
from test_operations import scrape

HEAD_DEADLINE = 3.0  # seconds, README "Metrics and health"
ANSWER_DEADLINE = 10.0
MAX_CONNECTIONS = 128
PROBE_LIMIT = 0.100
HEALTHZ = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def connect(port, receive_buffer=None, timeout=5):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if receive_buffer:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        s.settimeout(timeout)
        s.connect(("127.0.0.1", port))
    except BaseException:
        s.close()
        raise
    s.settimeout(5)
    return s


def probe(port):
    """(seconds, status line, body) of one GET /healthz on a new connection."""
    t0 = time.monotonic()
    answer = b""
    try:
        with connect(port) as s:
            s.sendall(HEALTHZ)
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                answer += chunk
    except OSError as e:  # the old one-at-a-time server: a timeout
        return time.monotonic() - t0, f"no answer: {e!r}", ""
    took = time.monotonic() - t0
    head, _, body = answer.partition(b"\r\n\r\n")
    return took, head.split(b"\r\n")[0].decode(), body.decode()


def closed_within(sock, seconds):
    """(closed, bytes read): reads until ferry closes or resets `sock`, or `seconds` pass (0:
    only what already happened)."""
    deadline = time.monotonic() + seconds
    got = b""
    while True:
        readable, _, _ = select.select([sock], [], [], max(0.0, deadline - time.monotonic()))
        if not readable:
            return False, got
        try:
            chunk = sock.recv(1 << 20)
        except ConnectionResetError:
            return True, got
        if not chunk:
            return True, got
        got += chunk


def wide_rule(fields, width):
    """A redaction rule naming `fields` long field names: its description (a label of two
    /metrics samples) makes /metrics large without any record."""
    return {"fields": [f"f{i:05d}".ljust(width, "x") for i in range(fields)],
            "replacement": "R"}


class MetricsServer(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="ferry-metrics-")
        self.tmp = self._tmp.name
        in_dir = os.path.join(self.tmp, "in")
        os.makedirs(in_dir)
        self.port = harness.free_port()
        self.config = harness.base_config(self.tmp)
        self.config["metrics.listen"] = f"127.0.0.1:{self.port}"
        flow = harness.dir_flow("seed", os.path.join(in_dir, "*.log"),
                                os.path.join(self.tmp, "out"), "m/")
        flow["redact"] = [wide_rule(500, 8000)]  # about 4 MB of label, twice
        self.config["flows"] = [flow]
        self.sockets = []

    def tearDown(self):
        for s in self.sockets:
            s.close()
        self._tmp.cleanup()

    def start_ferry(self):
        ferry = harness.FerryProcess(self.config, os.path.join(self.tmp, "agent.json"))
        self.addCleanup(ferry.close)
        up = harness.poll(lambda: scrape(self.port, "/healthz")[0] == 200 or not ferry.alive(), 30)
        self.assertTrue(up and ferry.alive(), ferry.stderr()[-3000:])
        return ferry

    def open(self, count, **kw):
        """`count` connections; each must be accepted by the kernel at once (the old server's
        backlog of 16 overflowed, and connects hung for seconds; at 128, a loaded CI machine once
        left the probe after 300 connects waiting 1 s for its SYN to be sent again)."""
        opened = []
        for i in range(count):
            try:
                opened.append(connect(self.port, timeout=2, **kw))
            except OSError as e:
                self.fail(f"connection {i + 1} of {count} to the metrics port failed: {e!r}")
            self.sockets.append(opened[-1])
        return opened

    def assert_probes_fast(self, ferry, count=10):
        times = []
        for _ in range(count):
            took, status, body = probe(self.port)
            self.assertEqual((status, body), ("HTTP/1.1 200 OK", "ok\n"), ferry.stderr()[-3000:])
            times.append(took)
            time.sleep(0.05)
        # The median holds the 100 ms promise; every probe within 1 s tolerates a scheduler
        # hiccup on a loaded 2-core CI machine (before, each idle client ahead cost 3 s).
        shown = f"/healthz took {['%.3f' % t for t in times]} s"
        self.assertLess(sorted(times)[len(times) // 2], PROBE_LIMIT, shown)
        self.assertLess(max(times), 1.0, shown)
        return times

    def test_healthz_answers_at_once_among_idle_slow_and_never_reading_clients(self):
        ferry = self.start_ferry()
        # /healthz answers before the pipeline has registered the flow's rules (a slow build).
        def large_metrics():
            code, body = scrape(self.port, "/metrics")
            return (code, body) if code == 200 and len(body) > 6 << 20 else None

        scraped = harness.poll(large_metrics, 30)
        self.assertTrue(scraped, "/metrics should outgrow the socket buffers")
        code, metrics = scraped

        # Asks for /metrics with a 4 KiB receive window and never reads.
        [stuck] = self.open(1, receive_buffer=4096)
        stuck.sendall(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        opened = time.monotonic()
        idle = self.open(100)
        slow = self.open(5)
        # The slow ones would need 10 s to send their 100-byte head: cut at the head deadline.
        request = b"GET /healthz HTTP/1.1\r\nX-Slow: " + b"s" * 64 + b"\r\n\r\n"
        stop = threading.Event()

        def trickle(s):
            for i in range(len(request)):
                if stop.wait(0.1):
                    return
                try:
                    s.send(request[i:i + 1])
                except OSError:
                    return  # ferry closed it

        # Every idle connection is still open before its deadline (checked at once: a loaded
        # machine may take seconds for the probes below, and CI once took 2.53 s).
        self.assertLess(time.monotonic() - opened, HEAD_DEADLINE - 0.5)
        for s in idle:
            closed, got = closed_within(s, 0)
            self.assertFalse(closed, "an idle connection closed before its deadline")
        threads = [threading.Thread(target=trickle, args=(s,)) for s in slow]
        for t in threads:
            t.start()
        try:
            # Its answer has begun (ferry rendered it): from here on it only waits to be read.
            readable, _, _ = select.select([stuck], [], [], 10)
            self.assertTrue(readable, "no answer began for the /metrics request")
            # The answer deadline counts from the answer being rendered, which is before now
            # (rendering 8 MB took over a second under AddressSanitizer on a loaded machine).
            began = time.monotonic()
            self.assert_probes_fast(ferry)
            # Every idle and slow connection is closed after its deadline.
            for s in idle + slow:
                closed, got = closed_within(s, opened + HEAD_DEADLINE + 3 - time.monotonic())
                self.assertTrue(closed, "an idle or slow connection outlived the head deadline")
                self.assertEqual(got, b"")
            self.assertGreaterEqual(time.monotonic() - opened, HEAD_DEADLINE - 0.2)
        finally:
            stop.set()
            for t in threads:
                t.join()
        self.assert_probes_fast(ferry, count=3)

        # The never-reading client: reset at the answer deadline with part of its answer.
        time.sleep(max(0.0, began + ANSWER_DEADLINE + 1 - time.monotonic()))
        closed, got = closed_within(stuck, 5)
        self.assertTrue(closed, "the never-reading client was not closed")
        self.assertTrue(got.startswith(b"HTTP/1.1 200 OK\r\n"), got[:200])
        self.assertLess(len(got), len(metrics))
        self.assertTrue(ferry.alive())
        rc, _ = ferry.stop()
        self.assertEqual(rc, 0, ferry.stderr()[-3000:])

    def test_over_the_cap_the_oldest_idle_connections_make_room(self):
        self.config["flows"][0]["redact"] = []
        ferry = self.start_ferry()
        idle = self.open(300)
        self.assert_probes_fast(ferry)
        # Long before the head deadline, all but the newest fit under the cap were closed.
        closed = [closed_within(s, 0.5)[0] for s in idle[:300 - MAX_CONNECTIONS]]
        self.assertTrue(all(closed), f"{closed.count(False)} of the oldest idle ones still open")
        still_open = [not closed_within(s, 0)[0] for s in idle[300 - MAX_CONNECTIONS + 10:]]
        self.assertTrue(all(still_open), "the newest idle connections were closed")
        rc, _ = ferry.stop()
        self.assertEqual(rc, 0, ferry.stderr()[-3000:])


if __name__ == "__main__":
    unittest.main()
