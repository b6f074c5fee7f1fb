"""Tests of extractor.extraction.grounding: exact, normalized and fuzzy location of quotes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from extractor.extraction.grounding import Span, ground, strip_quote
from extractor.models import MatchKind

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
INDEPENDENT = (SAMPLES / "003_4a4ef7c764c5ead1.txt").read_text(encoding="utf-8")
KREMLIN = (
    "The Kremlin has repeatedly rejected reports of North Korean soldiers in Ukraine as "
    "“fake news”."
)


def located(span: Span | None, text: str) -> str:
    assert span is not None
    assert 0 <= span.start < span.end <= len(text)
    return text[span.start : span.end]


def test_exact() -> None:
    span = ground(KREMLIN, INDEPENDENT)
    assert span is not None
    assert (span.match, span.score) == (MatchKind.exact, 100.0)
    assert located(span, INDEPENDENT) == KREMLIN
    assert span.start == INDEPENDENT.index(KREMLIN)


def test_surrounding_whitespace_and_quote_marks_are_stripped() -> None:
    assert strip_quote(" \u2003“\u2003'fake news' ”\n") == "fake news"
    assert strip_quote("“”") == ""
    span = ground('  "The Kremlin rejected the claim"\n', INDEPENDENT)
    assert located(span, INDEPENDENT) == "The Kremlin rejected the claim"
    assert span is not None and span.match is MatchKind.exact


def test_multiple_occurrences_first_or_nearest() -> None:
    text = "Troops were sent. " * 3 + "Nothing else. Troops were sent."
    starts = [i for i in range(len(text)) if text.startswith("Troops were sent", i)]
    assert len(starts) == 4
    assert ground("Troops were sent", text) == Span(
        starts[0], starts[0] + 16, MatchKind.exact, 100.0
    )
    for target in starts:
        span = ground("Troops were sent", text, near=target + 2)
        assert span is not None and span.start == target
    span = ground("troops WERE sent", text, near=len(text))
    assert span is not None and span.match is MatchKind.normalized and span.start == starts[-1]


def test_normalized_curly_quotes_and_apostrophes() -> None:
    quote = 'The Kremlin rejected the claim, calling it "yet another fake news story".'
    span = ground(quote, INDEPENDENT)
    assert span is not None and span.match is MatchKind.normalized
    assert located(span, INDEPENDENT) == (
        "The Kremlin rejected the claim, calling it “yet another fake news story”."
    )
    span = ground("North Korea's strategic partnership with Moscow", INDEPENDENT)
    assert located(span, INDEPENDENT) == "North Korea’s strategic partnership with Moscow"


def test_normalized_whitespace_case_and_dashes() -> None:
    text = "Intro.\nThe   Russian\n\tsource said  it was absolutely — nowhere near that figure."
    span = ground("the russian source SAID it was absolutely - nowhere near", text)
    assert span is not None and span.match is MatchKind.normalized and span.score == 100.0
    assert located(span, text) == "The   Russian\n\tsource said  it was absolutely — nowhere near"


def test_normalized_span_covers_original_characters() -> None:
    text = "x STRASSE and Straße ﬁnal"
    span = ground("straße ﬁnal", text)
    assert located(span, text) == "Straße ﬁnal"
    span = ground("STRASSE", text)
    assert span is not None and located(span, text) == "STRASSE"


FIFTEEN = (
    "North Korea has shipped about 7,000 containers filled with munitions to Russia since last year"
)


def test_fuzzy_accepts_one_changed_word_in_a_long_quote() -> None:
    assert len(FIFTEEN.split()) == 15
    quote = FIFTEEN.replace("shipped", "sent")
    span = ground(quote, INDEPENDENT)
    assert span is not None and span.match is MatchKind.fuzzy
    assert 90.0 <= span.score < 100.0
    assert located(span, INDEPENDENT) == FIFTEEN
    assert ground(quote, INDEPENDENT, fuzzy_threshold=99.0) is None


def test_fuzzy_span_is_whole_words_without_edge_punctuation() -> None:
    quote = "Ukrainian media reportd this month that six North Korean soldiers had been killed"
    span = ground(quote, INDEPENDENT)
    assert span is not None and span.match is MatchKind.fuzzy
    found = located(span, INDEPENDENT)
    assert found == quote.replace("reportd", "reported")


def test_fuzzy_rejects_unrelated_text() -> None:
    quote = "The central bank raised interest rates by half a percentage point on Tuesday"
    assert ground(quote, INDEPENDENT) is None


def test_short_quotes_must_match_exactly_or_normalized() -> None:
    assert ground("fake nwes", INDEPENDENT) is None  # one typo, too short for fuzzy
    assert ground("Kremlin rejectd it", INDEPENDENT) is None  # 3 words
    assert located(ground("FAKE NEWS", INDEPENDENT), INDEPENDENT) == "fake news"


@pytest.mark.parametrize("quote", ["", "   ", "“”", '"\'"', "\n\t"])
def test_empty_quotes_give_none(quote: str) -> None:
    assert ground(quote, INDEPENDENT) is None


def test_empty_text_gives_none() -> None:
    assert ground("anything at all", "") is None


def test_quote_longer_than_the_text() -> None:
    text = "North Korea sent troops to Russia."
    assert ground("North Korea sent troops to Russia, officials say.", text) is None
    span = ground("North Korea sent troops to Russia!!", text)
    assert located(span, text) == "North Korea sent troops to Russia"


def test_fast_on_a_long_article() -> None:
    text = "\n\n".join(path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.txt")))
    assert len(text) > 20_000
    quote = (
        "Sources on the Ukrainian side said the Russian army was forming a unit of about "
        "3,000 North Koreans"
    )
    started = time.perf_counter()
    for _ in range(20):
        span = ground(quote, text)
        assert span is not None and span.match is MatchKind.fuzzy
        assert ground("a quote that appears nowhere in these articles at all, really", text) is None
    assert time.perf_counter() - started < 5.0


@given(st.text(min_size=1), st.data())
def test_any_substring_is_found_exactly(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = text[start:end]
    expected = strip_quote(quote)
    assume(expected)
    span = ground(quote, text)
    assert span is not None and span.match is MatchKind.exact
    assert text[span.start : span.end] == expected


@given(st.text(), st.text(), st.floats(0, 100), st.one_of(st.none(), st.integers(-50, 500)))
def test_spans_are_always_inside_the_text(
    quote: str, text: str, threshold: float, near: int | None
) -> None:
    span = ground(quote, text, fuzzy_threshold=threshold, near=near)
    if span is not None:
        assert 0 <= span.start < span.end <= len(text)
        assert 0.0 <= span.score <= 100.0


@given(st.text(alphabet="ab cd’'“\"—-\n", min_size=1, max_size=60), st.data())
def test_folded_variants_map_back_inside_the_text(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    quote = text[start:].upper().replace("’", "'").replace("—", "-")
    span = ground(quote, text)
    if span is not None:
        assert 0 <= span.start < span.end <= len(text)
