"""Each binding README's example, run exactly as written.

    python3 readme_example.py extract README.md OUT [LANG]   writes the README's example to OUT
    python3 readme_example.py check FILE              checks the local-only output it wrote

The example is the one fenced block whose info string carries the word `run-as-written`
(```python run-as-written; renderers show the first word only), or the one of language LANG
where a README has several (C++: its CMakeLists.txt and its main.cpp). Every example configures a
client in code with local-only output to `telemetry-preview.jsonl` in the current folder, tracks
each event type and shuts down; `check` reads that file, one batch per line, and fails unless
every event type is in it.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

MARK = "run-as-written"
EVENT_TYPES = ("agent_usage", "performance", "error", "system_info")


def extract(readme: Path, language: str | None) -> str:
    blocks = re.findall(r"^```([^\n]*)\n(.*?)^```$", readme.read_text(), flags=re.M | re.S)
    marked = [
        body for info, body in blocks if MARK in info.split() and language in (None, info.split()[0])
    ]
    if len(marked) != 1:
        raise SystemExit(f"{readme}: {len(marked)} blocks marked {MARK}, expected exactly one")
    return marked[0]


def check(output: Path) -> None:
    if not output.is_file():
        raise SystemExit(f"the example wrote no {output.name}")
    types = [event["event_type"] for line in output.read_text().splitlines() for event in json.loads(line)["events"]]
    missing = [kind for kind in EVENT_TYPES if kind not in types]
    if missing:
        raise SystemExit(f"{output.name} has no {', '.join(missing)} event (it has {types})")


def main() -> None:
    if sys.argv[1:2] == ["extract"] and len(sys.argv) in (4, 5):
        language = sys.argv[4] if len(sys.argv) == 5 else None
        Path(sys.argv[3]).write_text(extract(Path(sys.argv[2]), language))
    elif sys.argv[1:2] == ["check"] and len(sys.argv) == 3:
        check(Path(sys.argv[2]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
