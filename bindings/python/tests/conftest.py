"""Shared fixtures: a live collector, fixed salt, and a way to run Python in a clean process."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, Iterator, NamedTuple, Optional

import pytest

from collector import Collector
from reference_collector import ReferenceCollector

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


class PrivateCa(NamedTuple):
    ca_file: Path
    """The CA certificate (PEM), what ``TelemetryConfig(ca_file=...)`` is given."""
    server_certificate: Path
    """A certificate for localhost and 127.0.0.1 that the CA signed, and its key."""
    server_key: Path


@pytest.fixture
def private_ca(tmp_path: Path) -> PrivateCa:
    """A CA and a server certificate it signed, made with the openssl command for this test."""

    def openssl(*arguments: str) -> None:
        subprocess.run(["openssl", *arguments], cwd=tmp_path, check=True, capture_output=True, timeout=60)

    (tmp_path / "server.ext").write_text(
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
        "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n"
    )
    new_key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    openssl("req", "-x509", *new_key, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=mt python test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign")
    openssl("req", *new_key, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "2", "-extfile", "server.ext")
    return PrivateCa(tmp_path / "ca.pem", tmp_path / "server.pem", tmp_path / "server.key")


@pytest.fixture
def collector() -> Iterator[Collector]:
    with Collector() as running:
        yield running


@pytest.fixture
def stored() -> Iterator[ReferenceCollector]:
    """The reference collector, for tests that only check what arrived."""
    with ReferenceCollector() as running:
        yield running
