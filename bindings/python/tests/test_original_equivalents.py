"""The promises of the original suite's tests that read private internals (skipped in
tests/original/conftest.py), checked through the public API: what reaches a real collector on
127.0.0.1 instead of the old module's in-process queue, and the public anonymizer instead of its
private helpers. The inputs are the original tests' own."""

from __future__ import annotations

import json

from conftest import SALT, clean_environment, run_python
from test_delivery import enabled_config

from mycelium_telemetry import DataAnonymizer, TelemetryClient


def _only_event(stored, track) -> dict:
    with TelemetryClient(enabled_config(stored.url)) as client:
        track(client)
        assert client.flush(timeout=10) is True
    events = stored.wait_for_events(1)
    assert len(events) == 1, events
    return events[0]


def test_agent_usage_event_carries_no_personal_data(stored):
    sensitive_metadata = {
        "user_id": "user-123",
        "email": "user@example.com",
        "username": "john_doe",
        "ip_address": "192.168.1.1",
        "session_id": "session-abc-123",
        "user_prompt": "What is my password?",
        "file_content": "SECRET_API_KEY=xyz123",
        "duration_ms": 100,
    }
    event = _only_event(stored, lambda c: c.track_agent_usage("agent-1", "test", sensitive_metadata))
    assert event["metadata"] == {"duration_ms": 100}
    sent = json.dumps(event)
    for term in ("user@example.com", "john_doe", "192.168.1.1", "What is my password?", "SECRET_API_KEY"):
        assert term not in sent


def test_agent_usage_event_carries_no_code(stored):
    code_metadata = {
        "code": "def hack(): return 'secret'",
        "file_content": "API_KEY = 'secret123'",
        "diff": "+ added secret line",
        "patch": "- removed line\n+ added line",
        "success": True,
    }
    event = _only_event(stored, lambda c: c.track_agent_usage("agent-1", "test", code_metadata))
    sent = json.dumps(event)
    for term in ("def hack()", "API_KEY", "secret"):
        assert term not in sent
    assert event["metadata"] == {"success": True}


def test_agent_usage_event_carries_no_prompts(stored):
    sensitive_data = {
        "user_prompt": "Help me hack into this system",
        "user_input": "My password is abc123",
        "user_query": "What's my credit card number?",
        "response": "AI response with sensitive data",
        "message": "User message",
        "retry_count": 2,
    }
    event = _only_event(stored, lambda c: c.track_agent_usage("agent-1", "test", sensitive_data))
    sent = json.dumps(event)
    for term in ("Help me hack", "abc123", "credit card", "AI response", "User message"):
        assert term not in sent
    assert event["metadata"] == {"retry_count": 2}


def test_error_event_is_scrubbed(stored):
    message = (
        "Failed to connect to database at postgresql://user:password@host/db "
        "for user john@example.com"
    )
    event = _only_event(
        stored,
        lambda c: c.track_error("ConnectionError", message, stack_trace='File "/home/john/app.py", line 10'),
    )
    sent = json.dumps(event)
    assert "password@" not in sent
    assert "john@example.com" not in sent
    assert "/home/john" not in sent
    assert event["error_type"] == "ConnectionError"
    assert event["stack_trace"] == DataAnonymizer(SALT).anonymize_stack_trace('File "/home/john/app.py", line 10')
    assert "app.py" in event["stack_trace"] and "line 10" in event["stack_trace"]


def test_agent_usage_event_keeps_only_success(stored):
    never_collect = {
        "user_prompt": "What's my password?",
        "user_response": "My password is abc123",
        "code": "def secret(): pass",
        "file_content": "API_KEY = 'secret'",
        "email": "user@example.com",
        "username": "john_doe",
        "ip_address": "192.168.1.1",
        "api_key": "xyz123",
        "token": "bearer_abc",
        "credentials": {"user": "admin", "pass": "secret"},
        "success": True,
    }
    event = _only_event(stored, lambda c: c.track_agent_usage("test-agent", "test", never_collect))
    sent = json.dumps(event)
    for term in ("password", "abc123", "def secret", "API_KEY", "user@example.com", "john_doe",
                 "192.168.1.1", "xyz123", "bearer_abc"):
        assert term not in sent, f"Found sensitive term: {term}"
    assert event["metadata"] == {"success": True}


def test_disabled_client_starts_no_thread_and_queues_nothing():
    # In a fresh interpreter, so that no other test's client has threads coming or going. The
    # sender is a native thread, invisible to the threading module: /proc counts every thread.
    program = """
        import os
        import tempfile
        from mycelium_telemetry import TelemetryClient, TelemetryConfig

        def threads():
            return len(os.listdir("/proc/self/task"))

        before = threads()
        client = TelemetryClient(config=TelemetryConfig(enabled=False))
        client.track_agent_usage("agent-1", "test", metadata={"key": "value"})
        client.track_performance("metric", 100.0)
        client.track_error("Error", "message")
        client.track_system_info()
        assert threads() == before, (before, threads())
        assert client.stats().enqueued == 0, client.stats()

        # The count would have seen a sender: an enabled client (local-only) starts one.
        output = os.path.join(tempfile.mkdtemp(), "events.jsonl")
        enabled = TelemetryClient(config=TelemetryConfig(enabled=True, salt="s", output_file=output))
        enabled.track_system_info()
        enabled.flush(10)
        print(before, threads())
        enabled.shutdown()
    """
    before, after_enabled = map(int, run_python(program, clean_environment()).stdout.split())
    assert after_enabled > before


def test_safe_metadata_allowlist_through_agent_usage():
    mixed_metadata = {
        "duration_ms": 100,
        "success": True,
        "retry_count": 3,
        "cache_hit": True,
        "result_count": 5,
        "status_code": 200,
        "user_data": "sensitive",
        "credentials": "secret",
        "api_key": "xyz123",
        "token": "abc456",
    }
    safe = DataAnonymizer(SALT).anonymize_agent_usage("agent-1", "test", mixed_metadata)["metadata"]
    assert safe == {
        "duration_ms": 100,
        "success": True,
        "retry_count": 3,
        "cache_hit": True,
        "result_count": 5,
        "status_code": 200,
    }


def test_nested_metadata_is_dropped_through_agent_usage():
    metadata = {
        "duration_ms": 100,
        "nested_object": {"key": "value"},
        "nested_array": [1, 2, 3],
        "success": True,
        # Nested values under allowlisted keys are dropped too.
        "retry_count": [1, 2],
        "cache_hit": {"hit": True},
    }
    safe = DataAnonymizer(SALT).anonymize_agent_usage("agent-1", "test", metadata)["metadata"]
    assert safe == {"duration_ms": 100, "success": True}


def test_email_addresses_anonymized_by_public_method():
    anonymizer = DataAnonymizer(SALT)
    for message, domain in [
        ("Error for user john.doe@example.com", "@example.com"),
        ("Contact support@myapp.com for help", "@myapp.com"),
        ("Email sent to alice.bob@subdomain.example.org", "@subdomain.example.org"),
    ]:
        anonymized = anonymizer.anonymize_message(message)
        assert domain not in anonymized
        assert "<email>" in anonymized
        # And the same text as an error message, which is what the old helper served.
        assert anonymizer.anonymize_error("E", message)["error_message"] == anonymized
