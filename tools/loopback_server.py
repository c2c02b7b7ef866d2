"""LoopbackServer: a ThreadingHTTPServer on 127.0.0.1, served by a thread of this process and
stopped on exit; the base of ferry's loopback stand-ins for AWS endpoints (stdlib only). Handlers
reach their owner as self.server.owner."""
import http.server
import threading


class LoopbackServer:
    def __init__(self, handler_class, port=0):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler_class)
        self.server.daemon_threads = True
        self.server.owner = self
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self):
        return self.server.server_address[1]

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False
