"""The OpenAI-compatible back end, on cassettes recorded from llama.cpp's server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from extractor import Article, Settings, TransportError, extract_article, read_articles
from extractor.extraction.chunking import chunk_text
from extractor.llm.base import CompletionRequest
from extractor.llm.openai_backend import OpenAICompletionBackend
from extractor.llm.tokens import estimate_tokens
from extractor.testing import FakeCompletionServer

from .conftest import CASSETTES, RECORDING, SAMPLES, endpoint, recorded_model, recording_api_key

pytestmark = pytest.mark.cassette


#: a CPU-bound recording server decoding to a grammar can take minutes (not in the body)
SLOW_SERVER: dict[str, Any] = {"request_timeout": 900.0}


def openai_settings(kind: str = "server", **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "backend": "openai",
        "base_url": endpoint(kind),
        "model": recorded_model(),
        "api_key": recording_api_key(),
        "max_retries": 2,
        "retry_max_wait": 2.0,
    }
    values.update(overrides)
    return Settings(**values)


def sample(name: str) -> Article:
    (article,) = read_articles([SAMPLES / name], Settings())
    assert isinstance(article, Article)
    return article


def excerpt(name: str, first: int, last: int) -> Article:
    """Paragraphs ``first..last`` of a sample, as an article of its own."""
    full = sample(name)
    paragraphs = [p for p in full.text.split("\n") if p.strip()]
    text = "\n\n".join(paragraphs[first : last + 1])
    return Article.from_text(text, source=full.source, published=full.published)


def assert_grounded(article: Article, result: Any) -> None:
    for claim in result.claims:
        assert claim.start is not None and claim.end is not None
        assert article.text[claim.start : claim.end] == claim.quote
        assert claim.model == recorded_model()


def request_bodies(name: str) -> list[str]:
    data = yaml.safe_load((CASSETTES / f"{name}.yaml").read_text(encoding="utf-8"))
    return [str(item["request"]["body"]) for item in data["interactions"]]


def test_sentence_strategy_over_completions_endpoint(cassette: Any) -> None:
    article = sample("000_b9713d3b85cabdd0.txt")
    settings = openai_settings(strategy="sentence", max_candidates=3)
    with cassette("sentence_completions"):
        result = extract_article(article, settings)
    assert result.ok, result.errors
    assert result.claims, result.rejected
    assert_grounded(article, result)
    assert result.usage.requests >= 3
    assert result.usage.prompt_tokens > 0 and result.usage.completion_tokens > 0
    assert all(c.prompt_version == "extract_sentence.v2" for c in result.claims)
    # every named speaker is a span of the article, found by code
    for claim in result.claims:
        if claim.speaker != "author":
            assert claim.speaker_start is not None and claim.speaker_end is not None
            assert article.text[claim.speaker_start : claim.speaker_end] == claim.speaker


def test_article_strategy_returns_grounded_claims(cassette: Any) -> None:
    article = excerpt("004_9890ebe87119e131.txt", 5, 6)
    settings = openai_settings(
        # the default answer budget: five claims of these long sentences need more than 400
        strategy="article",
        constrain_quotes=True,
        **SLOW_SERVER,
    )
    with cassette("article_happy"):
        result = extract_article(article, settings)
    assert result.ok, result.errors
    assert result.claims, result.rejected
    assert_grounded(article, result)
    assert all(c.prompt_version == "extract_claims.v1" for c in result.claims)
    assert result.usage.requests == 1 + result.usage.reasks


def test_ungrounded_quote_is_sent_back_and_never_emitted(cassette: Any) -> None:
    article = excerpt("004_9890ebe87119e131.txt", 0, 1)
    settings = openai_settings(strategy="article", article_max_output_tokens=300, **SLOW_SERVER)
    with cassette("article_reask"):
        result = extract_article(article, settings)
    assert result.usage.reasks >= 1
    # the re-ask really carried the grounding error back to the model ...
    bodies = request_bodies("article_reask")
    assert len(bodies) == result.usage.requests
    assert any("is not in the article" in body for body in bodies[1:])
    # ... and whatever still failed was dropped, never emitted
    assert_grounded(article, result)
    assert result.rejected


def test_rate_limit_then_success(cassette: Any) -> None:
    request = CompletionRequest(prompt="Sentence: Troops arrived.\nSpeaker:", max_tokens=16)
    settings = openai_settings("fault429", retry_max_wait=1.5)
    with cassette("completion_429"), OpenAICompletionBackend(settings) as backend:
        completion = backend.complete(request)
    statuses = [
        item["response"]["status"]["code"]
        for item in yaml.safe_load((CASSETTES / "completion_429.yaml").read_text())["interactions"]
    ]
    assert statuses == [429, 200]
    assert completion.retries == 1 and completion.requests == 2
    assert completion.text.strip()


@pytest.mark.skipif(RECORDING, reason="uses a recorded answer; nothing to record")
def test_timeout_is_retried_then_succeeds() -> None:
    bodies = recorded_bodies(CASSETTES / "sentence_completions.yaml")
    server = FakeCompletionServer(replay=bodies, schedule=["slow", None], slow_seconds=2.0)
    with server.running() as url:
        settings = openai_settings(base_url=url, request_timeout=0.5, max_retries=2)
        with OpenAICompletionBackend(settings) as backend:
            completion = backend.complete(CompletionRequest(prompt="x", max_tokens=8))
    assert completion.retries == 1 and completion.requests == 2
    assert completion.text


@pytest.mark.skipif(RECORDING, reason="uses a recorded answer; nothing to record")
def test_timeouts_past_the_retry_bound_fail_clearly() -> None:
    bodies = recorded_bodies(CASSETTES / "sentence_completions.yaml")
    server = FakeCompletionServer(replay=bodies, schedule=["slow"] * 3, slow_seconds=2.0)
    with server.running() as url:
        settings = openai_settings(base_url=url, request_timeout=0.3, max_retries=1)
        with OpenAICompletionBackend(settings) as backend:
            with pytest.raises(TransportError, match="after 2 attempts"):
                backend.complete(CompletionRequest(prompt="x", max_tokens=8))


def test_long_article_is_chunked_with_offsets_in_the_whole_article(cassette: Any) -> None:
    article = excerpt("004_9890ebe87119e131.txt", 4, 8)
    settings = openai_settings(
        strategy="article",
        chunk_tokens=160,
        constrain_quotes=True,
        article_max_output_tokens=400,
        **SLOW_SERVER,
    )
    chunks = chunk_text(article.text, max_tokens=160, count_tokens=estimate_tokens)
    assert len(chunks) >= 2
    with cassette("article_chunks"):
        result = extract_article(article, settings)
    assert result.usage.requests >= len(chunks)
    assert result.claims, result.rejected
    assert_grounded(article, result)
    assert any(
        claim.start is not None and claim.start >= chunks[1].start for claim in result.claims
    )


@pytest.mark.skipif(RECORDING, reason="checks replay only")
def test_changed_prompt_does_not_match_the_cassette(
    cassette: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import extractor.extraction.attributed as attributed_strategy
    import extractor.extraction.sentence as sentence_strategy

    original = sentence_strategy.render_prompt
    for module in (sentence_strategy, attributed_strategy):
        monkeypatch.setattr(
            module, "render_prompt", lambda *a, **k: original(*a, **k) + " (changed)"
        )
    settings = openai_settings(strategy="sentence", max_candidates=3, max_retries=0)
    with cassette("sentence_completions"):
        result = extract_article(sample("000_b9713d3b85cabdd0.txt"), settings)
    assert result.status == "failed"
    assert result.errors[0].kind == "transport"


def test_no_cassette_holds_a_secret() -> None:
    for path in sorted(CASSETTES.glob("*.yaml")):
        text = path.read_text(encoding="utf-8").lower()
        assert "authorization" not in text, path
        assert "bearer " not in text, path
        assert "api-key" not in text, path


def test_constrained_schema_allows_only_the_chunks_sentences() -> None:
    from extractor.extraction.article import MAX_CLAIMS_PER_CHUNK, response_schema

    text = "Seoul said 12,000 troops went. Kyiv said 10,000 did.\n\nMoscow denied it."
    schema = response_schema(text)
    quote = schema["$defs"]["RawClaim"]["properties"]["quote"]
    assert quote == {
        "enum": ["Kyiv said 10,000 did.", "Moscow denied it.", "Seoul said 12,000 troops went."]
    }
    assert schema["properties"]["claims"]["maxItems"] == MAX_CLAIMS_PER_CHUNK
    assert "enum" not in str(response_schema(None))


def test_constrained_schema_pairs_each_sentence_with_its_own_speakers() -> None:
    from extractor.extraction.article import response_schema

    text = "Seoul said 12,000 troops went. Kyiv said 10,000 did."
    per_sentence = [
        ("Seoul said 12,000 troops went.", ["Seoul"]),
        ("Kyiv said 10,000 did.", ["Kyiv"]),
    ]
    schema = response_schema(text, ["Seoul", "Kyiv"], per_sentence)
    options = schema["$defs"]["RawClaim"]["anyOf"]
    pairs = {o["properties"]["quote"]["const"]: o["properties"]["speaker"]["enum"] for o in options}
    assert pairs == {
        "Kyiv said 10,000 did.": ["author", "Kyiv"],
        "Seoul said 12,000 troops went.": ["author", "Seoul"],
    }
    assert all(o["required"] == ["quote", "speaker", "claim"] for o in options)
    assert all(o["additionalProperties"] is False for o in options)


def recorded_bodies(cassette: Path) -> list[bytes]:
    """The response bodies of a recorded cassette's successful answers, in order."""
    data = yaml.safe_load(cassette.read_text(encoding="utf-8"))
    return [
        str(item["response"]["body"]["string"]).encode("utf-8")
        for item in data["interactions"]
        if item["response"]["status"]["code"] == 200
    ]
