"""The response cache: keys, hits counted as cached usage, and both strategies' hooks."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from extractor.extraction.pipeline import extract_article
from extractor.extraction.strategy import usage_of
from extractor.llm.base import Completion, CompletionRequest
from extractor.llm.cache import CachedBackend, ResponseCache
from extractor.models import Article
from extractor.runs.store import Store
from extractor.settings import Settings
from extractor.testing import FakeCompletionServer

from .corpus import article_text


class CountingBackend:
    name = "fake"

    def __init__(self, model: str = "m") -> None:
        self.model = model
        self.calls = 0

    def complete(self, request: CompletionRequest) -> Completion:
        self.calls += 1
        return Completion(text=f"answer {self.calls}", prompt_tokens=7, completion_tokens=3)


REQUEST = CompletionRequest(prompt="Sentence: x\nSpeaker:", max_tokens=96, prompt_version="p.v1")


def test_a_cached_answer_is_not_asked_again_and_counts_as_cached(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        cache = ResponseCache(store)
        backend = CountingBackend()
        cached = CachedBackend(backend, cache)
        first = cached.complete(REQUEST)
        again = cached.complete(REQUEST)
    assert backend.calls == 1
    assert (first.cached, again.cached) == (False, True)
    assert again.text == first.text
    assert usage_of(again).model_dump() == {
        "prompt_tokens": 0, "completion_tokens": 0, "requests": 0, "retries": 0,
        "reasks": 0, "cached": 1, "total_tokens": 0,
    }  # fmt: skip
    assert (cache.hits, cache.misses) == (1, 1)


def test_the_key_covers_model_prompt_version_text_and_decoding(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        cache = ResponseCache(store)
        backend = CountingBackend()
        cached = CachedBackend(backend, cache)
        cached.complete(REQUEST)
        for changed in (
            replace(REQUEST, prompt_version="p.v2"),
            replace(REQUEST, prompt=REQUEST.prompt + " "),
            replace(REQUEST, temperature=0.7),
            replace(REQUEST, seed=1),
            replace(REQUEST, max_tokens=97),
        ):
            cached.complete(changed)
        assert backend.calls == 6
        CachedBackend(CountingBackend("other-model"), cache).complete(REQUEST)
        assert cache.hits == 0
        CachedBackend(CountingBackend(), cache, strategy="compare").complete(REQUEST)
        assert cache.hits == 0
        CachedBackend(CountingBackend(), cache).complete(REQUEST)
        assert cache.hits == 1


def test_the_article_strategy_answers_from_the_cache(tmp_path: Path) -> None:
    text = article_text(0)
    quote = text.split(". ")[0] + "."
    article = Article.from_text(text, source="Wire A")
    claims = [{"quote": quote, "speaker": "author", "claim": quote}]
    fake = FakeCompletionServer(chat=lambda prompt: json.dumps({"claims": claims}))
    with fake.running() as url, Store(tmp_path / "s.sqlite") as store:
        settings = Settings(backend="openai", strategy="article", base_url=url, model="chat")
        cache = ResponseCache(store)
        first = extract_article(article, settings, cache=cache)
        again = extract_article(article, settings, cache=cache)
        other = extract_article(
            article, settings.model_copy(update={"model": "chat-2"}), cache=cache
        )
    assert first.ok and [c.quote for c in first.claims] == [quote]
    assert fake.chats == 2, "the same request was asked twice"
    assert first.usage.requests == 1 and first.usage.cached == 0
    assert again.usage.requests == 0 and again.usage.cached == 1
    assert again.claims == first.claims
    assert other.usage.requests == 1, "another model is another key"


def test_the_cache_can_be_shared_by_threads(tmp_path: Path) -> None:
    requests = [replace(REQUEST, seed=n % 10) for n in range(60)]
    with Store(tmp_path / "s.sqlite") as store:
        cache = ResponseCache(store)
        cached = CachedBackend(CountingBackend(), cache)
        with ThreadPoolExecutor(max_workers=4) as pool:
            answers = list(pool.map(cached.complete, requests))
        assert len(answers) == 60
        assert cache.hits + cache.misses == 60
        again = CachedBackend(CountingBackend(), cache)
        assert all(again.complete(replace(REQUEST, seed=n)).cached for n in range(10))
