"""The reference collector (collector/, the program mycelium-collector) for the tests that only
check what arrived: started with in-memory SQLite and ``--print-stored``, it prints each batch it
stored as one JSON line (before it answers the request), read from its standard output. Fault tests (statuses, hangs, drops) use the
scriptable fault_collector of collector.py instead; this one records stored batches, not requests.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
from pathlib import Path
from typing import Any, Dict, List, Optional

from collector import StoredEvents

PROGRAM = Path(
    os.environ.get(
        "MYCELIUM_REFERENCE_COLLECTOR",
        Path(__file__).resolve().parents[3] / "target" / "reference_collector" / "debug" / "mycelium-collector",
    )
)


class ReferenceCollector(StoredEvents):
    """Listens on a free port of 127.0.0.1; ``ingest_token`` makes it require that bearer token."""

    def __init__(self, ingest_token: Optional[str] = None) -> None:
        if not PROGRAM.is_file():
            raise RuntimeError(
                f"{PROGRAM} is missing: build it with build_reference_collector from .ci/lib.sh"
                " (test.sh does) or name it in MYCELIUM_REFERENCE_COLLECTOR"
            )
        arguments = [str(PROGRAM), "--listen", "127.0.0.1:0", "--storage", "sqlite::memory:", "--print-stored"]
        # No rate limits: a test may send many batches at once from one address.
        arguments += ["--rate-per-address", "0", "--rate-per-token", "0"]
        if ingest_token is not None:
            arguments += ["--ingest-token", ingest_token]
        self._process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._pending = b""
        self._lines: List[bytes] = []
        while not self._lines:
            if not self._read(timeout=60):
                raise RuntimeError(f"mycelium-collector did not start ({self._process.poll()})")
        first = self._lines.pop(0).decode()
        if "listening on http://" not in first:
            raise RuntimeError(f"mycelium-collector did not say where it listens: {first!r}")
        address = first.rsplit("http://", 1)[1].strip()
        self.url: str = f"http://{address}/v1/events"

    def _read(self, timeout: float = 0) -> bool:
        """Reads what was printed within ``timeout`` seconds into whole lines; False if nothing."""
        fd = self._process.stdout.fileno()
        got = False
        while select.select([fd], [], [], timeout)[0]:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            got, timeout = True, 0
            *whole, self._pending = (self._pending + chunk).split(b"\n")
            self._lines += whole
        return got

    def __enter__(self) -> "ReferenceCollector":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._process.terminate()
        self._process.wait(timeout=10)
        self._process.stdout.close()

    def bodies(self) -> List[Dict[str, Any]]:
        """The batches stored so far, as printed (the collector prints a batch before answering)."""
        self._read()
        return [json.loads(line) for line in self._lines]

