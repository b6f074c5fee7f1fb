"""Find a model-given quote in the article: offsets are computed by our code, never the model.

Three tries, in order:

1. **exact** -- the quote is a substring (the occurrence nearest ``near`` if given, else the
   first).
2. **normalized** -- equal after folding curly quotes and apostrophes to straight ones, dashes
   to ``-``, whitespace runs to one space, NFKC and case. The article is folded once per call,
   with an index map back to original offsets, so the span covers the original characters.
3. **fuzzy** -- ``rapidfuzz.fuzz.partial_ratio_alignment`` on the folded strings, accepted at
   ``score >= fuzzy_threshold`` for quotes of at least 4 words and 20 characters; the span is
   widened to whole words and trimmed of surrounding whitespace and punctuation.

The quote is stripped of surrounding whitespace and quote marks first. Nothing here raises:
an empty or unmatched quote gives None.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..models import MatchKind

__all__ = ["Span", "ground", "strip_quote"]

_QUOTE_MARKS = "\"'“”„‟‘’‚‛«»‹›`´ʼ"
_FOLD = {
    **dict.fromkeys("’ʼ‘‚‛′`´", "'"),
    **dict.fromkeys("“”„‟″«»", '"'),
    **dict.fromkeys("–—‑‒―−", "-"),
}
_DROP = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")  # soft hyphen, zero-width characters
_MIN_FUZZY_WORDS = 4
_MIN_FUZZY_CHARS = 20


@dataclass(frozen=True)
class Span:
    """Where a quote was found: ``text[start:end]``, how, and how well (100.0 unless fuzzy)."""

    start: int
    end: int
    match: MatchKind
    score: float


def ground(
    quote: str, text: str, *, fuzzy_threshold: float = 90.0, near: int | None = None
) -> Span | None:
    """Locate ``quote`` in ``text``: exact, then normalized, then fuzzy; None when not found.

    ``near`` (an offset into ``text``) picks among several occurrences: the nearest wins.
    The returned span always satisfies ``0 <= start < end <= len(text)``.
    """
    needle = strip_quote(quote)
    if not needle or not text:
        return None
    starts = _occurrences(text, needle)
    if starts:
        start = _nearest(starts, near, lambda s: s)
        return Span(start, start + len(needle), MatchKind.exact, 100.0)

    folded, index = _fold(text)
    folded_needle = _fold(unicodedata.normalize("NFC", needle))[0].strip()
    if not folded_needle:
        return None
    starts = _occurrences(folded, folded_needle)
    if starts:
        at = _nearest(starts, near, lambda s: index[s])
        return Span(index[at], index[at + len(folded_needle) - 1] + 1, MatchKind.normalized, 100.0)

    if len(folded_needle.split()) < _MIN_FUZZY_WORDS or len(folded_needle) < _MIN_FUZZY_CHARS:
        return None
    return _fuzzy(folded_needle, folded, index, fuzzy_threshold)


def strip_quote(quote: str) -> str:
    """``quote`` without surrounding whitespace and quote marks: what :func:`ground` looks for."""
    previous = None
    while previous != quote:
        previous, quote = quote, quote.strip().strip(_QUOTE_MARKS)
    return quote


def _fuzzy(needle: str, folded: str, index: list[int], threshold: float) -> Span | None:
    """The best approximate alignment of ``needle``, widened to whole words, or None."""
    if len(needle) > len(folded):
        score, lo, hi = fuzz.ratio(needle, folded), 0, len(folded)
        if score < threshold:
            return None
    else:
        alignment = fuzz.partial_ratio_alignment(needle, folded, score_cutoff=threshold)
        if alignment is None or alignment.score < threshold:
            return None
        score, lo, hi = alignment.score, alignment.dest_start, alignment.dest_end
    while 0 < lo < len(folded) and folded[lo - 1].isalnum() and folded[lo].isalnum():
        lo -= 1
    while 0 < hi < len(folded) and folded[hi - 1].isalnum() and folded[hi].isalnum():
        hi += 1
    while lo < hi and not folded[lo].isalnum():
        lo += 1
    while hi > lo and not folded[hi - 1].isalnum():
        hi -= 1
    if lo >= hi:
        return None
    return Span(index[lo], index[hi - 1] + 1, MatchKind.fuzzy, float(score))


def _fold(text: str) -> tuple[str, list[int]]:
    """``text`` folded for comparison, and for each folded character its offset in ``text``."""
    out: list[str] = []
    index: list[int] = []
    in_space = False
    for i, char in enumerate(text):
        if char.isspace():
            if not in_space:
                out.append(" ")
                index.append(i)
            in_space = True
            continue
        if char in _DROP:
            continue
        in_space = False
        if char in _FOLD or char.isascii():
            folded = _FOLD.get(char) or char.lower()
        else:
            folded = unicodedata.normalize("NFKC", char).casefold()
        for piece in folded:
            out.append(_FOLD.get(piece, piece))
            index.append(i)
    return "".join(out), index


def _occurrences(haystack: str, needle: str) -> list[int]:
    starts: list[int] = []
    at = haystack.find(needle)
    while at != -1:
        starts.append(at)
        at = haystack.find(needle, at + 1)
    return starts


def _nearest(starts: list[int], near: int | None, offset: Callable[[int], int]) -> int:
    """The first start, or the one whose original offset is nearest ``near``."""
    if near is None:
        return starts[0]
    return min(starts, key=lambda s: abs(offset(s) - near))
