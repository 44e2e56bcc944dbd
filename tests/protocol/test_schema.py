"""Real payloads, as the quickstart's collector received them from the library, validate against
docs/protocol.schema.json; and the schema is strict enough to refuse what must never be sent."""

import copy
import json
import pathlib
import subprocess

import jsonschema
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "protocol.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


@pytest.fixture(scope="module")
def batches():
    quickstart = ROOT / "target" / "release" / "examples" / "quickstart"
    if not quickstart.exists():
        subprocess.run(
            ["cargo", "build", "--release", "--example", "quickstart"], cwd=ROOT, check=True
        )
    out = subprocess.run(
        [str(quickstart), "--raw"], check=True, capture_output=True, text=True, timeout=120
    ).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_real_payloads_validate(batches):
    assert batches, "the quickstart's collector received nothing"
    kinds = set()
    for batch in batches:
        VALIDATOR.validate(batch)
        kinds.update(event["event_type"] for event in batch["events"])
    assert kinds == {"agent_usage", "performance", "error", "system_info"}


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda e: e.update(agent_id="alice"), id="raw agent id"),
        pytest.param(lambda e: e.update(agent_id_hash="alice"), id="unhashed agent id"),
        pytest.param(lambda e: e.update(metadata={"prompt": "x"}), id="metadata off the allowlist"),
        pytest.param(lambda e: e.update(metadata={"duration_ms": {"a": 1}}), id="nested metadata"),
        pytest.param(lambda e: e.pop("timestamp"), id="missing timestamp"),
    ],
)
def test_schema_refuses_what_must_not_be_sent(batches, mutate):
    batch = copy.deepcopy(batches[0])
    event = next(e for e in batch["events"] if e["event_type"] == "agent_usage")
    mutate(event)
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(batch)


def test_deletion_requests_are_empty_batches_with_an_installation_id():
    deletion = {"version": "1.0", "timestamp": 1795634410.12, "installation_id": "0f" * 16,
                "deletion_request": True, "events": []}
    VALIDATOR.validate(deletion)
    for mutate in (lambda b: b.pop("installation_id"),
                   lambda b: b.update(installation_id="not-hex"),
                   lambda b: b.pop("deletion_request"),
                   lambda b: b.update(deletion_request=False),
                   lambda b: b.update(batch_id="0f" * 16)):
        batch = copy.deepcopy(deletion)
        mutate(batch)
        with pytest.raises(jsonschema.ValidationError):
            VALIDATOR.validate(batch)


def test_every_real_batch_has_its_own_batch_id(batches):
    ids = [batch["batch_id"] for batch in batches]
    assert len(set(ids)) == len(ids)
    old_client = {key: value for key, value in batches[0].items() if key != "batch_id"}
    VALIDATOR.validate(old_client)  # optional: old clients and the Python module send none
    for bad in ("0F" * 16, "0f" * 15, "0f" * 17, 42):
        batch = copy.deepcopy(batches[0])
        batch["batch_id"] = bad
        with pytest.raises(jsonschema.ValidationError):
            VALIDATOR.validate(batch)
