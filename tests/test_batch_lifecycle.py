"""The pipeline's seams and its lifecycle: a passed back end is the one asked, whatever
the strategy; a closed batch, or one whose consumer failed, asks the model nothing more."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from extractor import Article, Settings, extract
from extractor.errors import ConfigError, StoreError
from extractor.extraction.pipeline import extract_article, make_strategy
from extractor.llm.base import Completion, CompletionRequest
from extractor.llm.openai_backend import OpenAICompletionBackend
from extractor.runs.jobs import Job
from extractor.runs.scheduled import run_job
from extractor.runs.store import Store
from extractor.testing import FakeCompletionServer, serving

TEXT = (
    "The council approved 12 new schools for Northfield on Monday. "
    "The mayor said the budget grew by 5 percent."
)


def _settings(url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "backend": "openai", "base_url": url, "model": "fake-model", "max_retries": 0,
        "max_reasks": 0, "request_timeout": 5.0, **overrides,
    }  # fmt: skip
    return Settings(**values)


def test_the_article_strategy_asks_the_back_end_it_is_given() -> None:
    configured, given = FakeCompletionServer(), FakeCompletionServer()
    with serving(configured) as configured_url, serving(given) as given_url:
        settings = _settings(configured_url, strategy="article")
        backend = OpenAICompletionBackend(_settings(given_url, model="given-model"))
        result = extract_article(
            Article.from_text(TEXT, source="Gazette"), settings, backend=backend
        )
    assert result.ok, result.errors
    assert configured.log == [], "the settings' server was asked instead of the back end"
    assert [e.path for e in given.log] == ["/v1/chat/completions"]
    assert {c.model for c in result.claims} == {"given-model"}


class _TextOnly:
    """A completion back end with no chat endpoint (like the embedded model)."""

    name = "text-only"
    model = "text-only"

    def complete(self, request: CompletionRequest) -> Completion:
        raise AssertionError("not asked")


def test_a_back_end_the_article_strategy_cannot_use_is_a_config_error() -> None:
    configured = FakeCompletionServer()
    with serving(configured) as url:
        with pytest.raises(ConfigError, match="'text-only' back end passed only completes text"):
            make_strategy(_settings(url, strategy="article"), _TextOnly())
        # through extract: the first article's strategy fails the batch, nothing is asked
        with pytest.raises(ConfigError):
            list(
                extract([Article.from_text(TEXT, source="G")], _settings(url), backend=_TextOnly())
            )
    assert configured.log == []


def _articles(count: int, sentences: int = 8) -> list[Article]:
    return [
        Article.from_text(
            " ".join(
                f"Officials in Northfield said {100 * n + s} families were moved on Monday."
                for s in range(sentences)
            ),
            source=f"Outlet {n}",
        )
        for n in range(count)
    ]


def _asked_after(server: FakeCompletionServer, seconds: float) -> tuple[int, int]:
    before = len(server.log)
    time.sleep(seconds)
    return before, len(server.log)


def test_closing_a_batch_stops_the_articles_in_flight() -> None:
    server = FakeCompletionServer(latency=0.1)
    with serving(server) as url:
        results = extract(_articles(6), _settings(url, strategy="sentence", concurrency=2))
        first = next(results)
        assert first.ok, first.errors
        results.close()
        before, after = _asked_after(server, 1.0)
    assert after <= before + 2, "threads went on asking the model after the batch closed"


def test_a_failed_consumer_stops_the_runs_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = tmp_path / "feed.jsonl"
    lines = [json.dumps({"text": a.text, "source": a.source}) for a in _articles(6)]
    feed.write_text("\n".join(lines) + "\n")
    saved = Store.save_result

    def fail_on_second(store: Store, result: object, *args: object) -> None:
        if store.done():
            raise StoreError("disk on fire")
        saved(store, result, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "save_result", fail_on_second)
    server = FakeCompletionServer(latency=0.1)
    before_run = set(threading.enumerate())
    with serving(server) as url:
        job = Job(
            inputs=[feed],
            store=tmp_path / "store.sqlite",
            settings=_settings(url, strategy="sentence", concurrency=2, judge=False),
            embedder="lexical",
        )
        with pytest.raises(StoreError, match="disk on fire") as raised:
            run_job(job)
        before, after = _asked_after(server, 1.0)
        assert raised.traceback  # the traceback (and its frames) is still alive here
    assert after <= before + 2, "threads went on asking the model against a closed store"
    workers = [t for t in set(threading.enumerate()) - before_run if t.name.startswith("extractor")]
    assert not [t for t in workers if t.is_alive()], "the run's worker threads are still there"
