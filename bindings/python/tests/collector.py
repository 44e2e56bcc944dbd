"""The repository's one test collector (tests/tools/fault_collector), started as a program: a real
HTTP server on 127.0.0.1 that records every request and answers as scripted. This module only
starts it and reads what it recorded; the HTTP server itself is written once, in Rust.

Run it by itself to watch what the example sends:  python3 bindings/python/tests/collector.py [port]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, NamedTuple

PROGRAM = Path(
    os.environ.get(
        "MYCELIUM_FAULT_COLLECTOR",
        Path(__file__).resolve().parents[3] / "target" / "fault_collector" / "release" / "fault_collector",
    )
)


class Request(NamedTuple):
    path: str
    headers: Dict[str, str]
    body: bytes


def _header_name(name: str) -> str:
    # The collector lower-cases names; the tests read them as written on the wire.
    return "-".join(part.capitalize() for part in name.split("-"))


class StoredEvents:
    """What both test collectors give: ``bodies()`` (each batch as JSON) and the events in them."""

    def bodies(self) -> List[Dict[str, Any]]:
        raise NotImplementedError

    def events(self) -> List[Dict[str, Any]]:
        return [event for body in self.bodies() for event in body["events"]]

    def wait_for_events(self, count: int, timeout: float = 10.0) -> List[Dict[str, Any]]:
        """Waits until at least ``count`` events arrived, then returns them all."""
        deadline = time.monotonic() + timeout
        while len(self.events()) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.events()


class Collector(StoredEvents):
    """Listens on 127.0.0.1 (``port=0`` picks a free port) in its own process.

    The first ``hang_first_requests`` POSTs are read and kept in ``hung_requests`` but never
    answered until the collector stops, so the client's request timeout is what ends them;
    ``requests`` holds only the answered ones. ``script`` adds fault_collector REPLYs (``"503"``,
    ``"delay:500:200"``, ``"close"``...) for the requests after those.
    """

    def __init__(self, port: int = 0, hang_first_requests: int = 0, script: List[str] = ()) -> None:
        if not PROGRAM.is_file():
            raise RuntimeError(
                f"{PROGRAM} is missing: build it with build_fault_collector from .ci/lib.sh"
                " (test.sh does) or name it in MYCELIUM_FAULT_COLLECTOR"
            )
        replies = ["hang"] * hang_first_requests + list(script)
        self._process = subprocess.Popen(
            [str(PROGRAM), "--port", str(port), *replies],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.url: str = self._read()["url"]

    def _read(self) -> Dict[str, Any]:
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"fault_collector exited with {self._process.wait()}")
        return json.loads(line)

    def command(self, line: str) -> Dict[str, Any]:
        """Sends one fault_collector command and returns its JSON answer."""
        self._process.stdin.write(line + "\n")
        self._process.stdin.flush()
        answer = self._read()
        if "error" in answer:
            raise ValueError(answer["error"])
        return answer

    def _all(self) -> List[Dict[str, Any]]:
        return self.command("requests")["requests"]

    @staticmethod
    def _request(raw: Dict[str, Any]) -> Request:
        headers = {_header_name(name): value for name, value in raw["headers"].items()}
        return Request(raw["path"], headers, raw["body"].encode("utf-8"))

    @property
    def requests(self) -> List[Request]:
        return [self._request(raw) for raw in self._all() if raw["answer"] is not None]

    @property
    def hung_requests(self) -> List[Request]:
        return [self._request(raw) for raw in self._all() if raw["answer"] is None and raw["complete"]]

    def __enter__(self) -> "Collector":
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._process.poll() is None:
            self._process.stdin.write("quit\n")
            self._process.stdin.close()
            self._process.wait(timeout=10)
        self._process.stdout.close()

    def bodies(self) -> List[Dict[str, Any]]:
        return [json.loads(request.body) for request in self.requests]

    def wait_for_hung_requests(self, count: int, timeout: float = 10.0) -> bool:
        """Waits until ``count`` requests are being left unanswered; False if they never came."""
        deadline = time.monotonic() + timeout
        while len(self.hung_requests) < count:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
        return True


if __name__ == "__main__":
    with Collector(int(sys.argv[1]) if len(sys.argv) > 1 else 8080) as running:
        print(f"collecting at {running.url} (Ctrl-C stops)", flush=True)
        shown = 0
        try:
            while True:
                bodies = running.bodies()
                for body in bodies[shown:]:
                    print(json.dumps(body, indent=2), flush=True)
                shown = len(bodies)
                time.sleep(0.2)
        except KeyboardInterrupt:
            pass
