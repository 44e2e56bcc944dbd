"""Runs one program against a loopback collector and checks what arrived.

    python3 with_collector.py --name NAME --expect agent_usage,error --contains TEXT -- PROGRAM ARGS...

Starts the repository's test collector (tests/tools/fault_collector, a real HTTP server on
127.0.0.1; its path in $MT_FAULT_COLLECTOR), runs PROGRAM with TELEMETRY_ENABLED=1 and
TELEMETRY_ENDPOINT pointing at it, and, once PROGRAM has exited (it shuts its client down, which
sends what is queued), reads every request the collector recorded. Fails unless PROGRAM exited 0,
every batch is a POST of protocol 1.0 JSON, each expected event type arrived and every --contains
text is in some body. The environment PROGRAM sees is the caller's (packaging/test.sh makes it
clean) plus those two variables; it never sees the repository from here.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--name", required=True)
    parser.add_argument("--expect", required=True, help="comma-separated event types")
    parser.add_argument("--contains", action="append", default=[])
    parser.add_argument("program", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    program = args.program[1:] if args.program[:1] == ["--"] else args.program
    collector = subprocess.Popen(
        [os.environ["MT_FAULT_COLLECTOR"]],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = json.loads(collector.stdout.readline())["url"]
        env = dict(os.environ, TELEMETRY_ENABLED="1", TELEMETRY_ENDPOINT=url)
        env.pop("MT_FAULT_COLLECTOR")
        ran = subprocess.run(program, env=env, timeout=300)
        if ran.returncode != 0:
            print(f"{args.name}: {program[0]} exited with {ran.returncode}", file=sys.stderr)
            return 1
        collector.stdin.write("requests\n")
        collector.stdin.flush()
        requests = json.loads(collector.stdout.readline())["requests"]
    finally:
        collector.stdin.close()
        collector.wait(timeout=10)

    problems, types, bodies = [], [], []
    for request in requests:
        if request["method"] != "POST" or not request["complete"]:
            problems.append(f"an incomplete or non-POST request: {request['method']} {request['path']}")
            continue
        batch = json.loads(request["body"])
        if batch.get("version") != "1.0":
            problems.append(f"a batch of version {batch.get('version')!r}")
        types += [event["event_type"] for event in batch["events"]]
        bodies.append(request["body"])
    for wanted in args.expect.split(","):
        if wanted not in types:
            problems.append(f"no {wanted} event arrived")
    for text in args.contains:
        if not any(text in body for body in bodies):
            problems.append(f"{text!r} is in no batch")
    if problems:
        print(f"{args.name}: " + "; ".join(problems), file=sys.stderr)
        print(f"{args.name}: what arrived: {bodies}", file=sys.stderr)
        return 1
    print(f"{args.name}: {len(types)} events in {len(bodies)} batches arrived: {', '.join(types)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
