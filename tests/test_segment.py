"""Tests of extractor.language.segment: sentence offsets and check-worthy candidates."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.language.segment import (
    MAX_SENTENCE_CHARS,
    Candidate,
    Sentence,
    checkworthiness,
    select_candidates,
    split_sentences,
)

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE_PATHS = sorted(SAMPLES.glob("0*.txt"))


def sample(prefix: str) -> str:
    [path] = [p for p in SAMPLE_PATHS if p.name.startswith(prefix)]
    return path.read_text(encoding="utf-8")


def assert_valid(text: str, sentences: list[Sentence]) -> None:
    previous_end = 0
    for sentence in sentences:
        assert 0 <= previous_end <= sentence.start < sentence.end <= len(text)
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()
        previous_end = sentence.end


@pytest.mark.parametrize("path", SAMPLE_PATHS, ids=lambda p: p.name)
def test_offsets_are_valid_on_the_samples(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    sentences = split_sentences(text)
    assert len(sentences) > 15
    assert_valid(text, sentences)
    covered = "".join(s.text for s in sentences)
    assert "".join(covered.split()) == "".join(text.split())  # nothing lost, nothing added


def test_sentences_are_split_where_expected() -> None:
    texts = [s.text for s in split_sentences(sample("003"))]
    assert (
        "The Kremlin has repeatedly rejected reports of North Korean soldiers in Ukraine as "
        "“fake news”." in texts
    )
    assert "The reports have not been confirmed." in texts
    assert "What is the extent of North Korea's involvement in Russia's war?" in texts


def test_a_sentence_never_crosses_a_line_break() -> None:
    text = (
        "WSJ: a secret clause about sending troops to Ukraine\n\nOleksandra Opanasenko\n\nThe "
        "treaty contained a clause.\nNext paragraph starts here. It has two sentences."
    )
    texts = [s.text for s in split_sentences(text)]
    assert texts == [
        "WSJ: a secret clause about sending troops to Ukraine",
        "Oleksandra Opanasenko",
        "The treaty contained a clause.",
        "Next paragraph starts here.",
        "It has two sentences.",
    ]
    assert all("\n" not in t for t in texts)


def test_hard_wrapped_lines_are_joined_but_blank_lines_are_not() -> None:
    text = "The troops were sent\nto Russia in October.\n\nto be continued."
    assert [s.text for s in split_sentences(text)] == [
        "The troops were sent\nto Russia in October.",
        "to be continued.",
    ]


def test_long_sentences_are_cut_near_the_middle() -> None:
    clause = "the troops were moved by ship to Vladivostok and then by train to the front"
    text = "Officials said " + "; ".join([clause] * 24) + "."
    assert len(text) > 2 * MAX_SENTENCE_CHARS
    sentences = split_sentences(text)
    assert len(sentences) >= 3
    assert_valid(text, sentences)
    assert all(len(s.text) <= MAX_SENTENCE_CHARS for s in sentences)
    assert all(s.text.endswith((";", ".")) for s in sentences)
    unbreakable = "x" * 1500
    sentences = split_sentences(unbreakable)
    assert_valid(unbreakable, sentences)
    assert all(len(s.text) <= MAX_SENTENCE_CHARS for s in sentences)


@given(st.text())
def test_offsets_are_valid_for_any_text(text: str) -> None:
    assert_valid(text, split_sentences(text))


@given(
    st.lists(
        st.sampled_from(
            [
                "Mr. Kim said so.",
                " ",
                "\n",
                "\n\n",
                "U.S. troops",
                "“Quote.”",
                "10,000.",
                "e.g.",
                "?!",
                "\u00a0",
                "\t",
                "word",
                "(see p. 3)",
                "…",
                "...",
                "Dr",
                "A.",
                "—",
                "\r\n",
            ]
        ),
        max_size=30,
    )
)
def test_offsets_are_valid_for_tricky_text(parts: list[str]) -> None:
    text = "".join(parts)
    assert_valid(text, split_sentences(text))


REQUIRED = {
    "001": "The National Intelligence Service of South Korea reported that the DPRK has already "
    "sent 1,500 special forces to Russia.",
    "000": "In late October, Pentagon leaders said they could confirm that as many as 10,000 "
    "North Korean soldiers had arrived in Russia for training",
    "003": "The Kremlin has repeatedly rejected reports of North Korean soldiers in Ukraine as "
    "“fake news”.",
    "004": "North Korea has officially confirmed it sent soldiers to fight alongside Russian "
    "forces in Ukraine.",
}


@pytest.mark.parametrize(("prefix", "fragment"), sorted(REQUIRED.items()))
def test_key_claims_are_candidates(prefix: str, fragment: str) -> None:
    candidates = select_candidates(sample(prefix))
    assert any(fragment in c.sentence.text for c in candidates)


def test_independent_nis_sentence_is_a_candidate_with_its_reasons() -> None:
    [candidate] = [
        c
        for c in select_candidates(sample("003"))
        if "1,500 special forces troops" in c.sentence.text
    ]
    assert {"number", "attribution", "entity"} <= set(candidate.reasons)
    assert candidate.score >= 0.8


def test_boilerplate_and_questions_are_not_candidates() -> None:
    texts = [c.sentence.text for c in select_candidates(sample("003"), min_score=0.01)]
    assert not any("Your support" in t for t in texts)
    assert not any("Read more" in t for t in texts)
    assert not any(t.endswith("?") for t in texts)
    follow = [c.sentence.text for c in select_candidates(sample("000"), min_score=0.01)]
    assert not any(t.startswith("Follow Frances Martel") for t in follow)


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("Your support helps us to tell the story Read more Support Now", "boilerplate"),
        ("Follow Frances Martel on Facebook and Twitter.", "boilerplate"),
        ("For more news from Ukraine please follow us on X.", "boilerplate"),
        ("Are North Koreans already fighting for Russia?", "question"),
        ("Yet, numbers matter.", "short"),
    ],
)
def test_penalties(sentence: str, reason: str) -> None:
    score, reasons = checkworthiness(sentence)
    assert reason in reasons
    assert score < 0.35


def test_checkworthiness_reasons_and_range() -> None:
    score, reasons = checkworthiness(
        "In late October, Pentagon leaders said they could confirm that as many as 10,000 North "
        "Korean soldiers had arrived in Russia for training."
    )
    assert set(reasons) >= {"number", "attribution", "entity"}
    assert 0.8 <= score <= 1.0
    score, reasons = checkworthiness("This pact seems dangerous, with global repercussions.")
    assert (score, reasons) == (0.0, ())


@pytest.mark.parametrize(
    ("sentence", "event"),
    [
        ("A second ferry line to the islands is being built.", True),
        ("The plant closed after the strike.", True),
        ("The council will close the harbour road.", True),
        ("The council will vote on the budget.", True),
        ("The rebels fought for the bridge.", True),
        ("The rebels planted a bomb.", True),
        ("The plant did not close.", True),
        ("The plant can't close.", True),
        ("They'll close the road.", True),
        ("The bridge was taken by the rebels.", True),
        ("The council is in session.", False),
        ("He has been a member for years.", False),
        ("The city has a deep port.", False),
        ("The mayor will not be a candidate.", False),
        ("The mayor won't be a candidate.", False),
        ("The will of the people is clear.", False),
        ("The port is open.", False),
        ("The couple have children.", False),
        ("The village has a hundred homes.", False),
        ("It is indeed a port.", False),
        ("Officials claimed it.", False),  # a saying is attribution, no event
        ("Officials denied it.", True),  # a denial does something to its object
        ("Iran will comply with the ruling.", True),  # a verb in "-ly", no adverb
        ("The hostages were freed.", True),
        ("Police located the missing boy.", True),
        ("The plant cannot close.", True),
        ("Three people died in the fire.", True),
        ("They were expecting it.", False),  # so is a belief
        ("The residents are worried.", False),
    ],
)
def test_an_event_is_read_from_the_verb_forms_of_any_subject(sentence: str, event: bool) -> None:
    # no list of a subject area's verbs: a ferry line built and a road closed are events
    # as much as troops sent
    assert ("event" in checkworthiness(sentence)[1]) is event


@pytest.mark.parametrize(
    ("sentence", "event"),
    [
        ("The council will vote on the budget.", True),
        ("The court ruled against the mayor.", True),  # a cue verb that does something
        ("The company added 500 jobs.", True),
        ("The treaty is about closing the harbour.", True),  # a gerund with an object
        ("The court ruled that the vote was void.", False),  # a cue verb that reports
        ("The mayor denied the report.", True),  # as "rejected the report" is
        ("The Senate confirmed the nominee.", True),
        ("The company is based in Valmora.", False),
        ("The mayor will be a candidate.", False),
    ],
)
def test_the_parse_reads_an_event_in_any_verb_that_does_something(
    sentence: str, event: bool
) -> None:
    from extractor.language import analyze, load_pipeline

    assert analyze(sentence, load_pipeline()).sentences[0].event is event


def test_the_verb_forms_are_read_in_linear_time() -> None:
    # a long run of auxiliaries or adverbs with no verb after them must not backtrack
    import time

    began = time.perf_counter()
    for text in ("The plant will " + "reportedly " * 2000 + "the", "be " * 10_000):
        assert "event" not in checkworthiness(text)[1]
    assert time.perf_counter() - began < 2.0


def test_a_parse_s_reading_of_the_event_overrides_the_verb_forms() -> None:
    sentence = "The Tessel ferry line was built."
    assert "event" in checkworthiness(sentence)[1]
    assert "event" not in checkworthiness(sentence, event=False)[1]
    assert "event" in checkworthiness("The Tessel ferry line.", event=True)[1]


def test_min_score_filters() -> None:
    text = sample("003")
    everything = select_candidates(text, min_score=0.0)
    strict = select_candidates(text, min_score=0.9)
    assert len(everything) == len(split_sentences(text))
    assert 0 < len(strict) < len(select_candidates(text)) < len(everything)
    assert all(c.score >= 0.9 for c in strict)


def test_limit_keeps_the_best_in_document_order() -> None:
    text = sample("003")
    candidates = select_candidates(text)
    top = select_candidates(text, limit=5)
    assert len(top) == 5
    assert [c.sentence.start for c in top] == sorted(c.sentence.start for c in top)
    cutoff = min(c.score for c in top)
    assert all(c.score <= cutoff for c in candidates if c not in top)
    assert select_candidates(text, limit=0) == []
    assert select_candidates(text, limit=10_000) == candidates
    assert all(isinstance(c, Candidate) for c in top)


def test_candidates_are_in_document_order_and_valid() -> None:
    for path in SAMPLE_PATHS:
        text = path.read_text(encoding="utf-8")
        candidates = select_candidates(text)
        assert_valid(text, [c.sentence for c in candidates])
        assert all(0.35 <= c.score <= 1.0 and c.reasons for c in candidates)
