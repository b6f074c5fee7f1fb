"""The attributed sentence strategy over a test server: what the model is and is not asked."""

from __future__ import annotations

import pytest

from extractor import Article, Settings, extract_article
from extractor.testing import FakeCompletionServer, serving

ARTICLE = Article.from_text(
    "The harbour authority said 2,000 containers were lost in the storm. "
    "Maria Lopez, the port's director, said that 40 cranes had been damaged. "
    "Officials said 300 workers would be sent to the docks on Monday.",
    source="Wire",
)


def settings(url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "backend": "openai", "strategy": "sentence", "base_url": url, "model": "fake",
        "max_retries": 0, "request_timeout": 2.0,
    }  # fmt: skip
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def test_max_candidates_bounds_the_model_calls_not_the_claims_code_finds() -> None:
    server = FakeCompletionServer()
    with serving(server) as url:
        result = extract_article(ARTICLE, settings(url, max_candidates=1))
    assert result.ok, result.errors
    assert result.usage.requests == 1  # one sentence asked about
    speakers = [claim.speaker for claim in result.claims]
    assert speakers == ["The harbour authority", "Maria Lopez", "Officials"]
    for claim in result.claims:
        assert claim.speaker_start is not None and claim.speaker_end is not None
        assert ARTICLE.text[claim.speaker_start : claim.speaker_end] == claim.speaker
        assert claim.proposition
    # the test server restates by echoing the sentence; the sentences beyond the limit
    # state code's proposition instead
    restated = [claim for claim in result.claims if claim.text == claim.quote]
    from_code = [claim for claim in result.claims if claim.text == claim.proposition]
    assert len(restated) == 1 and len(from_code) == 2
    assert "2,000 containers were lost in the storm." in [c.text for c in from_code]
    [workers] = result.claims[2].quantities
    assert workers.referent == "workers sent to docks"


def test_a_short_quote_with_a_named_speaker_is_a_claim() -> None:
    from extractor.extraction.attributed import select_attributed
    from extractor.language import analyze, load_pipeline

    text = "Maria Lopez visited the docks. “We will rebuild,” she said. Will they?"
    analysis = analyze(text, load_pipeline())
    chosen = [sentence.text for _, sentence in select_attributed(analysis, min_score=0.35)]
    assert "“We will rebuild,” she said." in chosen  # short, but attributed
    assert "Will they?" not in chosen


@pytest.mark.parametrize(
    ("sentence", "chosen"),
    [
        ("A new ferry line to Valmora is being built by the port.", True),
        ("The treaty with Valmora is about closing the harbour.", True),
        ("The port of Pentland is likely to open a second harbour.", True),
        ("Valmora has a deep harbour on the coast.", False),
        ("The mayor of Valmora is a former harbour pilot.", False),
    ],
)
def test_a_named_sentence_reporting_an_event_of_any_kind_is_check_worthy(
    sentence: str, chosen: bool
) -> None:
    # the event is read from the parse: a verb that does something (not a state, not a
    # saying) in any subject area, "being built" or "about closing" as much as "sent"
    from extractor.extraction.attributed import select_attributed
    from extractor.language import analyze, load_pipeline

    analysis = analyze(sentence, load_pipeline())
    picked = [s.text for _, s in select_attributed(analysis, min_score=0.35)]
    assert (sentence in picked) is chosen


def test_a_claim_whose_proposition_is_only_an_object_states_its_sentence() -> None:
    # "The report." states nothing a reader can check: the claim states the sentence,
    # and the comparison still keys on the proposition
    article = Article.from_text(
        "Officials in Tessel said 300 workers would be sent to the docks on Monday. "
        "The mayor of Valmora flatly denied the report about the docks.",
        source="Wire",
    )
    server = FakeCompletionServer()
    with serving(server) as url:
        result = extract_article(article, settings(url, max_candidates=1))
    assert result.ok, result.errors
    [denial] = [c for c in result.claims if "denied" in c.quote]
    assert denial.proposition == "The report about the docks."
    assert denial.text == "The mayor of Valmora flatly denied the report about the docks."
