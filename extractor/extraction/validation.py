"""What a model's answer must satisfy before it becomes a claim.

The rules are Pydantic validators that read the source text from the validation
context (``context={"sentence": ..., "article_text": ...}``), the way instructor passes
``context=`` to its response models. A failed rule raises with a message that is fed back
to the model on the re-ask, and the answer is dropped if the re-asks run out.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..language.quantities import parse_quantities
from ..stopwords import STOPWORDS
from .grounding import ground

__all__ = [
    "ExtractedClaim",
    "ExtractedClaims",
    "SentenceAnswer",
    "check_candidate",
    "check_numbers",
    "check_restatement",
    "check_speaker",
    "content_words",
    "speaker_window",
]

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
#: how much of a restatement must come from its sentence, and from the article as a whole
MIN_SENTENCE_OVERLAP = 0.5
MIN_ARTICLE_OVERLAP = 0.8
#: characters before a sentence in which its speaker may be named
SPEAKER_WINDOW = 400


def speaker_window(article_text: str, start: int, end: int) -> str:
    """The text in which the speaker of ``article_text[start:end]`` must be named."""
    return article_text[max(0, start - SPEAKER_WINDOW) : end]


def content_words(text: str) -> list[str]:
    """Lower-cased words of ``text`` without stop words."""
    words = (w.lower().replace("’", "'") for w in _WORD.findall(text))
    return [w for w in words if w not in STOPWORDS]


def check_speaker(speaker: str, window: str) -> str:
    """The speaker, tidied: 'author', or a name whose words all occur in ``window``.

    ``window`` is the quoted sentence with a little of the text before it, so a speaker
    named in the previous sentence ("..., he said") is accepted and one the model made up,
    or took from elsewhere in the article, is not.
    """
    speaker = speaker.strip().strip(".,;:\"'“”").strip()
    if not speaker:
        raise ValueError("the speaker is empty; answer 'author' when the article says it itself")
    if speaker.lower() in {"author", "the author"}:
        return "author"
    if len(speaker.split()) > 12:
        raise ValueError("the speaker is a sentence, not a name; give who makes the claim")
    words = content_words(speaker)
    if not words:
        raise ValueError(f"the speaker {speaker!r} names nobody")
    present = set(content_words(window))
    missing = [w for w in words if w not in present]
    if missing:
        raise ValueError(
            f"the speaker {speaker!r} is not named in or just before the sentence "
            f"(no {', '.join(repr(w) for w in missing)}); name who makes the claim, or 'author'"
        )
    return speaker


def check_candidate(speaker: str, candidates: list[str]) -> str:
    """The speaker, as code names it, when it is one of ``candidates`` (or 'author')."""
    wanted = " ".join(speaker.strip().strip(".,;:\"'“”").split()).casefold()
    for name in [*candidates, "author"]:
        if " ".join(name.split()).casefold() == wanted:
            return name
    names = ", ".join(repr(n) for n in [*candidates, "author"])
    raise ValueError(
        f"the speaker {speaker!r} is not one of this quote's candidates; choose one of {names}"
    )


def check_restatement(claim: str, sentence: str, article_text: str) -> None:
    """A restatement must mostly use the sentence's words and stay inside the article."""
    words = content_words(claim)
    if len(words) < 2:
        raise ValueError("the claim is too short to be checked; restate the whole sentence")
    in_sentence = set(content_words(sentence))
    in_article = in_sentence | set(content_words(article_text))
    sentence_share = sum(w in in_sentence for w in words) / len(words)
    article_share = sum(w in in_article for w in words) / len(words)
    if sentence_share < MIN_SENTENCE_OVERLAP or article_share < MIN_ARTICLE_OVERLAP:
        raise ValueError("the claim does not restate this sentence; restate only what it says")


def check_numbers(claim: str, sentence: str) -> None:
    """Every number in the restatement must be a number of the sentence."""
    allowed = {q.value for q in parse_quantities(sentence)}
    for quantity in parse_quantities(claim):
        if quantity.value not in allowed:
            raise ValueError(f"the number {quantity.raw!r} is not in the sentence")


def _context(info: ValidationInfo) -> dict[str, Any]:
    if not isinstance(info.context, dict) or "article_text" not in info.context:
        raise ValueError("validation needs context={'article_text': ...}")
    return info.context


class SentenceAnswer(BaseModel):
    """The sentence strategy's answer for one candidate sentence (context: sentence)."""

    model_config = ConfigDict(extra="forbid")

    speaker: str = Field(max_length=200)
    claim: str = Field(min_length=1, max_length=1000)

    @field_validator("speaker")
    @classmethod
    def _speaker_in_window(cls, value: str, info: ValidationInfo) -> str:
        context = _context(info)
        return check_speaker(value, context.get("speaker_window", context["article_text"]))

    @model_validator(mode="after")
    def _restates_sentence(self, info: ValidationInfo) -> SentenceAnswer:
        context = _context(info)
        check_restatement(self.claim, context["sentence"], context["article_text"])
        check_numbers(self.claim, context["sentence"])
        return self


class ExtractedClaim(BaseModel):
    """One claim as an instruction-tuned model returns it (article strategy)."""

    model_config = ConfigDict(extra="forbid")

    quote: str = Field(description="A sentence copied verbatim from the article.")
    speaker: str = Field(description="Who makes the claim, or 'author'.")
    claim: str = Field(description="The claim restated so that it stands alone.")

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> ExtractedClaim:
        context = _context(info)
        text = context["article_text"]
        span = ground(  # "near": the occurrence the caller emits, when the quote repeats
            self.quote,
            text,
            fuzzy_threshold=context.get("fuzzy_threshold", 90.0),
            near=context.get("near"),
        )
        if span is None:
            raise ValueError(
                f"the quote {self.quote[:80]!r} is not in the article; copy a sentence verbatim"
            )
        sentence = text[span.start : span.end]
        candidates = context.get("speakers_of")
        if candidates is not None:
            # attribution from code: the speaker is one of its names, and a restatement
            # that fails is replaced by code's proposition later, not re-asked
            self.speaker = check_candidate(self.speaker, candidates(span.start, span.end))
            return self
        self.speaker = check_speaker(self.speaker, speaker_window(text, span.start, span.end))
        check_restatement(self.claim, sentence, text)
        check_numbers(self.claim, sentence)
        return self


class ExtractedClaims(BaseModel):
    """The article strategy's response model: the checkable claims of one article."""

    model_config = ConfigDict(extra="forbid")

    claims: list[ExtractedClaim]
