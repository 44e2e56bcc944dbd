"""Shared fixtures: a live collector, fixed salt, and a way to run Python in a clean process."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, Iterator, Optional

import pytest

from collector import Collector

BINDING_DIR = Path(__file__).resolve().parent.parent
REPOSITORY = BINDING_DIR.parent.parent
SALT = "fixed-test-salt-4c7e"


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cargo_version() -> str:
    cargo_toml = (REPOSITORY / "Cargo.toml").read_text()
    match = re.search(r'^\[package\][^\[]*?^version\s*=\s*"([^"]+)"', cargo_toml, re.M | re.S)
    assert match, "no [package] version in Cargo.toml"
    return match.group(1)


def clean_environment(**variables: str) -> Dict[str, str]:
    """This process's environment without any telemetry setting, plus ``variables``."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("TELEMETRY_") and name != "DO_NOT_TRACK"
    }
    environment["PYTHONPATH"] = str(BINDING_DIR)
    environment.update(variables)
    return environment


def run_python(
    program: str, environment: Dict[str, str], *arguments: str, cwd: Optional[Path] = None
) -> subprocess.CompletedProcess:
    """Runs ``program`` in a fresh interpreter; fails the test, with its output, if it fails.
    ``python -c`` imports from its working directory first, so ``cwd`` decides what it sees."""
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(program), *arguments],
        env=environment,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, f"exit {completed.returncode}\n{completed.stdout}\n{completed.stderr}"
    return completed


@pytest.fixture
def collector() -> Iterator[Collector]:
    with Collector() as running:
        yield running
