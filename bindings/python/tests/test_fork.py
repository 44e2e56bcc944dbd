"""``os.fork()``: a client used in the child gets its own queue and sender thread, the events the
parent had queued are sent once (by the parent), a fork while the parent's sender is stuck in a
request does not hang the child, and the child's counters start at zero."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
import traceback
import warnings
from pathlib import Path
from typing import Callable, List

import pytest
from collector import Collector, Request
from conftest import SALT, clean_environment, run_python, sha256_hex

from mycelium_telemetry import TelemetryClient, TelemetryConfig, TelemetryStats

CHILD_DEADLINE = 20.0
FLUSH_TIMEOUT = 10.0
TESTS_DIR = Path(__file__).resolve().parent


def run_in_child(child: Callable[[], None], deadline: float = CHILD_DEADLINE) -> int:
    """Runs ``child`` in a forked process and returns its exit code: 0 if it returned, 1 if it
    raised. A child still running after ``deadline`` seconds is killed and fails the test, so a
    deadlock shows as a failure instead of a hung test run."""
    with warnings.catch_warnings():
        # Python 3.12+ warns that forking a multi-threaded process may deadlock the child;
        # avoiding that deadlock for this library is what these tests check.
        warnings.filterwarnings(
            "ignore", message=r".*is multi-threaded, use of fork\(\) may lead to deadlocks", category=DeprecationWarning
        )
        pid = os.fork()
    if pid == 0:
        exit_code = 1
        try:
            child()
            exit_code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            # Leaves without atexit handlers, finalizers or the test runner's teardown, which
            # belong to the parent.
            os._exit(exit_code)

    give_up_at = time.monotonic() + deadline
    while True:
        waited, status = os.waitpid(pid, os.WNOHANG)
        if waited == pid:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > give_up_at:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail(f"the forked child was still running after {deadline} s (deadlock?)")
        time.sleep(0.05)


def events_of(request: Request) -> List[dict]:
    return json.loads(request.body)["events"]


def operations(requests: List[Request]) -> List[str]:
    return sorted(event["operation"] for request in requests for event in events_of(request))


def assert_no_batch_mixes_parent_and_child(requests: List[Request]) -> None:
    for request in requests:
        owners = {event["operation"].split("-")[0] for event in events_of(request)}
        assert len(owners) == 1, f"a batch mixes parent and child events: {request.body!r}"


def track_and_flush_in_child(client: TelemetryClient, operation_names: List[str]) -> None:
    """What every child does: starts from zero, then sends only its own events."""
    assert client.stats() == TelemetryStats(), "the child's counters start at zero"
    for operation in operation_names:
        client.track_agent_usage("agent-7", operation)
    assert client.flush(timeout=FLUSH_TIMEOUT) is True
    stats = client.stats()
    assert (stats.enqueued, stats.sent, stats.failed) == (len(operation_names), len(operation_names), 0), stats


PARENT_OPERATIONS = [f"parent-{index}" for index in range(5)]
CHILD_OPERATIONS = [f"child-{index}" for index in range(3)]


def test_events_queued_before_a_fork_are_sent_once_by_the_parent(collector):
    config = TelemetryConfig(enabled=True, endpoint=collector.url, salt=SALT, flush_interval_ms=60000)
    with TelemetryClient(config) as client:
        for operation in PARENT_OPERATIONS:
            client.track_agent_usage("agent-7", operation)
        assert client.stats().sent == 0, "the parent's events are still queued at the fork"

        exit_code = run_in_child(lambda: track_and_flush_in_child(client, CHILD_OPERATIONS))

        assert exit_code == 0, "the child's own client sent its events"
        assert client.stats().enqueued == 5, "the child's tracking did not reach the parent's client"
        assert client.flush(timeout=FLUSH_TIMEOUT) is True
        stats = client.stats()

    assert (stats.enqueued, stats.sent, stats.failed) == (5, 5, 0), stats
    assert operations(collector.requests) == sorted(CHILD_OPERATIONS + PARENT_OPERATIONS)
    assert_no_batch_mixes_parent_and_child(collector.requests)
    assert {event["agent_id_hash"] for event in collector.events()} == {sha256_hex("agent-7" + SALT)}


def test_a_fork_while_the_sender_is_stuck_in_a_request_does_not_hang_the_child():
    with Collector(hang_first_requests=1) as stuck:
        config = TelemetryConfig(enabled=True, endpoint=stuck.url, salt=SALT, flush_interval_ms=60000, timeout=1)
        client = TelemetryClient(config)
        client.track_agent_usage("agent-7", "parent-stuck")
        assert client.flush(timeout=0.2) is False, "the request is left unanswered"
        assert stuck.wait_for_hung_requests(1), "the parent's sender never reached the collector"

        def child() -> None:
            track_and_flush_in_child(client, ["child-after-stuck-fork"])
            client.shutdown(timeout=FLUSH_TIMEOUT)

        assert run_in_child(child) == 0, "the child tracked and flushed despite the parent's stuck sender"

        # The stuck request times out after 1 s; its retry is answered.
        assert client.flush(timeout=FLUSH_TIMEOUT) is True
        stats = client.stats()
        client.shutdown(timeout=1)

        assert operations(stuck.hung_requests) == ["parent-stuck"]
        assert operations(stuck.requests) == ["child-after-stuck-fork", "parent-stuck"]
        assert_no_batch_mixes_parent_and_child(stuck.requests)
        assert (stats.enqueued, stats.sent, stats.failed, stats.retries) == (1, 1, 0, 1), stats


GLOBAL_CLIENT_FORKS = """
    from mycelium_telemetry import get_telemetry_client
    from test_fork import CHILD_OPERATIONS, PARENT_OPERATIONS, run_in_child, track_and_flush_in_child

    client = get_telemetry_client()
    assert client.is_enabled()
    for operation in PARENT_OPERATIONS:
        client.track_agent_usage("agent-7", operation)

    def child():
        assert get_telemetry_client() is client
        track_and_flush_in_child(client, CHILD_OPERATIONS)

    assert run_in_child(child) == 0, "the child's global client sent its events"
    assert client.stats().enqueued == 5
    assert client.flush(timeout=10) is True
    stats = client.stats()
    assert (stats.enqueued, stats.sent, stats.failed) == (5, 5, 0), stats
"""


def test_the_global_client_enabled_by_environment_works_in_a_forked_child(collector):
    environment = clean_environment(
        TELEMETRY_ENABLED="1",
        TELEMETRY_ENDPOINT=collector.url,
        TELEMETRY_SALT=SALT,
        TELEMETRY_FLUSH_INTERVAL_MS="60000",
    )
    # Run from the tests folder so the program can import this module's helpers.
    run_python(GLOBAL_CLIENT_FORKS, environment, cwd=TESTS_DIR)

    assert operations(collector.requests) == sorted(CHILD_OPERATIONS + PARENT_OPERATIONS)
    assert_no_batch_mixes_parent_and_child(collector.requests)
    assert {event["agent_id_hash"] for event in collector.events()} == {sha256_hex("agent-7" + SALT)}
