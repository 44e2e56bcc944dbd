"""Cost of one ``track_agent_usage`` call from Python, disabled and enabled.

Prints one JSON object per line on stdout (see benches/README.md); progress goes to stderr.

Method: a loop of ``calls`` calls is timed with ``time.perf_counter_ns``; its per-call figure is
the loop time divided by ``calls``, and ``median_ns`` is the median over the repetitions (after
one warm-up repetition that is not counted). The metadata dict is built once, outside the loop,
so the figure is the call and not the dict literal. The loop's own cost, an empty loop of the
same length, is reported as ``loop_ns`` and not subtracted.

The enabled client is in local-only mode, ``TelemetryConfig(output_file=<path under /tmp>)``, so
nothing goes to the network. Between repetitions (not timed) it is flushed and the file emptied, and the queue holds
a whole repetition, so every event is really written and none is displaced.

Usage: python3 bindings/python/bench.py [--quick]
"""

import json
import os
import statistics
import sys
import time

from mycelium_telemetry import TelemetryClient, TelemetryConfig

AGENT_ID = "agent-42"
OPERATION = "summarize"
METADATA = {"duration_ms": 87, "success": True}
METHOD = (
    "perf_counter_ns around a loop of calls; per-call = loop time / calls; median over "
    "repetitions; metadata dict built outside the loop; loop_ns (empty loop) not subtracted"
)


def timed_loop(client, calls):
    start = time.perf_counter_ns()
    for _ in range(calls):
        client.track_agent_usage(AGENT_ID, OPERATION, METADATA)
    return time.perf_counter_ns() - start


def empty_loop(calls):
    start = time.perf_counter_ns()
    for _ in range(calls):
        pass
    return time.perf_counter_ns() - start


def measure(name, client, calls, repetitions, between=None):
    timed_loop(client, calls)  # warm-up
    if between:
        between()
    figures = []
    for _ in range(repetitions):
        figures.append(timed_loop(client, calls) / calls)
        if between:
            between()
    result = {
        "name": name,
        "lang": "python",
        "median_ns": round(statistics.median(figures), 2),
        "min_ns": round(min(figures), 2),
        "calls": calls * repetitions,
        "repetitions": repetitions,
        "loop_ns": round(min(empty_loop(calls) for _ in range(3)) / calls, 2),
        "method": METHOD,
    }
    print(json.dumps(result), flush=True)


def enabled_client(output_path, queue_capacity):
    config = TelemetryConfig(
        enabled=True, output_file=output_path, salt="bench-salt", queue_capacity=queue_capacity
    )
    client = TelemetryClient(config)
    if not client.is_enabled():
        sys.exit("bench.py: the local-only client is not enabled")
    return client


def main():
    quick = sys.argv[1:] == ["--quick"]
    if sys.argv[1:] and not quick:
        sys.exit("usage: bench.py [--quick]")
    scale = 10 if quick else 1
    print(f"bench.py: Python {sys.version.split()[0]}", file=sys.stderr)

    disabled = TelemetryClient(TelemetryConfig(enabled=False))
    measure("python/track_agent_usage/disabled", disabled, 1_000_000 // scale, 7)

    calls = 20_000 // scale
    output_path = f"/tmp/mt-bench-python-{os.getpid()}.jsonl"
    client = enabled_client(output_path, 2 * calls)

    def drain():
        if not client.flush(timeout=120):
            sys.exit("bench.py: flush timed out")
        os.truncate(output_path, 0)

    try:
        measure("python/track_agent_usage/enabled_metadata", client, calls, 7, between=drain)
        stats = client.stats()
        if stats.dropped or stats.failed or stats.sent != stats.enqueued:
            sys.exit(f"bench.py: events were lost: {stats}")
    finally:
        client.shutdown()
        if os.path.exists(output_path):
            os.remove(output_path)


if __name__ == "__main__":
    main()
