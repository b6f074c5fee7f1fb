"""Hedges around a number (``as many as``, ``nearly``, ``... or more``) and what each allows.

A hedge has a kind: ``approx`` (v / 0.9v / 1.1v), ``nearly`` (v / 0.9v / v), ``upper``
(v / 0 / v) or ``lower`` (v / v / unbounded); :func:`bounds` turns a kind and the number's own
interval into ``(lower, upper)``.
"""

from __future__ import annotations

from .tokens import Tokens

__all__ = ["HEDGE_PHRASES", "bounds", "hedge_after", "hedge_before"]

_HEDGE_WORDS = {
    "approx": "about|around|approximately|roughly|some|an estimated|estimated|circa|approx",
    "nearly": "nearly|almost|close to|just under|just shy of|just below|not quite",
    "upper": "as many as|as much as|up to|no more than|not more than|at most|fewer than|less than"
    "|under|below|a maximum of",
    "lower": "at least|more than|over|in excess of|upwards of|no fewer than|no less than"
    "|not less than|above|exceeding|a minimum of",
}
_HEDGES = sorted(
    ((tuple(h.split()), kind) for kind, hs in _HEDGE_WORDS.items() for h in hs.split("|")),
    key=lambda hedge: -len(hedge[0]),
)
_TRAILING_HEDGES = {("or", "more"): "lower", ("or", "so"): "approx"}
#: every hedge as a quantity's ``qualifier`` writes it ("as many as", "or more")
HEDGE_PHRASES = frozenset(
    [" ".join(words) for words, _ in _HEDGES] + [" ".join(words) for words in _TRAILING_HEDGES]
)


def hedge_before(t: Tokens, first: int) -> tuple[str, int] | None:
    """(kind, first token) of the hedge that ends right before token ``first``."""
    for words, kind in _HEDGES:
        start = first - len(words)
        if t.same_line(start, first) and all(t.is_word(start + n, w) for n, w in enumerate(words)):
            return kind, start
    return None


def hedge_after(t: Tokens, last: int) -> str | None:
    """The kind of the hedge (``or more``, ``or so``) at tokens ``last`` and ``last + 1``."""
    if not (t.is_kind(last, "word") and last + 1 < len(t.toks)):
        return None
    return _TRAILING_HEDGES.get((t.toks[last].low, t.toks[last + 1].low))


def bounds(kind: str | None, lo: float, hi: float) -> tuple[float, float | None]:
    """(lower, upper) for a hedge kind; exact multiples of 1/10 keep the bounds ordered."""
    if kind == "approx":
        return lo * 9 / 10, hi * 11 / 10
    if kind == "nearly":
        return lo * 9 / 10, hi
    if kind == "upper":
        return 0.0, hi
    return (lo, None) if kind == "lower" else (lo, hi)
