"""Answer validation: speakers must be names near the quote, restatements must restate."""

from __future__ import annotations

import pytest

from extractor.extraction.validation import check_restatement, check_speaker

WINDOW = (
    "In late October, Pentagon leaders said they could confirm that as many as 10,000 North "
    "Korean soldiers had arrived. South Korea’s National Intelligence Service disagreed, "
    "after Russia visited Pyongyang, his first stop in two decades."
)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("author", "author"),
        ("The author.", "author"),
        ("Pentagon leaders", "Pentagon leaders"),
        ("the Pentagon", "the Pentagon"),
        (
            "South Korea’s National Intelligence Service",
            "South Korea’s National Intelligence Service",
        ),
    ],
)
def test_names_in_the_window_are_kept(given: str, kept: str) -> None:
    assert check_speaker(given, WINDOW) == kept


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        (
            "Russia visited Pyongyang this summer, his first stop in the city in two decades",
            "a sentence",
        ),
        ("Kremlin spokesman Dmitry Peskov", "not named"),
        ("", "empty"),
        ("they", "names nobody"),
    ],
)
def test_fragments_and_absent_speakers_are_rejected(given: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        check_speaker(given, WINDOW)


def test_a_restatement_must_use_the_sentences_words() -> None:
    sentence = "Pentagon leaders said 10,000 North Korean soldiers had arrived in Russia."
    check_restatement("10,000 North Korean soldiers arrived in Russia.", sentence, sentence)
    with pytest.raises(ValueError, match="does not restate"):
        check_restatement("Kim Jong Un leads a secretive regime.", sentence, sentence)
