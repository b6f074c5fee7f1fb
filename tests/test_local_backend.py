"""The embedded default: the packaged Gemma 3 270M, run in-process by llama.cpp."""

from __future__ import annotations

import pytest

from extractor import Article, ModelLoadError, Settings, extract_article
from extractor.llm.backends import make_backend
from extractor.llm.base import CompletionRequest
from extractor.llm.local import LlamaCppBackend
from extractor.llm.prompts import render_prompt

pytestmark = pytest.mark.model

SENTENCE = (
    "The National Intelligence Service of South Korea reported that the DPRK has already "
    "sent 1,500 special forces to Russia."
)


def test_packaged_model_answers_one_real_sentence() -> None:
    backend = make_backend(Settings())
    assert backend.name == "local"
    assert backend.model.endswith(".gguf")
    prompt = render_prompt("extract_sentence.v1", sentence=SENTENCE)
    completion = backend.complete(
        CompletionRequest(prompt=prompt, max_tokens=64, stop=("\n\n", "\nSentence:"))
    )
    assert completion.prompt_tokens > 100 and completion.completion_tokens > 0
    assert "\nClaim:" in completion.text


def test_sentence_strategy_on_the_local_model_gives_a_grounded_claim() -> None:
    article = Article.from_text(
        "Officials met in Seoul on Monday. " + SENTENCE, source="test outlet"
    )
    result = extract_article(article, Settings(max_candidates=2))
    assert result.ok, result.errors
    claims = [c for c in result.claims if "1,500" in c.quote]
    assert claims, result.rejected
    claim = claims[0]
    assert article.text[claim.start : claim.end] == claim.quote == SENTENCE
    assert claim.quantities and claim.quantities[0].value == 1500
    assert claim.speaker != ""
    assert claim.model == "gemma-3-270m-q4_k_m.gguf"


def test_missing_gguf_is_a_clear_error(tmp_path: object) -> None:
    from pathlib import Path

    missing = Path(str(tmp_path)) / "nope.gguf"
    with pytest.raises(ModelLoadError, match="EXTRACTOR_MODEL_PATH"):
        LlamaCppBackend(missing)
