"""Numbers that are not quantities, told by their neighbours: dates, times, years, identifiers.

(Numbers glued to letters or ids, ordinals and the pronoun ``one`` are never read as numbers
at all: see :mod:`.numerals`.)
"""

from __future__ import annotations

import re

from .tokens import Tokens, vocab

__all__ = ["is_date_or_time", "is_identifier", "is_year"]

_MONTHS = vocab(
    "January February March April May June July August September October November "
    "December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
)
_YEAR_CONTEXT = vocab(
    "in since by until till from of during before after early late mid year "
    "summer spring autumn fall winter between and to"
)
_ID_NOUNS = vocab(
    """resolution article flight unit route number no nos chapter section page brigade battalion
    regiment division corps model version level grade category class phase stage type term room
    line block highway road street platform gate channel item paragraph clause season episode
    part volume vol issue lot zone sector district bus tram"""
)
_TIME_AFTER = re.compile(r"\s*(?:[ap]\.?m\b\.?|GMT|UTC|BST|CET|EST|EDT|PST)\b", re.IGNORECASE)


def is_date_or_time(t: Tokens, first: int, last: int) -> bool:
    """Whether tokens ``first`` .. ``last - 1`` are a day of a month (``May 9``, ``3 October``,
    ``9 of May``) or a time (``9 am``, ``10 GMT``)."""
    toks = t.toks
    before = first - 2 if first > 1 and toks[first - 1].text == "." else first - 1  # "Sept. 9"
    if (before >= 0 and toks[before].text in _MONTHS) or (
        last < len(toks) and toks[last].text in _MONTHS
    ):
        return True
    if t.is_word(last, "of") and last + 1 < len(toks) and toks[last + 1].text in _MONTHS:
        return True
    return bool(_TIME_AFTER.match(t.text, toks[last - 1].end))


def is_identifier(t: Tokens, first: int) -> bool:
    """Whether the number at token ``first`` names something (``resolution 2231``)."""
    return first > 0 and t.toks[first - 1].low in _ID_NOUNS


def is_year(t: Tokens, first: int, *, hedged: bool, counts_a_plural: bool) -> bool:
    """Whether a year-like number at ``first`` (1800-2100) is a year: unless it counts a plural
    noun (``2000 soldiers``), and even then after ``in``, ``since``... when nothing hedges it."""
    after_year_word = first > 0 and t.toks[first - 1].low in _YEAR_CONTEXT and not hedged
    return not counts_a_plural or after_year_word
