"""The API key never leaves the Authorization header.

A sentinel key is set, the server is shown to receive it, and then every output is searched
for it: logs, exception messages (a 401 whose body echoes the key, a refused connection),
``ArticleResult`` and run summary JSON, the CLI's stdout and stderr, a recorded cassette,
the store file and the HTML report.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from extractor import Article, RunSummary, Settings, TransportError, extract, extract_article
from extractor.cli import main
from extractor.llm.base import CompletionRequest
from extractor.llm.openai_backend import OpenAICompletionBackend
from extractor.testing import FakeCompletionServer, serving

from .conftest import make_vcr

SENTINEL = "sk-SENTINEL-7f3a9c1e5b2d"
ARTICLE = Article.from_text(
    "The council approved 12 new schools for Northfield on Monday. "
    "The mayor said the budget grew by 5 percent.",
    source="Gazette",
)


def keyed(url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "backend": "openai",
        "strategy": "sentence",
        "base_url": url,
        "model": "fake-model",
        "api_key": SENTINEL,
        "request_timeout": 2.0,
        "retry_max_wait": 0.01,
        "max_retries": 1,
    }
    values.update(overrides)
    return Settings(**values)


def assert_received_key(server: FakeCompletionServer) -> None:
    """The key really was used: searching the outputs for it means something."""
    assert server.log
    assert {exchange.authorization for exchange in server.log} == {f"Bearer {SENTINEL}"}


def assert_clean(*texts: str) -> None:
    for text in texts:
        assert SENTINEL not in text
        assert SENTINEL[3:] not in text  # nor the key without its prefix


@pytest.fixture(autouse=True)
def _debug_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, the SDK's and httpx's included


def test_settings_mask_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_API_KEY", SENTINEL)
    settings = Settings(extra_headers={"X-Api-Key": SENTINEL, "X-Trace": "visible"})
    assert settings.api_key is not None and settings.api_key.get_secret_value() == SENTINEL
    public = settings.public_dict()
    assert public["api_key"] == "***"
    assert public["extra_headers"] == {"X-Api-Key": "***", "X-Trace": "visible"}
    assert_clean(repr(settings), str(settings), json.dumps(public))
    assert_clean(Settings(api_key=SENTINEL).model_dump_json())


@pytest.mark.parametrize("strategy", ["sentence", "article"])
def test_no_output_of_a_faulty_run_holds_the_key(
    strategy: str, caplog: pytest.LogCaptureFixture
) -> None:
    server = FakeCompletionServer(schedule=["500", "truncated", "429-retry-after"], fault_rate=0.0)
    with serving(server) as url:
        results = list(extract([ARTICLE], keyed(url, strategy=strategy, max_retries=3)))
    assert_received_key(server)
    assert [r.status for r in results] == ["ok"]
    summary = RunSummary()
    summary.add(results[0])
    assert summary.usage.retries >= 1
    assert_clean(results[0].model_dump_json(), summary.model_dump_json(), caplog.text)


@pytest.mark.parametrize("strategy", ["sentence", "article"])
def test_a_401_that_echoes_the_key_is_reported_without_it(
    strategy: str, caplog: pytest.LogCaptureFixture
) -> None:
    server = FakeCompletionServer(status=401)
    with serving(server) as url:
        result = extract_article(ARTICLE, keyed(url, strategy=strategy))
        with OpenAICompletionBackend(keyed(url)) as backend:
            with pytest.raises(TransportError) as caught:
                backend.complete(CompletionRequest("x", max_tokens=4))
    assert_received_key(server)
    [error] = result.errors
    assert "HTTP 401" in error.message and "Incorrect API key provided: Bearer ***" in error.message
    assert_clean(result.model_dump_json(), str(caught.value), repr(caught.value), caplog.text)


def test_a_refused_connection_is_reported_without_the_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with serving(FakeCompletionServer()) as url:
        pass  # nothing listens there any more
    result = extract_article(ARTICLE, keyed(url))
    [error] = result.errors
    assert "APIConnectionError" in error.message
    assert_clean(result.model_dump_json(), caplog.text)


def test_cli_output_never_holds_the_key(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE.text, encoding="utf-8")
    monkeypatch.setenv("EXTRACTOR_API_KEY", SENTINEL)
    monkeypatch.setenv("EXTRACTOR_RETRY_MAX_WAIT", "0.01")
    results = tmp_path / "results.jsonl"
    ok, refused = FakeCompletionServer(schedule=["503"]), FakeCompletionServer(status=401)
    codes = []
    for server in (ok, refused):
        with serving(server) as url:
            codes.append(
                main(["extract", str(article), "--results", str(results), "--backend", "openai",
                      "--strategy", "sentence", "--base-url", url, "--model", "m"])
            )  # fmt: skip
        assert_received_key(server)
    out, err = capsys.readouterr()
    assert codes == [0, 1]
    assert "HTTP 401" in err and json.loads(out.splitlines()[0])["quote"]
    # a bad setting's error message does not carry the key either
    assert main(["extract", str(article), "--max-candidates", "0"]) == 2
    bad_out, bad_err = capsys.readouterr()
    assert "max_candidates" in bad_err
    assert_clean(out, err, bad_out, bad_err, results.read_text(encoding="utf-8"), caplog.text)


def test_a_recorded_cassette_never_holds_the_key(tmp_path: Path) -> None:
    recorder = make_vcr()
    recorder.cassette_library_dir = str(tmp_path)
    recorder.record_mode = "all"
    server = FakeCompletionServer()
    with serving(server) as url, recorder.use_cassette("recorded.yaml"):
        result = extract_article(ARTICLE, keyed(url, max_candidates=1))
    assert result.ok
    assert_received_key(server)
    recorded = (tmp_path / "recorded.yaml").read_text(encoding="utf-8")
    assert "Sentence: " in recorded  # the exchange really was recorded
    assert "authorization" not in recorded.lower()
    assert_clean(recorded)


def test_store_outputs_and_report_never_hold_the_key(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    article = tmp_path / "in" / "a.txt"
    article.parent.mkdir()
    article.write_text(ARTICLE.text, encoding="utf-8")
    store, out_dir = tmp_path / "state" / "store.sqlite", tmp_path / "out"
    monkeypatch.setenv("EXTRACTOR_API_KEY", SENTINEL)
    monkeypatch.setenv("EXTRACTOR_JUDGE", "false")
    server = FakeCompletionServer(schedule=["500"])
    with serving(server) as url:
        code = main(["run", str(article.parent), "--store", str(store), "--output-dir",
                     str(out_dir), "--embedder", "lexical", "--backend", "openai",
                     "--strategy", "sentence", "--base-url", url, "--model", "m"])  # fmt: skip
    assert code == 0
    assert_received_key(server)
    written = sorted(p for p in [*store.parent.iterdir(), *out_dir.iterdir()] if p.is_file())
    assert {p.name for p in written} >= {"store.sqlite", "claims.jsonl", "report.html"}
    assert "Northfield" in (out_dir / "report.html").read_text(encoding="utf-8")
    for path in written:  # the store (and its WAL), the lock, claims, comparison, report
        data = path.read_bytes()
        assert SENTINEL.encode() not in data, path
        assert SENTINEL.encode("utf-16-le") not in data, path
    out, err = capsys.readouterr()
    assert_clean(out, err, caplog.text)
