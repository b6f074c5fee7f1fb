"""Concurrent batches: input order kept, same results as one at a time, limits and progress."""

from __future__ import annotations

import io
import json
import random
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from extractor import ArticleResult, Settings, extract, read_articles
from extractor.cli import main
from extractor.extraction.concurrency import map_ordered, read_ahead
from extractor.io.progress import count_articles, with_progress
from extractor.llm.ratelimit import RateLimiter
from extractor.testing import FakeCompletionServer

from .conftest import SAMPLES

SENTENCES = (
    "The Pentagon said {n},000 soldiers had arrived in Russia for training on Monday.",
    "Officials in Seoul said {m},500 troops would be sent to Kursk by December.",
)


def write_corpus(directory: Path, count: int) -> Path:
    """``count`` short articles, two candidate sentences each (so two requests each)."""
    directory.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        text = " ".join(s.format(n=i + 2, m=i + 3) for s in SENTENCES)
        (directory / f"{i:03}.txt").write_text(f"---\nsource: Wire {i}\n---\n{text}\n")
    return directory


def comparable(results: list[ArticleResult]) -> list[dict[str, Any]]:
    return [result.model_dump(mode="json", exclude={"timings"}) for result in results]


def fake_settings(base_url: str, **overrides: Any) -> Settings:
    return Settings(base_url=base_url, model="fake", strategy="sentence", **overrides)


# -- the building blocks ----------------------------------------------------------------------


def test_map_ordered_yields_in_input_order_whatever_finishes_first() -> None:
    pause = random.Random(7)
    delays = [pause.uniform(0, 0.02) for _ in range(40)]

    def slow_square(i: int) -> int:
        time.sleep(delays[i])
        return i * i

    assert list(map_ordered(slow_square, range(40), workers=8)) == [i * i for i in range(40)]


def test_map_ordered_raises_an_error_in_its_place() -> None:
    def fail_on_three(i: int) -> int:
        if i == 3:
            raise ValueError("three")
        return i

    got: list[int] = []
    with pytest.raises(ValueError, match="three"):
        for value in map_ordered(fail_on_three, range(10), workers=4):
            got.append(value)
    assert got == [0, 1, 2]


def test_map_ordered_takes_only_a_window_of_items_ahead() -> None:
    taken: list[int] = []
    release = threading.Event()

    def items() -> Iterator[int]:
        for i in range(100):
            taken.append(i)
            yield i

    def first_waits(i: int) -> int:
        if i == 0:
            release.wait(5)
        return i

    results = map_ordered(first_waits, items(), workers=2, window=6)
    timer = threading.Timer(0.2, release.set)
    timer.start()
    assert next(results) == 0
    assert len(taken) <= 7, "no more than the window is read while the first one runs"
    assert list(results) == list(range(1, 100))
    timer.join()


def test_read_ahead_keeps_order_raises_in_place_and_stops_when_closed() -> None:
    assert list(read_ahead(range(50), depth=3)) == list(range(50))

    def broken() -> Iterator[int]:
        yield 1
        raise OSError("disk gone")

    got = []
    with pytest.raises(OSError, match="disk gone"):
        for item in read_ahead(broken()):
            got.append(item)
    assert got == [1]

    produced: list[int] = []

    def endless() -> Iterator[int]:
        i = 0
        while True:
            produced.append(i)
            yield i
            i += 1

    reader = read_ahead(endless(), depth=2)
    assert next(reader) == 0
    reader.close()
    time.sleep(0.1)
    stopped_at = len(produced)
    time.sleep(0.1)
    assert len(produced) == stopped_at <= 6, "the reader stops once closed"


# -- the pipeline -----------------------------------------------------------------------------


def test_concurrent_extraction_equals_sequential_in_input_order(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", 12)
    inputs = [corpus, SAMPLES / "002_2733dd465fd278a3.txt", tmp_path / "missing.txt"]
    # requests slow enough that four articles' requests overlap while others are parsed
    one, four = FakeCompletionServer(latency=0.2), FakeCompletionServer(latency=0.2)
    with one.running() as url:
        sequential = list(extract(inputs, fake_settings(url, concurrency=1)))
    with four.running() as url:
        concurrent = list(extract(inputs, fake_settings(url, concurrency=4)))
    assert comparable(concurrent) == comparable(sequential)
    expected = [item.origin for item in read_articles(inputs, Settings())]
    assert [r.origin for r in concurrent] == expected
    assert [r.status for r in concurrent] == ["ok"] * 13 + ["failed"]
    assert all(r.claims for r in concurrent[:13])
    assert (one.max_in_flight, four.max_in_flight) == (1, 4)
    assert one.requests == four.requests == sum(r.usage.requests for r in concurrent)


def test_the_local_model_always_runs_one_request_at_a_time() -> None:
    assert Settings(backend="local", concurrency=16).workers == 1
    assert Settings(base_url="http://127.0.0.1:1/v1", concurrency=16).workers == 16
    assert Settings(base_url="http://127.0.0.1:1/v1").workers == 4


class RecordingLimiter:
    """A real limiter that remembers what the transport told it."""

    def __init__(self) -> None:
        self.inner = RateLimiter(None, None)
        self.acquired: list[int] = []
        self.settled: list[int] = []
        self.headers: list[dict[str, str]] = []
        self.lock = threading.Lock()

    def acquire(self, tokens: int) -> int:
        with self.lock:
            self.acquired.append(tokens)
        return self.inner.acquire(tokens)

    def settle(self, ticket: int, tokens: int) -> None:
        with self.lock:
            self.settled.append(tokens)

    def observe(self, status: int, headers: Mapping[str, str]) -> None:
        with self.lock:
            self.headers.append({k: v for k, v in headers.items() if k.startswith("x-ratelimit")})
        self.inner.observe(status, headers)


def test_every_request_takes_its_budget_and_settles_it_with_the_real_usage(
    tmp_path: Path,
) -> None:
    corpus = write_corpus(tmp_path / "corpus", 6)
    headers = {"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "5ms"}
    server = FakeCompletionServer(headers=headers)
    limiter = RecordingLimiter()
    with server.running() as url:
        results = list(extract([corpus], fake_settings(url, concurrency=3), limiter=limiter))
    assert len(limiter.acquired) == len(limiter.settled) == server.requests == 12
    assert all(tokens > 96 for tokens in limiter.acquired), "prompt estimate + max_tokens"
    assert sum(limiter.settled) == sum(r.usage.total_tokens for r in results)
    assert limiter.headers and all(h == headers for h in limiter.headers)


def test_a_token_budget_stops_new_articles_even_when_concurrent(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", 8)
    with FakeCompletionServer(latency=0.02).running() as url:
        settings = fake_settings(url, concurrency=2, max_tokens_per_run=1)
        statuses = [r.status for r in extract([corpus], settings)]
    ok = statuses.count("ok")
    assert 1 <= ok <= 2, "only the articles already running when it ran out finish"
    assert statuses == ["ok"] * ok + ["skipped"] * (8 - ok)


# -- progress and the summary -----------------------------------------------------------------


def test_count_articles_matches_what_reading_yields(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in" / "nested", 3)
    (tmp_path / "in" / "feed.jsonl").write_text(
        '{"text": "One.", "source": "a"}\n\n{"text": "Two.", "source": "b"}\nnot json\n'
    )
    (tmp_path / "in" / ".hidden.txt").write_text("skipped")
    (tmp_path / "in" / "notes.md").write_text("skipped")
    inputs = [tmp_path / "in", SAMPLES / "000_b9713d3b85cabdd0.txt", tmp_path / "missing.txt"]
    assert count_articles(inputs) == len(list(read_articles(inputs, Settings()))) == 1 + 3 + 3 + 1


def test_the_progress_bar_shows_done_of_total_claims_tokens_and_rate() -> None:
    from rich.console import Console

    with FakeCompletionServer().running() as url:
        results = list(extract([SAMPLES], fake_settings(url)))
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=200)
    passed = list(with_progress(iter(results), total=5, console=console))
    assert passed == results
    shown = out.getvalue()
    claims = sum(len(r.claims) for r in results)
    tokens = sum(r.usage.total_tokens for r in results)
    assert "5/5" in shown
    assert f"{claims:,} claims" in shown and f"{tokens:,} tokens" in shown
    assert "articles/s" in shown and "ETA" in shown


def test_the_cli_runs_concurrently_and_reports_the_rate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = write_corpus(tmp_path / "corpus", 5)
    out = tmp_path / "claims.jsonl"
    # slow enough that three articles' requests overlap while others are being parsed
    server = FakeCompletionServer(latency=0.3)
    with server.running() as url:
        code = main(
            ["extract", str(corpus), "-o", str(out), "--base-url", url, "--model", "fake",
             "--strategy", "sentence", "--concurrency", "3"]
        )  # fmt: skip
        in_flight = server.max_in_flight
        expected = list(extract([corpus], fake_settings(url)))
    assert code == 0
    assert in_flight == 3
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines == [c.model_dump(mode="json") for r in expected for c in r.claims]
    err = capsys.readouterr().err
    assert "5 articles (5 ok, 0 failed, 0 skipped), 10 claims" in err
    assert "articles/s" in err and "tokens/s" in err
