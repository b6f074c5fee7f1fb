"""Shared test set-up: sample paths, settings isolation, a network guard, and cassettes.

Cassettes are real HTTP exchanges recorded from ``python -m llama_cpp.server`` by
``scripts/record_cassettes.py``. On replay (the default) vcrpy matches requests on method,
path and body, so a prompt template that changes without re-recording fails the test.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
import vcr

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CASSETTES = ROOT / "cassettes"

#: set by scripts/record_cassettes.py; never in CI
RECORDING = os.environ.get("EXTRACTOR_RECORD") == "1"
#: the base URL tests use on replay: only method, path and body are matched
REPLAY_BASE_URL = "http://127.0.0.1:8765/v1"


def recorded_model() -> str:
    """The model name the cassettes were recorded with (written by the record script)."""
    path = CASSETTES / "recorded_model.txt"
    return path.read_text(encoding="utf-8").strip() if path.is_file() else "gemma-3-270m"


def recording_api_key() -> str:
    """The key of the recording endpoint; on replay a placeholder (headers are filtered)."""
    return os.environ.get("EXTRACTOR_RECORD_API_KEY", "no-key") if RECORDING else "no-key"


#: request headers that must never reach a cassette, and ones that change every run
SECRET_HEADERS = ["authorization", "api-key", "x-api-key", "openai-organization", "cookie"]
VOLATILE_HEADERS = [
    "user-agent",
    "x-stainless-os",
    "x-stainless-arch",
    "x-stainless-runtime-version",
    "x-stainless-package-version",
    "x-stainless-runtime",
    "x-stainless-lang",
    "x-stainless-async",
    "x-stainless-retry-count",
    "x-stainless-read-timeout",
]


def endpoint(kind: str = "server") -> str:
    """The base URL a cassette test talks to: the live recording endpoint, or a dummy."""
    if RECORDING:
        return os.environ[f"EXTRACTOR_RECORD_{kind.upper()}_URL"]
    return REPLAY_BASE_URL


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in {"date", "set-cookie", "server"}:
            del headers[name]
    return response


def make_vcr() -> vcr.VCR:
    return vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode="all" if RECORDING else "none",
        match_on=["method", "path", "body"],
        filter_headers=SECRET_HEADERS + VOLATILE_HEADERS,
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )


@pytest.fixture
def cassette() -> Callable[[str], AbstractContextManager[Any]]:
    """``with cassette("name"):`` replays ``cassettes/name.yaml`` (records it when recording)."""

    def use(name: str) -> AbstractContextManager[Any]:
        path = CASSETTES / f"{name}.yaml"
        if RECORDING:
            # vcrpy's "all" mode keeps a cassette's old interactions: start it afresh
            path.unlink(missing_ok=True)
        elif not path.is_file():
            pytest.fail(f"cassette {name}.yaml is missing: run scripts/record_cassettes.py")
        return make_vcr().use_cassette(path.name)

    return use


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No EXTRACTOR_* variable of the developer's shell leaks into a test."""
    for name in list(os.environ):
        if name.startswith("EXTRACTOR_") and not name.startswith("EXTRACTOR_RECORD"):
            monkeypatch.delenv(name)


_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: Any) -> Any:
    host = address[0] if isinstance(address, tuple) else None
    if host is not None:
        try:
            allowed = ipaddress.ip_address(host).is_loopback
        except ValueError:
            allowed = host == "localhost"
        if not allowed:
            raise OSError(f"tests never use the network (blocked connect to {host})")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Only loopback connections: local test servers are fine, anything else fails."""
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)
    yield
