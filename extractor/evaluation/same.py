"""When an extracted claim's speaker or quantity is the gold one (see :mod:`.score`).

Speakers are equal after :func:`normalize_speaker`, or when the shorter name is the last
words of the longer; a corpus's aliases come from a data file (:func:`load_aliases`).
A quantity is right when its value and bounds are the gold ones within
:data:`QUANTITY_TOLERANCE`.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..errors import InputError
from ..models import Quantity
from .gold import GoldQuantity

__all__ = [
    "QUANTITY_TOLERANCE",
    "Aliases",
    "load_aliases",
    "make_aliases",
    "normalize_speaker",
    "same_quantity",
    "same_speaker",
]

#: relative tolerance on a quantity's value and bounds
QUANTITY_TOLERANCE = 0.01

#: leading titles dropped from a speaker's name (after lower-casing and removing dots)
_TITLES = frozenset(
    "president mr mrs ms miss dr gen general sir prof professor lt col colonel adm admiral "
    "minister chancellor senator sen rep".split()
)
_POSSESSIVE = re.compile(r"['’]s\b")
_NOT_WORD = re.compile(r"[^\w\s]+")
_DASHES = re.compile(r"[-‐‑‒–—―_]+")


def _tokens(name: str) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _DASHES.sub(" ", _POSSESSIVE.sub("", text))
    words = _NOT_WORD.sub("", text).split()
    if not words:
        return ()
    if words[:1] == ["the"]:
        words = words[1:]
    while len(words) > 1 and words[0] in _TITLES:
        words = words[1:]
    return tuple(words)


Aliases = Mapping[tuple[str, ...], tuple[str, ...]]


def load_aliases(path: str | Path) -> Aliases:
    """Speaker aliases from a JSON file: ``{"aliases": {canonical: [other names]}}``.

    Aliases belong to a corpus (an agency's acronym, a leader's title), so they live in a
    data file next to its gold set, never in the code.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        table = data["aliases"] if isinstance(data, dict) and "aliases" in data else data
        return make_aliases({str(k): tuple(str(v) for v in vs) for k, vs in table.items()})
    except (OSError, ValueError, AttributeError, TypeError) as exc:
        raise InputError(f"{path}: not a speaker alias file ({exc})") from exc


def make_aliases(table: Mapping[str, Sequence[str]]) -> Aliases:
    """The lookup table of ``{canonical: [other names]}`` (names compared normalised)."""
    return {
        _tokens(variant): _tokens(canonical)
        for canonical, variants in table.items()
        for variant in (canonical, *variants)
        if _tokens(variant)
    }


def normalize_speaker(name: str, aliases: Aliases | None = None) -> str:
    """``name`` folded for comparison, the canonical name for a known alias.

    Lower case; possessive "'s", punctuation, a leading "the" and leading titles
    (President, Mr, Gen., ...) removed; dashes read as spaces. Among the name's trailing
    word runs, the longest one ``aliases`` knows is replaced by its canonical name.
    """
    return " ".join(_canonical(_tokens(name), aliases or {}))


def _canonical(words: tuple[str, ...], aliases: Aliases) -> tuple[str, ...]:
    for i in range(len(words)):
        known = aliases.get(words[i:])
        if known is not None:
            return known
    return words


def same_speaker(a: str, b: str, aliases: Aliases | None = None) -> bool:
    """Whether two speaker names name the same speaker (see :func:`normalize_speaker`)."""
    table = aliases or {}
    x, y = _canonical(_tokens(a), table), _canonical(_tokens(b), table)
    if not x or not y:
        return x == y
    shorter, longer = sorted((x, y), key=len)
    return longer[len(longer) - len(shorter) :] == shorter


def same_quantity(
    gold: GoldQuantity, quantity: Quantity, *, tolerance: float = QUANTITY_TOLERANCE
) -> bool:
    """Whether ``quantity`` states the gold number with the gold bounds (within tolerance).

    An extracted quantity with neither bound is an exact number. ``None`` bounds match
    only ``None`` (unbounded).
    """
    lower, upper = quantity.lower, quantity.upper
    if lower is None and upper is None:
        lower = upper = quantity.value
    return (
        _close(gold.value, quantity.value, tolerance)
        and _close(gold.lower, lower, tolerance)
        and _close(gold.upper, upper, tolerance)
    )


def _close(a: float | None, b: float | None, tolerance: float) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=tolerance, abs_tol=1e-9)
