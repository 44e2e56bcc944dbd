"""A real HTTP collector on 127.0.0.1 that records every POST and answers 200 (or, when asked,
leaves its first requests unanswered).

Run it by itself to watch what the example sends:  python3 bindings/python/tests/collector.py [port]
"""

from __future__ import annotations

import json
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, NamedTuple, Optional, Tuple


class Request(NamedTuple):
    path: str
    headers: Dict[str, str]
    body: bytes


class Collector:
    """Listens on 127.0.0.1 (``port=0`` picks a free port) in a background thread.

    The first ``hang_first_requests`` POSTs are read and kept in ``hung_requests`` but never
    answered until the collector stops, so the client's request timeout is what ends them;
    ``requests`` holds only the answered ones.

    ``tls=(certificate_file, key_file)`` serves HTTPS instead, at ``https://localhost:<port>``;
    connections whose TLS handshake fails are counted in ``refused_handshakes``.
    """

    def __init__(
        self,
        port: int = 0,
        echo: bool = False,
        hang_first_requests: int = 0,
        tls: Optional[Tuple[str, str]] = None,
    ) -> None:
        self.requests: List[Request] = []
        self.hung_requests: List[Request] = []
        self._received = threading.Condition()
        self._stopping = threading.Event()
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the http.server naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                request = Request(self.path, dict(self.headers), body)
                with collector._received:
                    hang = len(collector.hung_requests) < hang_first_requests
                    (collector.hung_requests if hang else collector.requests).append(request)
                    collector._received.notify_all()
                if hang:
                    collector._stopping.wait()
                    return
                if echo:
                    print(json.dumps(json.loads(body), indent=2), flush=True)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass  # keeps test output to what pytest reports

        self.refused_handshakes = 0

        class TlsServer(ThreadingHTTPServer):
            def get_request(self) -> Any:
                connection, address = self.socket.accept()
                connection.settimeout(10)  # a client stuck mid-handshake must not stall the server
                try:
                    return context.wrap_socket(connection, server_side=True), address
                except OSError:  # ssl.SSLError included; serve_forever skips the connection
                    collector.refused_handshakes += 1
                    connection.close()
                    raise

        self._server = (TlsServer if tls else ThreadingHTTPServer)(("127.0.0.1", port), Handler)
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.url = f"https://localhost:{self._server.server_address[1]}/v1/events"
        else:
            self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1/events"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> "Collector":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def bodies(self) -> List[Dict[str, Any]]:
        with self._received:
            return [json.loads(request.body) for request in self.requests]

    def events(self) -> List[Dict[str, Any]]:
        return [event for body in self.bodies() for event in body["events"]]

    def wait_for_events(self, count: int, timeout: float = 10.0) -> List[Dict[str, Any]]:
        """Waits until at least ``count`` events arrived, then returns them all."""
        deadline = time.monotonic() + timeout
        with self._received:
            while sum(len(json.loads(r.body)["events"]) for r in self.requests) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._received.wait(remaining)
        return self.events()

    def wait_for_hung_requests(self, count: int, timeout: float = 10.0) -> bool:
        """Waits until ``count`` requests are being left unanswered; False if they never came."""
        with self._received:
            return self._received.wait_for(lambda: len(self.hung_requests) >= count, timeout)


if __name__ == "__main__":
    with Collector(int(sys.argv[1]) if len(sys.argv) > 1 else 8080, echo=True) as running:
        print(f"collecting at {running.url} (Ctrl-C stops)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
