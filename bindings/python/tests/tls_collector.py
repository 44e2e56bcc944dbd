"""An HTTPS collector for the one test of a private CA. Everything else uses collector.py (the
repository's fault_collector program), which speaks plain HTTP only: TLS with a made-up CA is the
one thing it cannot stand in for."""

from __future__ import annotations

import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Tuple


class TlsCollector:
    """Serves HTTPS at ``https://localhost:<port>`` with ``certificate``; records the bodies of
    the POSTs it answers and counts the connections whose handshake failed."""

    def __init__(self, certificate: Tuple[str, str]) -> None:
        self.bodies: List[bytes] = []
        self.refused_handshakes = 0
        collector = self
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*certificate)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the http.server naming)
                collector.bodies.append(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def get_request(self) -> Any:
                connection, address = self.socket.accept()
                connection.settimeout(10)  # a client stuck mid-handshake must not stall the server
                try:
                    return context.wrap_socket(connection, server_side=True), address
                except OSError:  # ssl.SSLError included; serve_forever skips the connection
                    collector.refused_handshakes += 1
                    connection.close()
                    raise

        self._server = Server(("127.0.0.1", 0), Handler)
        self.url = f"https://localhost:{self._server.server_address[1]}/v1/events"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> "TlsCollector":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def events(self) -> List[Dict[str, Any]]:
        return [event for body in self.bodies for event in json.loads(body)["events"]]
