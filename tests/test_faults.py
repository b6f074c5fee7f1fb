"""Reliability under provider faults, against :class:`extractor.testing.FakeCompletionServer`.

Every fault (429 with and without Retry-After, 5xx, timeouts, dropped connections,
truncated JSON, schema-violating JSON, empty choices) is retried within the bound and
counted; past the bound the article fails with a clear error and the batch goes on. A
50-article run with about 30% faulty calls loses and duplicates no claim, and its usage
totals match the server's own log.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from extractor import Article, ArticleResult, RunSummary, Settings, TransportError, extract
from extractor.cli import main
from extractor.extraction.pipeline import extract_article
from extractor.llm.base import CompletionRequest
from extractor.llm.openai_backend import OpenAICompletionBackend
from extractor.llm.transport import (
    MalformedResponse,
    Meter,
    call_with_retries,
    check_text_completion,
    make_openai_client,
    retry_after,
)
from extractor.runs import scheduled as run
from extractor.runs.jobs import Job
from extractor.runs.store import Store
from extractor.testing import FAULTS, FakeCompletionServer, serving

TIMEOUT = 0.5
SLOW = 0.8  # a "slow" answer comes this long after the request: past TIMEOUT
ARTICLES = 50


def settings_for(url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "backend": "openai",
        "strategy": "sentence",
        "base_url": url,
        "model": "fake-model",
        "request_timeout": TIMEOUT,
        "retry_max_wait": 0.02,
        "max_retries": 2,
        "max_reasks": 0,
    }
    values.update(overrides)
    return Settings(**values)


SHORT = Article.from_text(
    "The council approved 12 new schools for Northfield on Monday. "
    "The mayor said the budget grew by 5 percent.",
    source="Gazette",
)


# -- one fault at a time --------------------------------------------------------------------


@pytest.mark.parametrize("strategy", ["sentence", "article"])
@pytest.mark.parametrize("fault", FAULTS)
def test_each_fault_is_retried_then_answered(fault: str, strategy: str) -> None:
    server = FakeCompletionServer(schedule=[fault], slow_seconds=SLOW)
    with serving(server) as url:
        result = extract_article(SHORT, settings_for(url, strategy=strategy, max_candidates=1))
    assert result.ok, result.errors
    assert result.claims
    assert all(SHORT.text[c.start or 0 : c.end] == c.quote for c in result.claims)
    assert [(e.fault, e.status) for e in server.log][:2] == [
        (fault, None if fault == "drop" else int(fault[:3]) if fault[0].isdigit() else 200),
        (None, 200),
    ]
    assert (result.usage.requests, result.usage.retries) == (len(server.log), 1)
    assert result.usage.reasks == 0  # a transport fault is not the model's fault


@pytest.mark.parametrize("strategy", ["sentence", "article"])
@pytest.mark.parametrize(
    "fault", ["429", "503", "drop", "truncated", "bad-schema", "empty-choices"]
)
def test_faults_past_the_retry_bound_fail_the_article_clearly(fault: str, strategy: str) -> None:
    server = FakeCompletionServer(schedule=[fault] * 10)
    with serving(server) as url:
        result = extract_article(SHORT, settings_for(url, strategy=strategy, max_retries=2))
    assert result.status == "failed" and not result.claims
    [error] = result.errors
    assert error.kind == "transport"
    assert error.message.startswith(f"{url} failed after 3 attempts: ")
    expected = {
        "429": "HTTP 429",
        "503": "HTTP 503",
        "drop": "APIConnectionError",
        "truncated": "not valid JSON",
        "bad-schema": "a choice without",
        "empty-choices": "no choices",
    }[fault]
    assert expected in error.message
    # bounded: three attempts, two retries, all of them counted although the article failed
    assert len(server.log) == 3
    assert (result.usage.requests, result.usage.retries) == (3, 2)


def test_a_chat_answer_cut_off_at_max_tokens_is_a_rejection_not_a_crash() -> None:
    cut = '{"claims": [{"quote": "The council approved 12 new'
    server = FakeCompletionServer(chat=lambda prompt: cut, finish_reason="length")
    with serving(server) as url:
        result = extract_article(SHORT, settings_for(url, strategy="article"))
    assert result.ok and not result.claims
    [rejection] = result.rejected
    assert rejection.reason.startswith("the answer was cut off at article_max_output_tokens")
    assert "EXTRACTOR_ARTICLE_MAX_OUTPUT_TOKENS" in rejection.reason
    assert result.usage.requests == len(server.log) == 1


def test_a_refused_request_is_not_retried() -> None:
    server = FakeCompletionServer(status=400)
    with serving(server) as url:
        with OpenAICompletionBackend(settings_for(url)) as backend:
            with pytest.raises(TransportError, match="refused the request: HTTP 400") as caught:
                backend.complete(CompletionRequest(prompt="Sentence: x\nSpeaker:", max_tokens=8))
    assert len(server.log) == 1
    assert (caught.value.requests, caught.value.retries) == (1, 0)


def test_retry_after_is_honoured_and_capped() -> None:
    server = FakeCompletionServer(schedule=["429-retry-after", "429-retry-after", "429", None])
    waits: list[float] = []
    with serving(server) as url:
        settings = settings_for(url, retry_max_wait=0.5, max_retries=3)
        meter = Meter()
        with make_openai_client(settings) as client:
            response = call_with_retries(
                lambda: client.completions.create(model="m", prompt="Sentence: x\nSpeaker:"),
                settings,
                meter,
                check=check_text_completion,
                sleep=waits.append,
            )
    assert response.choices[0].text == " author\nClaim: x"
    assert (meter.requests, meter.retries) == (4, 3)
    assert waits[:2] == [0.5, 0.5]  # Retry-After: 1, capped by retry_max_wait
    assert 0 < waits[2] <= 0.5  # no Retry-After: backoff with jitter, capped too


@pytest.mark.parametrize("asked", ["86400", "inf", "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_a_huge_retry_after_never_stalls_the_run(asked: str) -> None:
    server = FakeCompletionServer(schedule=["429-retry-after"], retry_after=asked)
    started = time.perf_counter()
    with serving(server) as url:
        [result] = extract([SHORT], settings_for(url, max_candidates=1, retry_max_wait=0.2))
    assert result.ok and (result.usage.requests, result.usage.retries) == (2, 1)
    assert time.perf_counter() - started < 10  # capped by retry_max_wait, for every thread


def _asked_with(headers: dict[str, str]) -> SimpleNamespace:
    return SimpleNamespace(response=SimpleNamespace(headers=headers))


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "2"}, 2.0),
        ({"retry-after": "-3"}, 0.0),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "soon", "retry-after": "1.5"}, 1.5),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, 0.0),  # a date in the past
        ({"retry-after": "soon"}, None),  # unparseable: back off as usual, do not crash
        ({"retry-after": ""}, None),
        ({}, None),
    ],
)
def test_retry_after_header_forms(headers: dict[str, str], expected: float | None) -> None:
    assert retry_after(_asked_with(headers)) == expected


def test_malformed_answers_and_odd_usage_are_caught() -> None:
    for bad in [None, "text", SimpleNamespace(choices=[]), SimpleNamespace(choices=[{}])]:
        with pytest.raises(MalformedResponse):
            check_text_completion(bad)
    meter = Meter()
    meter.add_usage(SimpleNamespace(prompt_tokens="12", completion_tokens=-4))
    meter.add_usage(SimpleNamespace(prompt_tokens=3, completion_tokens=None))
    assert (meter.prompt_tokens, meter.completion_tokens) == (3, 0)


def test_connection_refused_fails_the_article_and_the_batch_goes_on() -> None:
    with serving(FakeCompletionServer()) as url:
        pass  # the server is gone: nothing listens on its port any more
    settings = settings_for(url, max_retries=1)
    results = list(extract([SHORT, SHORT.model_copy(update={"id": "second"})], settings))
    assert [r.status for r in results] == ["failed", "failed"]
    assert all(
        "failed after 2 attempts: APIConnectionError" in r.errors[0].message for r in results
    )
    assert all(r.usage.requests == 2 and r.usage.retries == 1 for r in results)


# -- a batch under ~30% faults ----------------------------------------------------------------


def article_lines() -> list[str]:
    """Small articles whose two candidate sentences are unique (numbers differ)."""
    lines = []
    for i in range(ARTICLES):
        text = (
            f"Officials in Northfield said {120 + i} families were moved to shelters on Monday. "
            f"The council later approved {i + 2} million dollars for repairs, according to "
            "the mayor. Residents gathered outside."
        )
        lines.append(json.dumps({"text": text, "source": f"Outlet {i % 5}"}))
    return lines


@pytest.fixture(scope="module")
def feed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("feed") / "feed.jsonl"
    path.write_text("\n".join(article_lines()) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def baseline(feed: Path) -> list[ArticleResult]:
    """The same feed through a server without faults."""
    server = FakeCompletionServer()
    with serving(server) as url:
        results = list(extract([feed], settings_for(url, max_retries=0)))
    assert all(r.ok for r in results) and len(results) == ARTICLES
    assert all(len(r.claims) == 2 for r in results)
    assert len(server.log) == 2 * ARTICLES
    return results


def claim_json(result: ArticleResult) -> list[str]:
    return [claim.model_dump_json() for claim in result.claims]


def run_faulty(
    feed: Path, max_retries: int, seed: int
) -> tuple[list[ArticleResult], FakeCompletionServer]:
    server = FakeCompletionServer(fault_rate=0.3, seed=seed, slow_seconds=SLOW)
    with serving(server) as url:  # about retries: the circuit breaker is tested below
        settings = settings_for(
            url, max_retries=max_retries, max_consecutive_transport_failures=None
        )
        results = list(extract([feed], settings))
    return results, server


def summarise(results: list[ArticleResult]) -> RunSummary:
    summary = RunSummary()
    for result in results:
        summary.add(result)
    return summary


def calls(server: FakeCompletionServer) -> Iterator[tuple[str, list[str | None]]]:
    """Each sentence asked, with the faults of its attempts in order (one call each)."""
    by_sentence: dict[str, list[str | None]] = {}
    for exchange in server.log:
        by_sentence.setdefault(exchange.asked, []).append(exchange.fault)
    yield from by_sentence.items()


def test_batch_with_generous_retries_completes_every_article(
    feed: Path, baseline: list[ArticleResult]
) -> None:
    results, server = run_faulty(feed, max_retries=6, seed=7)
    faults = server.counts()
    assert set(faults) == set(FAULTS)  # every kind of fault was met
    assert 0.2 < len(server.faulty()) / len(server.log) < 0.4
    assert all(result.ok for result in results), [r.errors for r in results if not r.ok]
    # nothing lost, nothing duplicated, nothing changed
    assert [claim_json(r) for r in results] == [claim_json(r) for r in baseline]
    summary = summarise(results)
    assert summary.usage.requests == len(server.log)
    assert summary.usage.retries == len(server.faulty())
    assert summary.usage.reasks == 0


def test_batch_with_tight_retries_reports_exactly_the_articles_that_failed(
    feed: Path, baseline: list[ArticleResult]
) -> None:
    max_retries = 2
    results, server = run_faulty(feed, max_retries=max_retries, seed=3)
    attempts = max_retries + 1
    given_up = set()
    for sentence, faults in calls(server):
        assert len(faults) <= attempts  # retries are bounded
        assert all(faults[:-1]), (sentence, faults)  # a call ends at its first good answer
        if faults[-1] is not None:
            assert len(faults) == attempts
            given_up.add(sentence)
    assert given_up, "this seed is meant to exhaust some retries"

    expected_failed = set()
    for number, (result, good) in enumerate(zip(results, baseline, strict=True), start=1):
        quotes = [claim.quote for claim in good.claims]
        if given_up & set(quotes):
            expected_failed.add(number)
            # the article stops at the call that gave up; later sentences are not asked
            asked_after = quotes[[q in given_up for q in quotes].index(True) + 1 :]
            assert not set(asked_after) & {e.asked for e in server.log}
        else:
            assert result.ok and claim_json(result) == claim_json(good)
    failed = {n for n, r in enumerate(results, start=1) if not r.ok}
    assert failed == expected_failed
    for number in failed:
        result = results[number - 1]
        assert result.status == "failed" and not result.claims
        [error] = result.errors
        assert (error.kind, error.origin) == ("transport", f"{feed}:{number}")
        assert f"failed after {attempts} attempts" in error.message

    summary = summarise(results)
    assert (summary.articles, summary.failed, summary.ok) == (50, len(failed), 50 - len(failed))
    assert summary.usage.requests == len(server.log)
    assert summary.usage.retries == len(server.faulty()) - len(given_up)
    assert summary.claims == sum(len(r.claims) for r in baseline) - 2 * len(failed)


def test_store_holds_each_claim_once_after_a_faulty_run_and_a_rerun(
    feed: Path, baseline: list[ArticleResult], tmp_path: Path
) -> None:
    store_path = tmp_path / "store.sqlite"
    server = FakeCompletionServer(fault_rate=0.3, seed=3, slow_seconds=SLOW)
    with serving(server) as url:
        job = Job(
            inputs=[feed],
            store=store_path,
            settings=settings_for(
                url, max_retries=2, judge=False, max_consecutive_transport_failures=None
            ),
            embedder="lexical",
        )
        first = run.run_job(job)
        second = run.run_job(job)  # picks up the failed articles
    assert first.summary.failed > 0 and first.status == "partial"
    assert second.status == "ok"
    assert second.already_done == ARTICLES - first.summary.failed
    assert first.summary.usage.requests + second.summary.usage.requests == len(server.log)
    with Store(store_path, readonly=True) as store:
        stored = store.claims()
    ids = [claim.id for claim in stored]
    assert len(ids) == len(set(ids))
    expected = {claim.id: claim for result in baseline for claim in result.claims}
    assert {claim.id: claim for claim in stored} == expected


# -- the circuit breaker ---------------------------------------------------------------------


def _copies(count: int) -> list[Article]:
    return [
        SHORT.model_copy(update={"id": f"a{n:02d}", "origin": f"a{n:02d}"}) for n in range(count)
    ]


def test_consecutive_transport_failures_stop_the_batch() -> None:
    down, answered = ["503", "503"], [None, None]  # one article's first call, or all of it
    schedule = down * 2 + answered + down * 2 + answered  # two failures in a row, twice
    server = FakeCompletionServer(schedule=schedule, fault_rate=1.0, faults=["503"])  # then: down
    with serving(server) as url:
        results = list(extract(_copies(11), settings_for(url, max_retries=1, concurrency=1)))
    statuses = [r.status for r in results]
    assert statuses == ["failed", "failed", "ok"] * 2 + ["failed"] * 3 + ["skipped"] * 2
    assert len(server.log) == 12 + 3 * 2, "skipped articles asked nothing"
    for skipped in results[-2:]:
        [error] = skipped.errors
        assert error.kind == "transport"
        assert "3 articles in a row could not reach the model" in error.message
        assert "HTTP 503" in error.message
        assert skipped.usage.requests == 0


def test_the_breaker_bounds_the_requests_of_concurrent_articles() -> None:
    server = FakeCompletionServer(fault_rate=1.0, faults=["503"])
    with serving(server) as url:
        settings = settings_for(url, max_retries=1, concurrency=4)
        results = list(extract(_copies(30), settings))
    skipped = sum(r.status == "skipped" for r in results)
    failed = sum(r.status == "failed" for r in results)
    assert failed + skipped == 30
    assert 3 <= failed <= 3 + 4 - 1, "articles in flight when it trips still finish"
    assert len(server.log) == 2 * failed


def test_a_run_against_a_dead_server_stops_early_and_retries_next_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(article_lines()[:6]) + "\n")
    store = tmp_path / "store.sqlite"
    argv = ["run", str(feed), "--store", str(store), "--embedder", "lexical",
            "--backend", "openai", "--strategy", "sentence", "--model", "fake-model",
            "--concurrency", "1"]  # fmt: skip
    with serving(FakeCompletionServer(fault_rate=1.0, faults=["503"])) as url:
        assert main([*argv, "--base-url", url]) == 1
    result = json.loads(capsys.readouterr().out)
    assert (result["summary"]["failed"], result["summary"]["skipped"]) == (3, 3)
    assert result["summary"]["usage"]["requests"] == 3 * 5  # max_retries 4: five attempts each
    with Store(store, readonly=True) as opened:
        kinds = [e.error.kind for e in opened.errors(result["run_id"])]
        assert kinds == ["transport"] * 6
        assert opened.done() == {}
    server = FakeCompletionServer()
    with serving(server) as url:
        assert main([*argv, "--base-url", url]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["summary"]["ok"] == 6 and again["already_done"] == 0
