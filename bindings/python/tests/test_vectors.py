"""The binding's anonymizer gives exactly what the C ABI gave for the shared vectors."""

from __future__ import annotations

import json
from pathlib import Path

from mycelium_telemetry import DataAnonymizer

VECTORS_FILE = Path(__file__).resolve().parents[3] / "tests" / "privacy" / "vectors.json"


def test_anonymizer_matches_the_shared_vectors():
    document = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
    anonymizer = DataAnonymizer(document["salt"])
    functions = {
        "hash_identifier": anonymizer.hash_identifier,
        "anonymize_path": anonymizer.anonymize_file_path,
        "anonymize_message": anonymizer.anonymize_message,
        "anonymize_stack_trace": anonymizer.anonymize_stack_trace,
    }
    # An empty file would make every check below vacuous.
    assert document["vectors"], f"{VECTORS_FILE} has no vectors"

    mismatches = []
    for vector in document["vectors"]:
        for name, function in functions.items():
            actual = function(vector["input"])
            if actual != vector[name]:
                mismatches.append(
                    f"{name}({vector['input']!r}):\n  expected {vector[name]!r}\n  actual   {actual!r}"
                )
    assert not mismatches, f"{len(mismatches)} mismatches:\n" + "\n".join(mismatches)
