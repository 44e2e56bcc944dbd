"""The original privacy suite's tests that cannot run against this package, each with its reason.

Every one of them reads a private name of the old pure-Python module (its in-process queue, its
worker thread, its private helpers), which this package does not have: events are queued and
anonymized inside the native library. What each test promised is checked through the public
API in tests/test_original_equivalents.py, by the test named in the reason.

The tests that need an enabled client also point it at https://test.example.com and call
shutdown(), which would send there; skipped, they never create that client.
"""

from __future__ import annotations

import pytest

_QUEUE = (
    "reads TelemetryClient._event_queue, the old module's in-process queue; events here are "
    "queued inside the native library"
)

# Test name -> why it is skipped, and where its promise is checked instead.
SKIPPED_ORIGINAL_TESTS = {
    "test_no_pii_in_agent_usage": f"{_QUEUE}; see test_agent_usage_event_carries_no_personal_data",
    "test_no_code_content_leakage": f"{_QUEUE}; see test_agent_usage_event_carries_no_code",
    "test_user_prompts_never_collected": f"{_QUEUE}; see test_agent_usage_event_carries_no_prompts",
    "test_error_messages_sanitized": f"{_QUEUE}; see test_error_event_is_scrubbed",
    "test_comprehensive_privacy_check": f"{_QUEUE}; see test_agent_usage_event_keeps_only_success",
    "test_zero_overhead_when_disabled": (
        "reads TelemetryClient._worker_thread and _event_queue; see "
        "test_disabled_client_starts_no_thread_and_queues_nothing"
    ),
    "test_safe_metadata_allowlist": (
        "calls DataAnonymizer._filter_safe_metadata, a private helper; see "
        "test_safe_metadata_allowlist_through_agent_usage"
    ),
    "test_nested_data_structures_filtered": (
        "calls DataAnonymizer._filter_safe_metadata, a private helper; see "
        "test_nested_metadata_is_dropped_through_agent_usage"
    ),
    "test_email_addresses_anonymized": (
        "calls DataAnonymizer._anonymize_message, a private helper (public here as "
        "anonymize_message); see test_email_addresses_anonymized_by_public_method"
    ),
}


def pytest_collection_modifyitems(config, items):
    names = {item.name for item in items if item.fspath.basename == "test_privacy.py"}
    unknown = set(SKIPPED_ORIGINAL_TESTS) - names
    if names and unknown:
        # A renamed test would otherwise silently start running, or this list rot.
        raise pytest.UsageError(f"skip list names tests the original suite lacks: {sorted(unknown)}")
    for item in items:
        reason = SKIPPED_ORIGINAL_TESTS.get(item.name)
        if reason is not None and item.fspath.basename == "test_privacy.py":
            item.add_marker(pytest.mark.skip(reason=f"{item.name}: private internals of the old module: {reason}"))
