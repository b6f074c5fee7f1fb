"""Resources: what ``extract`` opens it closes; back ends and strategies close; models are freed."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

import extractor.llm.backends as backends
from extractor import Article, Settings, extract, extract_article
from extractor.extraction.pipeline import make_strategy
from extractor.llm.backends import make_backend
from extractor.llm.base import Completion, CompletionRequest
from extractor.llm.openai_backend import OpenAICompletionBackend
from extractor.testing import FakeCompletionServer, serving

ARTICLES = [
    Article.from_text(f"Officials said {n} families were moved to shelters on Monday.", source="W")
    for n in range(6)
]


@pytest.fixture
def clients(monkeypatch: pytest.MonkeyPatch) -> list[openai.OpenAI]:
    """Every OpenAI client the back ends and the article strategy make, in order."""
    import extractor.extraction.article as article
    import extractor.llm.openai_backend as openai_backend
    from extractor.llm.transport import make_openai_client

    made: list[openai.OpenAI] = []

    def recording(*args: Any, **kwargs: Any) -> openai.OpenAI:
        made.append(make_openai_client(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(openai_backend, "make_openai_client", recording)
    monkeypatch.setattr(article, "make_openai_client", recording)
    return made


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with FakeCompletionServer().running() as base_url:
        yield base_url


def settings_for(url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"backend": "openai", "base_url": url, "model": "fake"}
    return Settings(**(values | {"strategy": "sentence", "max_retries": 0} | overrides))


@pytest.mark.parametrize("concurrency", [1, 3])
def test_extract_closes_the_clients_it_opened(
    url: str, clients: list[openai.OpenAI], concurrency: int
) -> None:
    results = list(extract(ARTICLES, settings_for(url, concurrency=concurrency)))
    assert [r.status for r in results] == ["ok"] * len(ARTICLES)
    assert clients and all(client.is_closed() for client in clients)


def test_closing_the_iterator_early_closes_the_clients(
    url: str, clients: list[openai.OpenAI]
) -> None:
    for settings in (settings_for(url), settings_for(url, concurrency=3)):
        stream = extract(ARTICLES, settings)
        assert next(stream).ok
        stream.close()
    assert len(clients) == 2 and all(client.is_closed() for client in clients)


def test_the_article_strategy_closes_its_clients(clients: list[openai.OpenAI]) -> None:
    with serving(FakeCompletionServer()) as url:
        settings = settings_for(url, strategy="article", concurrency=2)
        assert all(result.ok for result in extract(ARTICLES, settings))
        assert extract_article(ARTICLES[0], settings).ok
    assert len(clients) >= 2 and all(client.is_closed() for client in clients)


def test_a_passed_back_end_is_left_open_for_its_owner(
    url: str, clients: list[openai.OpenAI]
) -> None:
    settings = settings_for(url)
    with OpenAICompletionBackend(settings) as backend:
        assert [r.ok for r in extract(ARTICLES[:2], settings, backend=backend)] == [True] * 2
        assert extract_article(ARTICLES[0], settings, backend=backend).ok
        assert [client.is_closed() for client in clients] == [False]
    assert clients[0].is_closed()  # closed by its ``with``


def test_strategies_are_context_managers(url: str, clients: list[openai.OpenAI]) -> None:
    with make_strategy(settings_for(url)) as strategy:
        assert strategy.model == "fake"
    with serving(FakeCompletionServer()) as chat_url:
        with make_strategy(settings_for(chat_url, strategy="article")) as strategy:
            assert strategy.model == "fake"
    assert len(clients) == 2 and all(client.is_closed() for client in clients)


# -- the local model cache ------------------------------------------------------------------


class FakeModel:
    """Stands in for LlamaCppBackend: records its loading and its closing."""

    name = "local"
    loaded: list[FakeModel] = []

    def __init__(self, path: Path, *, n_ctx: int, n_threads: int | None, seed: int) -> None:
        self.model = f"{path.name}#{seed}"
        self.closed = False
        FakeModel.loaded.append(self)

    def complete(self, request: CompletionRequest) -> Completion:
        assert not self.closed, "a closed model was asked"
        return Completion(text="x")

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def fake_models(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    import extractor.llm.local as local

    FakeModel.loaded = []
    monkeypatch.setattr(local, "LlamaCppBackend", FakeModel)
    monkeypatch.setattr(backends, "_models", backends._ModelCache(2))  # a fresh cache
    path = tmp_path / "m.gguf"
    path.write_bytes(b"GGUF")
    return path


def local(path: Path, seed: int) -> Settings:
    return Settings(backend="local", model_path=path, seed=seed)


def test_a_model_out_of_the_cache_is_freed_not_kept_until_exit(fake_models: Path) -> None:
    for seed in (1, 2, 1, 3):  # 1 is reused; 3 pushes out 2, the least recently asked for
        with make_backend(local(fake_models, seed)) as backend:
            backend.complete(CompletionRequest(prompt="p", max_tokens=1))
    assert [m.model for m in FakeModel.loaded] == ["m.gguf#1", "m.gguf#2", "m.gguf#3"]
    first, second, third = FakeModel.loaded
    assert (first.closed, second.closed, third.closed) == (False, True, False)
    gone = weakref.ref(second)
    del first, second, third
    FakeModel.loaded = []
    gc.collect()
    assert gone() is None, "something (an atexit hook?) still holds the freed model"
    assert backends._models.loaded() == 2


def test_a_model_in_use_is_freed_only_when_its_last_user_closes(fake_models: Path) -> None:
    held = make_backend(local(fake_models, 1))
    for seed in (2, 3):
        make_backend(local(fake_models, seed)).close()
    first = FakeModel.loaded[0]
    assert not first.closed and backends._models.loaded() == 3  # out of the cache, in use
    held.complete(CompletionRequest(prompt="p", max_tokens=1))
    held.close()
    held.close()  # idempotent: the lease is given back once
    assert first.closed and backends._models.loaded() == 2
