#!/usr/bin/env python3
"""Runs every benchmark of issue #6 and rewrites docs/performance.md from what they measured.

    python3 benches/report.py            # the real run, about 3 minutes on 2 cores
    python3 benches/report.py --quick    # short measurements: checks the harness, not the figures
    python3 benches/report.py --reuse    # no runs: rewrites the page from the last run's results
    python3 benches/report.py --add spool_exit  # runs one JSON-lines benchmark and puts its
                                                # rows into the page, leaving the other figures
    python3 benches/report.py --dashboard   # the collector's dashboard over a million events
                                            # (benches/collector_dashboard.py), that section only

It runs the Rust criterion benchmarks (scrub, track, pipeline, queue_baselines, otlp) and reads their
estimates from target/criterion, the lifecycle program, then every other program listed in
benches/README.md that exists here (C, Python, Node, Go, Ruby). Programs other than criterion print
one JSON object per line with at least `name` and either `median_ns` (optionally `p99_ns`,
`low_ns`, `high_ns`) or `value` and `unit`. A program that fails is listed on the page as not
measured, and this script then exits with status 1. Python 3.8+, standard library only.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import collector_dashboard  # noqa: E402  (beside this file)

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "performance.md"
CRITERION_BENCHES = ["scrub", "track", "pipeline", "queue_baselines", "otlp"]
# Benchmarks that print JSON lines (not criterion), each run by `cargo bench --bench NAME`.
JSON_BENCHES = ["lifecycle", "spool_exit"]
# Below the harness's defaults but long enough for criterion to produce an estimate.
QUICK_CRITERION_ARGS = ["--warm-up-time", "0.3", "--measurement-time", "0.5", "--sample-size", "10"]


# ---- running things ----------------------------------------------------------------------------


def run(command, cwd=ROOT, env=None, echo=True):
    """Runs `command`, echoing its output to stderr as it comes. Returns (error or None, stdout
    lines)."""
    if echo:
        print(f"\n$ {' '.join(command)}", file=sys.stderr, flush=True)
    try:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=subprocess.PIPE, text=True, errors="replace"
        )
    except OSError as error:
        return f"cannot start: {error}", []
    lines = []
    for line in process.stdout:
        if echo:
            sys.stderr.write(line)
        lines.append(line.rstrip("\n"))
    status = process.wait()
    return (None if status == 0 else f"exit status {status}"), lines


def json_records(lines):
    records = []
    for line in lines:
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and "name" in record:
            records.append(record)
    return records


def program_env():
    """The caller's environment without what would switch the benchmarks' clients: a
    DO_NOT_TRACK or TELEMETRY_* left in a shell would silently measure something else."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "DO_NOT_TRACK" and not key.startswith("TELEMETRY_")
    }
    return env


def target_dir():
    status, lines = run(["cargo", "metadata", "--format-version", "1", "--no-deps"], echo=False)
    if status is None:
        try:
            return Path(json.loads("\n".join(lines))["target_directory"])
        except (ValueError, KeyError):
            pass
    return ROOT / "target"


def criterion_records(criterion_dir, since):
    """Every criterion benchmark written since `since`: median and its confidence interval."""
    records = []
    for benchmark in sorted(criterion_dir.glob("**/new/benchmark.json")):
        if benchmark.stat().st_mtime < since:
            continue
        estimates = benchmark.with_name("estimates.json")
        try:
            info = json.loads(benchmark.read_text())
            median = json.loads(estimates.read_text())["median"]
        except (OSError, ValueError, KeyError):
            continue
        interval = median["confidence_interval"]
        record = {
            "name": info["full_id"],
            "median_ns": median["point_estimate"],
            "low_ns": interval["lower_bound"],
            "high_ns": interval["upper_bound"],
        }
        throughput = info.get("throughput") or {}
        for kind in ("Elements", "Bytes", "BytesDecimal"):
            if kind in throughput:
                record["per_iteration"] = throughput[kind]
                record["per_iteration_unit"] = "elements" if kind == "Elements" else "bytes"
        records.append(record)
    return records


class Program:
    """A benchmark program of another language, as benches/README.md lists them."""

    def __init__(self, source, needs, run_command, quick_flag="--quick", cwd=".", build=(),
                 tool=None):
        self.source = source
        self.needs = needs
        self.run_command = run_command
        self.quick_flag = quick_flag
        self.cwd = cwd
        self.build = build
        self.tool = tool or run_command[0]


PROGRAMS = [
    Program(
        "c",
        "benches/c/bench_track.c",
        ["build-bench/benches/c/bench_track"],
        build=[
            ["cmake", "-S", ".", "-B", "build-bench", "-DMT_BUILD_BENCHMARKS=ON",
             "-DMT_BUILD_TESTS=OFF", "-DMT_BUILD_EXAMPLES=OFF"],
            ["cmake", "--build", "build-bench", "-j2"],
        ],
        tool="cmake",
    ),
    Program("python", "bindings/python/bench.py", ["python3", "bindings/python/bench.py"]),
    Program("node", "bindings/node/bench.js", ["node", "bindings/node/bench.js"]),
    Program("go", "bindings/go/cmd/bench", ["go", "run", "-tags", "mycelium_dev", "./cmd/bench"], quick_flag="-quick",
            cwd="bindings/go"),
    Program("ruby", "bindings/ruby/bench.rb", ["ruby", "bindings/ruby/bench.rb"]),
]


def json_bench(bench, env, not_measured):
    """The records of one JSON-lines benchmark (`benches/<bench>.rs`)."""
    status, lines = run(["cargo", "bench", "--bench", bench], env=env)
    if status:
        not_measured.append((f"benches/{bench}.rs", status))
    records = json_records(lines)
    for record in records:
        record["source"] = "rust"
    return records


def measure(quick):
    results = {"records": [], "not_measured": []}
    records = results["records"]
    not_measured = results["not_measured"]
    criterion_dir = target_dir() / "criterion"

    started = time.time() - 1
    bench_args = [arg for name in CRITERION_BENCHES for arg in ("--bench", name)]
    extra = ["--"] + QUICK_CRITERION_ARGS if quick else []
    env = program_env()
    if quick:
        env["MT_BENCH_QUICK"] = "1"
    status, lines = run(["cargo", "bench", *bench_args, *extra], env=env)
    if status:
        not_measured.append(("Rust criterion benchmarks", status))
    # Criterion's estimates, and what a benchmark measured beyond criterion (the queue tails).
    found = criterion_records(criterion_dir, started) + json_records(lines)
    for record in found:
        record["source"] = "rust"
    records += found

    for bench in JSON_BENCHES:
        records += json_bench(bench, env, not_measured)

    present = [program for program in PROGRAMS if (ROOT / program.needs).exists()]
    if present:
        # The bindings load target/release; the C build runs cargo itself.
        status, _ = run(["cargo", "build", "--release"])
        if status:
            not_measured.append(("every program below (cargo build --release)", status))
            return results
    for program in present:
        if shutil.which(program.tool) is None:
            not_measured.append((program.needs, f"{program.tool} is not installed"))
            continue
        failed = None
        for step in program.build:
            failed, _ = run(step)
            if failed:
                break
        if not failed:
            command = program.run_command + ([program.quick_flag] if quick else [])
            failed, lines = run(command, cwd=ROOT / program.cwd, env=program_env())
            found = json_records(lines)
            if not failed and not found:
                failed = "printed no results"
            for record in found:
                record["source"] = program.source
                records.append(record)
        if failed:
            not_measured.append((program.needs, failed))
    measure_collector(results, quick)
    return results


# ---- the machine -------------------------------------------------------------------------------


def command_output(command):
    try:
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def machine():
    cpu = ""
    for line in command_output(["lscpu"]).splitlines():
        if line.startswith("Model name:"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kib = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kib = int(line.split()[1])
    except OSError:
        pass
    try:
        load = Path("/proc/loadavg").read_text().split()[:3]
    except OSError:
        load = []
    return {
        "cpu": cpu or platform.processor() or "unknown",
        "cores": os.cpu_count(),
        "memory": f"{memory_kib / 1024 / 1024:.1f} GiB" if memory_kib else "unknown",
        "kernel": f"{platform.system()} {platform.release()}",
        "rustc": command_output(["rustc", "--version"]) or "unknown",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "load": " ".join(load),
    }


# ---- figures, targets, old figures -------------------------------------------------------------

OLD_ENABLED_NS = 3900.0
OLD_DISABLED_NS = 120.0
OLD_MEMORY_KIB = 5_000_000 / 1024  # "~5 MB"
OLD_IDLE_WAKEUPS = 100.0  # every 100 ms, per 10 s


def events_per_second(record):
    return record["per_iteration"] / (record["median_ns"] / 1e9)


def time_text(ns):
    if ns < 1000:
        return f"{ns:.3g} ns"
    if ns < 1e6:
        return f"{ns / 1e3:.3g} µs"
    return f"{ns / 1e6:.3g} ms"


def figure_text(record):
    if "value" in record:
        value = record["value"]
        shown = f"{value:,.0f}" if abs(value) >= 100 else f"{value:g}"
        return f"**{shown}** {record.get('unit', '')}".strip()
    median = record["median_ns"]
    if record.get("per_iteration_unit") == "elements":
        rate = events_per_second(record)
        low = record["per_iteration"] / (record["high_ns"] / 1e9)
        high = record["per_iteration"] / (record["low_ns"] / 1e9)
        return (f"**{rate / 1e3:,.0f} k** events/s ({low / 1e3:,.0f}–{high / 1e3:,.0f} k; "
                f"{time_text(median / record['per_iteration'])} per event)")
    if record.get("per_iteration_unit") == "bytes":
        mib = record["per_iteration"] / (median / 1e9) / 2**20
        low = record["per_iteration"] / (record["high_ns"] / 1e9) / 2**20
        high = record["per_iteration"] / (record["low_ns"] / 1e9) / 2**20
        return (f"**{mib:.1f}** MiB/s = {mib * 1.048576:.1f} MB/s ({low:.1f}–{high:.1f} MiB/s, "
                f"{record['per_iteration']:,} bytes in {time_text(median)})")
    text = f"**{time_text(median)}**"
    extras = []
    if "low_ns" in record and "high_ns" in record:
        extras.append(f"{time_text(record['low_ns'])}–{time_text(record['high_ns'])}")
    for key, label in (("p99_ns", "p99"), ("p999_ns", "p99.9"), ("max_ns", "max")):
        if key in record:
            extras.append(f"{label} {time_text(record[key])}")
    if extras:
        text += f" ({'; '.join(extras)})"
    return text


class Row:
    """How one figure is shown: label, target (text and check), and the old module's figure."""

    def __init__(self, name, label, target="", check=None, old="", old_ratio=None):
        self.name = name
        self.label = label
        self.target = target
        self.check = check
        self.old = old
        self.old_ratio = old_ratio


def at_most_ns(limit, p99_limit=None):
    def check(record, _):
        if p99_limit is not None and "p99_ns" in record and record["p99_ns"] > p99_limit:
            return False
        return record["median_ns"] <= limit
    return check


def times_other(factor, other):
    def check(record, by_name):
        if other not in by_name:
            return None
        return record["median_ns"] <= factor * by_name[other]["median_ns"]
    return check


def rate_at_least(events):
    return lambda record, _: events_per_second(record) >= events


def value_at_most(limit):
    return lambda record, _: record["value"] <= limit


def scrub_at_least(megabytes):
    return lambda record, _: record["per_iteration"] / (record["median_ns"] / 1e9) >= megabytes * 1e6


def faster_than(old_ns):
    return lambda record: old_ns / record["median_ns"]


def smaller_than(old):
    return lambda record: old / record["value"] if record["value"] > 0 else None


C = "c/track_agent_usage/"
SECTIONS = [
    ("Track calls: the caller's cost, median per call", [
        Row(C + "disabled", "C, disabled", "≤ 5 ns", at_most_ns(5), "120 ns",
            faster_than(OLD_DISABLED_NS)),
        Row("track/disabled", "Rust API, disabled (metadata given, not even parsed)", "≤ 5 ns",
            at_most_ns(5), "120 ns", faster_than(OLD_DISABLED_NS)),
        Row(C + "enabled_short", "C, enabled, short strings", "≤ 150 ns, p99 ≤ 1 µs",
            at_most_ns(150, 1000), "3,900 ns", faster_than(OLD_ENABLED_NS)),
        Row("track/enabled_short", "Rust API, enabled, short strings", "≤ 150 ns",
            at_most_ns(150), "3,900 ns", faster_than(OLD_ENABLED_NS)),
        Row(C + "enabled_metadata", "C, enabled, short strings + small metadata", "", None,
            "3,900 ns", faster_than(OLD_ENABLED_NS)),
        Row("track/enabled_short_metadata", "Rust API, enabled, short strings + small metadata",
            "", None, "3,900 ns", faster_than(OLD_ENABLED_NS)),
        Row("track/enabled_long_2x1KiB", "Rust API, enabled, two 1 KiB strings"),
        Row("track/error_with_trace", "Rust API, `track_error` with a 1.3 KiB trace"),
        Row(C + "enabled_two_threads", "C, enabled, two threads at once, per call",
            "≤ 2 × C enabled, short", times_other(2, C + "enabled_short")),
        Row("track/enabled_short_two_threads", "Rust API, enabled, two threads at once, per call",
            "≤ 2 × Rust enabled, short", times_other(2, "track/enabled_short")),
        Row(C + "queue_full", "C, collector down, queue full: every push displaces",
            "≤ 2 × C enabled, short", times_other(2, C + "enabled_short"),
            "dropped by raising and catching an exception"),
        Row("track/full_queue_collector_down",
            "Rust API, collector down, queue full: every push displaces",
            "≤ 2 × Rust enabled, short", times_other(2, "track/enabled_short"),
            "dropped by raising and catching an exception"),
        Row("python/track_agent_usage/disabled", "Python binding, disabled",
            "≤ 120 ns (the old module)", at_most_ns(OLD_DISABLED_NS), "120 ns",
            faster_than(OLD_DISABLED_NS)),
        Row("python/track_agent_usage/enabled_metadata",
            "Python binding, enabled, small metadata dict", "< 3,900 ns (the old module)",
            lambda record, _: record["median_ns"] < OLD_ENABLED_NS, "3,900 ns",
            faster_than(OLD_ENABLED_NS)),
        Row("node/track_agent_usage/disabled", "Node binding, disabled"),
        Row("node/track_agent_usage/enabled_metadata", "Node binding, enabled, small metadata"),
        Row("go/track_agent_usage/disabled", "Go binding, disabled"),
        Row("go/track_agent_usage/enabled_metadata", "Go binding, enabled, small metadata"),
        Row("ruby/track_agent_usage/disabled", "Ruby binding, disabled"),
        Row("ruby/track_agent_usage/enabled_metadata", "Ruby binding, enabled, small metadata"),
    ]),
    ("The sender's side: throughput", [
        # The target belongs to the real client's row below: this replica calls the public
        # functions one by one, without the sender's memo of names and hashes or its writing
        # straight into the batch, so it shows what those save.
        Row("pipeline_steps/agent_usage",
            "anonymize + hash + encode, `agent_usage`, one thread (public-API steps, no memo)"),
        Row("pipeline_steps/performance", "the same, `performance` (tags hashed and scrubbed)"),
        Row("pipeline_steps/error", "the same, `error` (message and 1.3 KiB trace scrubbed)"),
        Row("pipeline_client/agent_usage",
            "real client → local file: track, then sender anonymizes, encodes, writes; "
            "`agent_usage`", "≥ 750,000 events/s", rate_at_least(750_000)),
        Row("pipeline_client/performance", "the same, `performance`"),
        Row("pipeline_client/error_new",
            "the same, `error`, every event new (1,000 different messages and 1.3 KiB traces)",
            "≥ 120,000 events/s", rate_at_least(120_000)),
        Row("pipeline_client/error",
            "the same, `error`, one event repeated (an error loop: the sender remembers its last "
            "8 messages and traces)"),
        Row("delivery/loopback_batches_of_1000",
            "delivered over HTTP to the loopback collector, batches of 1,000",
            "≥ 200,000 events/s", rate_at_least(200_000)),
        Row("scrub/realistic stack traces", "scrubbing realistic stack traces (7 formats)",
            "≥ 20 MB/s", scrub_at_least(20)),
        Row("scrub/plain text without personal data", "scrubbing plain text, nothing to scrub",
            "≥ 200 MB/s", scrub_at_least(200)),
        Row("scrub/error event, message and 1.3 KiB trace, every one new",
            "scrubbing one new error event (the pipeline's message and 1.3 KiB trace), "
            "nothing remembered"),
    ]),
    ("Queue choice: ns per push of an event-shaped struct (capacity 8,192)", [
        Row(f"queue_baselines/{queue}/{scenario}", f"{label}, {scenario_label}")
        for scenario, scenario_label in [
            ("one_producer_full", "one producer, queue full"),
            ("one_producer_draining", "one producer, consumer draining"),
            ("two_producers_draining", "two producers, consumer draining (per push)"),
        ]
        for queue, label in [
            ("array_queue", "`ArrayQueue::force_push` (the client's)"),
            ("sync_channel", "`sync_channel` `try_send`"),
            ("mutex_vecdeque", "`Mutex<VecDeque>`"),
        ]
    ] + [
        Row(f"queue_tails/{queue}/two_producers_draining",
            f"{label}, two producers, consumer draining: every push timed")
        for queue, label in [
            ("array_queue", "`ArrayQueue`"),
            ("sync_channel", "`sync_channel`"),
            ("mutex_vecdeque", "`Mutex<VecDeque>`"),
        ]
    ]),
    ("An enabled client at rest", [
        Row("lifecycle/idle_wakeups", "idle sender: wake-ups with nothing to send",
            "none beyond the flush interval (≤ 2 per 10 s at 5 s)", value_at_most(2),
            "100 per 10 s (every 100 ms)", smaller_than(OLD_IDLE_WAKEUPS)),
        Row("lifecycle/idle_cpu", "idle sender: CPU time"),
        Row("lifecycle/rss_added_by_enabled_client",
            "resident memory added by an enabled client (default settings, after a batch)",
            "≤ 1 MiB (1,024 KiB)", value_at_most(1024), "~5 MB", smaller_than(OLD_MEMORY_KIB)),
        Row("lifecycle/rss_added_before_first_batch",
            "… of which before its first batch (queue, thread)"),
        Row("lifecycle/rss_added_by_scrubber",
            "… the scrubber alone, first use in a fresh process", "≤ 512 KiB",
            value_at_most(512)),
        Row("lifecycle/rss_growth_full_queue_4x_capacity",
            "growth while 3 × capacity more events go into a full queue",
            "bounded by the capacity (≤ 128 KiB of noise)", value_at_most(128)),
        Row("lifecycle/shutdown_empty_queue", "shutdown with an empty queue", "≤ 5 ms",
            at_most_ns(5e6), "up to 5 s (join)"),
    ]),
    ("Exit without waiting", [
        Row("spool/shutdown_zero_100_events",
            "`shutdown(0)` with 100 queued events, collector down: spooled, no network",
            "p99 ≤ 1 ms", at_most_ns(1e6, p99_limit=1e6), "the shutdown timeout (5 s), or lost"),
    ]),
]


# Why a target is missed, and what would close it: shown under the table for every figure that
# misses its target in the run (so the page never claims an explanation it does not need).
WHY_MISSED = {
    "lifecycle/rss_added_by_enabled_client": (
        "The client's own machinery is the figure shown as \"before its first batch\": the "
        "queue (8,192 slots of 24 bytes, reserved up front), the sender thread and its "
        "memo. The scrubber's tables are static data and it compiles nothing; what its first "
        "use adds is shown on its own line."
    ),
    "lifecycle/rss_added_by_scrubber": (
        "The scrubber's own memory is its heap, shown in the figure's detail (about 12 KiB: it "
        "compiles nothing and its tables are static). The rest is pages of the library's code "
        "and tables read from the file on first use; the kernel maps them 64 KiB around each "
        "fault, so the figure moves by 128 KiB from one fresh process to the next. Those pages "
        "are clean and shared with every process using the library. What would lower it: "
        "smaller code (the release profile inlines the detectors into their scan loops)."
    ),
    "pipeline_client/agent_usage": (
        "Profiled with callgrind after issue 9's second pass (11.6k instructions per event, "
        "down from 15.8k): 27 % is the caller's check that the metadata is one JSON object the "
        "sender can read, 40 % the sender's filtering of it (parsing the allowlisted values), "
        "22 % the rest of writing the event (salted hash and names, remembered but copied, "
        "JSON escaping), the remainder the event's one allocation, the queue and the batch. "
        "What would close it: checking and filtering the metadata in one parse, and a memo "
        "that lends its strings instead of copying them. Under load the figure also falls "
        "with the sender's share of a core."
    ),
    "pipeline_client/error_new": (
        "Each new error is scrubbed in two scans (secrets, then personal data); the line "
        "\"scrubbing one new error event\" shows what the scrubbing alone costs. A run that "
        "misses this target is one where the scrubber still costs more than about 6 µs per "
        "event or the machine's other load left the sender thread less than a core."
    ),
    "python/track_agent_usage/enabled_metadata": (
        "The Python figure includes building the JSON text of the metadata dict in Python; see "
        "`bindings/python/bench.py` for the breakdown. Helpers: one C encoder built once, no "
        "lock around calls, track functions called without releasing the GIL."
    ),
}


def missed_section(results):
    by_name = {record["name"]: record for record in results["records"]}
    lines = []
    for _, rows in SECTIONS:
        for row in rows:
            record = by_name.get(row.name)
            if record is None or row.check is None or row.check(record, by_name):
                continue
            why = WHY_MISSED.get(row.name, "Not analysed yet: profile it before changing anything.")
            lines.append(f"- **{row.label}** ({figure_text(record)}; target {row.target}): {why}")
    if not lines:
        return ""
    return "\n## Targets missed in this run, and why\n\n" + "\n".join(lines) + "\n"


# ---- the reference collector under load (issue #12) ------------------------------------------

COLLECTOR_BEGIN = "<!-- collector-load: begin -->"
COLLECTOR_END = "<!-- collector-load: end -->"


def measure_collector(results, quick):
    """Runs collector/examples/load.rs on SQLite and on PostgreSQL; records get source
    'collector'."""
    status, _ = run(["cargo", "build", "--release", "-p", "mycelium-collector", "--bins",
                     "--examples"])
    if status:
        results["not_measured"].append(("the collector's load benchmark (build)", status))
        return
    results["collector_load_average"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    load = target_dir() / "release" / "examples" / "load"
    for backend in ["sqlite", "postgres"]:
        status, lines = run([str(load), backend, "--seconds", "3" if quick else "10"])
        found = json_records(lines)
        if status or not found:
            results["not_measured"].append((f"collector load, {backend}", status or "no results"))
        for record in found:
            record["source"] = "collector"
            results["records"].append(record)


def collector_section(results):
    by_name = {r["name"]: r for r in results["records"] if r.get("source") == "collector"}
    if not by_name:
        return ""
    lines = [
        COLLECTOR_BEGIN,
        "## The reference collector under load",
        "",
        "`collector/examples/load.rs` (`python3 benches/report.py --collector` reruns only this",
        "section): a release-built `mycelium-collector` on loopback, fed by 4 processes of the",
        "real library (`Client`, `agent_usage` events with small metadata, batches of 100), all on",
        "this machine's 2 cores. Events/s stored is the collector's own counter over the phase;",
        "the p99 is the collector's ingest request time (headers read to answer sent, storage",
        "included), read from its `/metrics` histogram as the first bucket bound at or above the",
        "99th percentile. PostgreSQL 15 runs with its default durability (fsync on), SQLite in",
        "WAL mode with `synchronous=NORMAL`. The machine is shared: load average when this run",
        f"started: {results.get('collector_load_average', 'not recorded')}. Runs vary widely with the",
        "other work on the machine: on 2026-12-02 the PostgreSQL throughput below measured from",
        "21,000 (load average 9) to 116,000 events/s, SQLite from 36,000 to 147,000.",
        "",
        "| figure | measured | target | met |",
        "|---|---|---|---|",
    ]
    for backend, label in [("sqlite", "SQLite"), ("postgres", "PostgreSQL")]:
        throughput = by_name.get(f"collector/{backend}/throughput")
        if throughput:
            met = "yes" if throughput["value"] >= 100_000 else "**no**"
            lines.append(f"| {label}: events stored per second, clients as fast as they go "
                         f"(p99 then ≤ {throughput.get('p99_ms', '?')} ms) | "
                         f"{figure_text(throughput)} | ≥ 100,000 events/s | {met} |")
        paced = by_name.get(f"collector/{backend}/p99_half_rate")
        if paced:
            met = "yes" if paced["value"] < 50 else "**no**"
            lines.append(f"| {label}: p99 ingest request time at {paced.get('offered', 0):,} "
                         f"events/s offered ({paced.get('stored', 0):,} stored per second) | "
                         f"≤ {figure_text(paced)} | < 50 ms | {met} |")
    lines.append(COLLECTOR_END)
    return "\n".join(lines) + "\n"


def splice_collector_section(text, results):
    return collector_dashboard.splice(text, collector_section(results),
                                      COLLECTOR_BEGIN, COLLECTOR_END)


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(results):
    # The collector's figures have a section of their own.
    records = [r for r in results["records"] if r.get("source") != "collector"]
    by_name = {record["name"]: record for record in records}
    known = {row.name for _, rows in SECTIONS for row in rows}
    lines = [
        "| figure | measured (median; interval or p99) | target | met | old module | old ÷ new |",
        "|---|---|---|---|---|---|",
    ]
    # A figure no row describes yet is still shown, under its own name.
    others = [Row(record["name"], f"{record['source']}: `{record['name']}`")
              for record in records if record["name"] not in known]
    for title, rows in SECTIONS + [("Other figures", others)]:
        lines += section_lines(title, rows, by_name, with_detail=rows is others)
    return "\n".join(lines)


def section_lines(title, rows, by_name, with_detail=False):
    """The table rows of one section: its heading, then each of its figures that was measured."""
    shown = [row for row in rows if row.name in by_name]
    if not shown:
        return []
    lines = [f"| **{cell(title)}** | | | | | |"]
    for row in shown:
        record = by_name[row.name]
        met = row.check(record, by_name) if row.check else None
        ratio = row.old_ratio(record) if row.old_ratio else None
        if row.old_ratio and ratio is None:
            ratio_text = "none now"
        else:
            ratio_text = f"{ratio:,.0f}×" if ratio and ratio >= 10 else (
                f"{ratio:.1f}×" if ratio else "")
        label = row.label
        if with_detail and record.get("detail"):
            label += f" ({record['detail']})"
        lines.append("| " + " | ".join(cell(part) for part in [
            label,
            figure_text(record),
            row.target or "—",
            {True: "yes", False: "**no**", None: "—"}[met],
            row.old or "—",
            ratio_text or "—",
        ]) + " |")
    return lines


def queue_matrix(results):
    by_name = {record["name"]: record for record in results["records"]}
    queues = [("array_queue", "ArrayQueue"), ("sync_channel", "sync_channel"),
              ("mutex_vecdeque", "Mutex<VecDeque>")]
    scenarios = [("one_producer_full", "one producer, full"),
                 ("one_producer_draining", "one producer, draining"),
                 ("two_producers_draining", "two producers, draining")]
    if not any(f"queue_baselines/{q}/{s}" in by_name for q, _ in queues for s, _ in scenarios):
        return ""
    lines = ["| ns per push | " + " | ".join(label for _, label in queues) + " |",
             "|---" * (len(queues) + 1) + "|"]
    rows = [(f"queue_baselines/{{}}/{scenario}", "median_ns", f"{label}, median")
            for scenario, label in scenarios]
    rows += [("queue_tails/{}/two_producers_draining", key, f"two producers, every push: {label}")
             for key, label in (("p99_ns", "p99"), ("p999_ns", "p99.9"), ("max_ns", "max"))]
    for pattern, key, label in rows:
        cells = []
        for queue, _ in queues:
            record = by_name.get(pattern.format(queue))
            cells.append(f"{record[key]:,.0f}" if record and key in record else "—")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def page(results, facts, quick):
    warning = ""
    if quick:
        warning = ("\n> **Quick run** (`--quick`): measurement times were cut to check the "
                   "harness. These figures are not fit to publish; rerun without `--quick`.\n")
    missing = ""
    if results["not_measured"]:
        missing = "\n## Not measured in this run\n\n" + "\n".join(
            f"- {what}: {why}" for what, why in results["not_measured"]) + "\n"
    matrix = queue_matrix(results)
    return f"""# Performance

<!-- Generated by `python3 benches/report.py`: edit the script, not this page. -->

The figures of issue #6, with the targets the issue sets and, where the old Python module
published one, its figure and how many times the new one is smaller (old ÷ new). Medians; Rust
figures come from criterion with the 95% confidence interval of the median, the other programs
give the 99th percentile where they measure it. On a shared machine the spread is wide: read the
interval, not the last digit.

**Rerun everything and rewrite this page:** `python3 benches/report.py` (about 3 minutes;
`--quick` for a smoke run; `--reuse` rewrites the page from the last run's results;
`--add spool_exit` reruns that one benchmark and replaces only its rows).
{warning}
## Machine

- CPU: {facts['cpu']}, {facts['cores']} cores
- Memory: {facts['memory']}
- Kernel: {facts['kernel']}
- Rust: {facts['rustc']}, `bench` profile (release, with debug info)
- Measured: {facts['date']}; load average when the run started: {facts['load']}

## Figures

{table(results)}
{missed_section(results)}{missing}
## How each figure is measured

- **Track calls, Rust** (`benches/track.rs`): the public `Client` API. Enabled cases run on
  local clients (batches written to a local file, emptied after each batch; no socket) with a batch of 1,000 and an hour's
  flush interval; each client takes 400 calls (per thread) and is then shut down with no time
  left, so its sender discards the events unsent. The sender is woken once per client and
  sleeps while calls are timed: the figure is the caller's own cost (string checks, one
  allocation, one push). Two threads: each times its own calls on the same client, the figure
  is the mean per call. Full queue: a client whose collector refuses connections and whose
  sender waits an hour before retrying its first batch; capacity 1,024; the benchmark asserts
  that every measured call displaced an event.
- **Track calls, C and the bindings** (`benches/c/`, `bindings/*/bench.*`, see
  `benches/README.md`): calls timed in blocks through the shared library; each program's
  `method` field says exactly how.
- **Sender pipeline** (`benches/pipeline.rs`): `pipeline_steps` runs, on one thread, the public
  functions the sender applies to each event kind (`Anonymizer::hash_identifier`,
  `filter_metadata`, `anonymize_tags`, `scrub_bounded` on every name, message and trace) and
  encodes 1,000 events into one batch body with serde_json; it is a replica through the public
  API, since the sender's own `Event::write_wire` and `BatchWriter` are private (the real
  sender also remembers names and hashes it has seen, which the replica does not). `pipeline_client` is the real
  code: a client with a batch of 1,000 writing to a local file; 1,000 track calls, then a flush
  that returns once the sender has anonymized, encoded and written them (the calls and the
  sender's work run one after the other, so this is one core's worth). `error` tracks one
  event 1,000 times; `error_new` 1,000 errors that differ in an attempt number and a line
  number, more than the sender remembers, so each is scrubbed anew. `delivery` is the same
  over HTTP to the loopback collector of `examples/support/collector.rs`, which runs in the same
  process and competes for the same cores.
- **Scrubbing** (`benches/scrub.rs`): seven realistic stack traces (Python, Node.js, Go, Java,
  .NET, Ruby, Rust; 2.5 KiB in all, each with home paths, emails, credentials, cards or IP
  addresses), and 1 KiB of plain text with nothing to scrub. Scrubbing runs on the sender
  thread, never on a caller's; a slow scrubber still lets the queue fill while the sender works.
- **Queue choice** (`benches/queue_baselines.rs`): the same push path (an event shaped like the
  client's: one allocation holding the strings, offsets, kind, timestamp) over
  `crossbeam_queue::ArrayQueue::force_push`, `std::sync::mpsc::sync_channel` with `try_send`, and
  a `Mutex<VecDeque>`, each holding at most 8,192 events. When full, `ArrayQueue` and the deque
  displace the oldest event, as the client does; `sync_channel` cannot reach its oldest event
  from the sending side, so the new event is dropped instead (the cheapest possible drop). The
  consumer drains one event at a time and naps 50 µs when it finds none.
- **At rest** (`benches/lifecycle.rs`, JSON lines): wake-ups are the voluntary context switches
  of the thread named `mycelium-telemetry` (in `/proc/self/task/*/status`) over 10 s, CPU its
  user + system time; memory is `VmRSS` before and after creating an enabled client with
  default settings (except a fixed salt and output to a local file), tracking 11 events and
  flushing them; shutdown is `Client::shutdown` (what `mt_shutdown` calls, through
  `mt_client_close`) on 50 idle clients, each asleep 20 ms first.
- **Exit without waiting** (`benches/spool_exit.rs`, JSON lines): 500 fresh clients of an
  application with a spool (a temporary `XDG_STATE_HOME`) and a collector that is down, each
  given 100 mixed events (usage with metadata, performance with tags, errors with a message and
  a 1.3 KiB traceback) and 5 ms for its sender to fall asleep, then a timed `Client::shutdown(0)`
  (what `mt_shutdown(client, 0)` calls): the events are scrubbed and written to the spool on
  the caller's thread (a temporary file renamed into place, not fsynced). The spool is emptied
  between exits, untimed.

## Queue choice

{matrix or "Not measured in this run."}

`sync_channel` is a baseline for cost, not an alternative as it stands: when full it refuses the
new event, while the client's contract is to keep the newest and displace the oldest. The tail
rows time every push, so they show what a median hides: a producer that waits for a lock held
by a preempted thread. The largest figures (milliseconds) are the producer itself being
descheduled on a busy machine and say little about the queue.

## Scrubbing: two scans, no regex

Until issue 9 the scrubber ran about twenty `regex` patterns over each text, one full pass and
one copy per rule (`regex` had replaced `regex-lite`, which was 30 times slower still). It now
makes two scans, each reporting spans that are applied once: secrets (`src/anonymize/secrets/`:
memchr searches for rare anchors, then one walk over the words with a vendor table indexed by a
token's first two bytes, the context rules and shape statistics) and personal data
(`src/anonymize/personal/`). On 2026-12-02, on this machine under load, before and after:
realistic traces 19.7 → 63.3 MiB/s, plain text 36.2 → 242 MiB/s, one new error event 14.5 µs,
the scrubber's first use 3,468 KiB → about 12 KiB of heap (392–588 KiB resident with the code
pages it reads). The sender also remembers its last eight messages and traces, so an error
loop's repeats cost a comparison; the line "scrubbing one new error event" shows the cost
without that memory, and `pipeline_client/error_new` the same through the real sender.

## Issue 9, second pass: counted in instructions

On a machine this loaded, two runs of the same program differ by more than the changes below
did, so they were measured by hand (not by this script) with `valgrind --tool=callgrind`, which
counts instructions whatever else the machine does, on a program that scrubs the pipeline's
error message and 1.3 KiB trace 300 times, and on one that tracks and flushes 20 batches of
1,000 `agent_usage` events through a local client (each figure is the total divided by the
events; process and client startup are included):

| step | one new error event, scrubbed | `agent_usage` through the client |
|---|---|---|
| before (2026-12-02) | 260k instructions | 15.8k instructions |
| metadata and context filtered from their text, not from a parsed map | — | 11.6k |
| secret-bearing names: configuration-line check first, last-letter gate | 250k | — |
| one-path rules: components on bytes, login search by first byte | 241k | — |
| path and host detectors resume after what they looked at | 229k | — |

So a new error event's scrubbing costs about 12 % less and `agent_usage` on the sender's side
about 27 % less. What is left of the error event is spread thin (no function above 10 %):
the secrets scan's walk over the words, the shape statistics of path-like tokens, the one-path
rules (a vector and a string per path), and about twenty searches of the personal-data pass,
which a single anchored scan dispatching to the detectors would replace. The queue's slot went
from 64 to 24 bytes (an event is one boxed buffer): 320 KiB less reserved by every enabled
client.

## Library size

Measured by hand on 2026-12-02 (not by this script): `cargo build --release`, then the installed
file (`tests/c/install/run_install_test.sh` fails above 2.5 MiB or on any debug section).

| build | `libmycelium_telemetry.so` | static archive |
|---|---|---|
| before issue 10 (`debug = 1`, not stripped) | 25.3 MB | 76.6 MB |
| no debug info, symbols stripped | 3.74 MB | 38.2 MB |
| + fat LTO, one codegen unit | 3.23 MB | 43.2 MB (30.3 MB installed, debug info stripped) |
| + the scrubber without `regex` (issue 9) | **2.22 MB (2.12 MiB)** | 36.6 MB as built |

What each crate costs in the shared library's code (`cargo bloat --release --crates` on a
`cdylib`-only copy of the crate, `.text` 1.2 MiB of a 2.2 MB file; the rest is read-only data
such as the Mozilla root certificates, symbols for the exports and unwind tables): the Rust
standard library 397 KiB, `ring` (TLS cryptography) 237 KiB, this crate 209 KiB, `rustls`
200 KiB, `minreq` 37 KiB, `serde_json` 25 KiB, `webpki` 20 KiB, `memchr` 18 KiB, `sha2` 12 KiB.
Before issue 9, `regex` with `regex-automata`, `regex-syntax` and `aho-corasick` took 590 KiB.
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="short measurements, to check that every benchmark runs")
    parser.add_argument("--collector", action="store_true",
                        help="run only the collector's load benchmark and rewrite only its "
                             "section of the page")
    parser.add_argument("--dashboard", action="store_true",
                        help="time the collector's dashboard over a million stored events and "
                             "rewrite only its section of the page")
    parser.add_argument("--reuse", action="store_true",
                        help="rewrite the page from the last run's results, running nothing")
    parser.add_argument("--add", metavar="BENCH", choices=JSON_BENCHES,
                        help="run one JSON-lines benchmark and put its section into the page "
                             "as it stands, leaving every other figure unchanged")
    args = parser.parse_args()
    if args.add:
        add_section(args.add)
        return
    saved = target_dir() / "bench-report" / "results.json"
    if args.dashboard:
        try:
            figures = collector_dashboard.measure(ROOT, target_dir())
        except RuntimeError as error:
            sys.exit(f"report.py: not measured: the collector's dashboard: {error}")
        PAGE.write_text(collector_dashboard.splice(PAGE.read_text(),
                                                   collector_dashboard.section(figures)))
        return
    if args.collector:
        results = {"records": [], "not_measured": []}
        measure_collector(results, args.quick)
        PAGE.write_text(splice_collector_section(PAGE.read_text(), results))
        for what, why in results["not_measured"]:
            print(f"report.py: not measured: {what}: {why}", file=sys.stderr)
        sys.exit(1 if results["not_measured"] else 0)
    if args.reuse:
        try:
            stored = json.loads(saved.read_text())
        except (OSError, ValueError) as error:
            sys.exit(f"report.py: no results to reuse ({saved}: {error})")
        results, facts, quick = stored["results"], stored["machine"], stored["quick"]
    else:
        facts = machine()
        results = measure(args.quick)
        quick = args.quick
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_text(json.dumps(
            {"results": results, "machine": facts, "quick": quick}, indent=1))
    # The dashboard's section is measured on its own (--dashboard): a full run keeps it.
    dashboard = collector_dashboard.kept(PAGE.read_text())
    text = splice_collector_section(page(results, facts, quick), results)
    PAGE.write_text(collector_dashboard.splice(text, dashboard) if dashboard else text)
    print(f"\nreport.py: wrote {PAGE.relative_to(ROOT)} ({len(results['records'])} figures)",
          file=sys.stderr)
    if results["not_measured"]:
        for what, why in results["not_measured"]:
            print(f"report.py: not measured: {what}: {why}", file=sys.stderr)
        sys.exit(1)


def add_section(bench):
    """Runs `benches/<bench>.rs` and replaces (or appends) the rows of the sections its figures
    belong to in the page's figure table; nothing else on the page changes."""
    not_measured = []
    records = json_bench(bench, program_env(), not_measured)
    if not_measured or not records:
        sys.exit(f"report.py: benches/{bench}.rs did not run: {not_measured}")
    by_name = {record["name"]: record for record in records}
    lines = PAGE.read_text().split("\n")
    start = lines.index("## Figures") + 2
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    for title, rows in SECTIONS:
        new = section_lines(title, rows, by_name)
        if not new:
            continue
        heading = f"| **{cell(title)}** | | | | | |"
        if heading in lines[start:end]:
            at = lines.index(heading, start)
            stop = at + 1
            while stop < end and not lines[stop].startswith("| **"):
                stop += 1
            lines[at:stop] = new
        else:
            lines[end:end] = new
        end = start
        while end < len(lines) and lines[end].startswith("|"):
            end += 1
    PAGE.write_text("\n".join(lines))
    print(f"report.py: put benches/{bench}.rs into {PAGE.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
