"""Reading one number at a token: digits, number words, vague plurals, money, ranges.

A number is read as a :class:`Num`: the tokens it spans and the interval its wording states
(``lo == hi`` unless it is a range or a vague plural). Hedges, units and whether it is a
quantity at all are decided by the caller (:mod:`.reader`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .tokens import Tokens, vocab

__all__ = ["Num", "number_or_range"]

_SMALL = {
    w: (float(n), "unit" if n < 10 else "teen")
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_SMALL.update({w: (float(n), "tens") for n, w in zip(range(20, 100, 10), _TENS, strict=True)})
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_MULTIPLIERS = {"hundred": 1e2, **_SCALES}
_VAGUE = {
    "dozens": (24.0, 99.0),
    "hundreds": (200.0, 999.0),
    "thousands": (2e3, 9_999.0),
    "millions": (2e6, 9_999_999.0),
    "billions": (2e9, 9_999_999_999.0),
}
_FEW = {"several": (3.0, 9.0), "few": (2.0, 5.0)}
_CURRENCY_SYMBOLS = {"$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "₽": "RUB", "₴": "UAH"}
_CURRENCY_PREFIXES = {"US": "USD", "A": "AUD", "C": "CAD", "HK": "HKD"}
_CURRENCY_CODES = vocab("USD EUR GBP RUB UAH JPY CNY")
_MONEY_SUFFIXES = {"k": 1e3, "m": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12}
_PRONOUN_ONE = (
    vocab("no any every some the this that which each someone anyone"),
    vocab("of another day point side way thing"),
)
_MAX_DIGITS = 15


@dataclass
class Num:
    first: int  # index of its first token (a currency symbol included)
    last: int  # index after its last token
    lo: float
    hi: float
    scale: float = 1.0
    vague: str | None = None
    currency: str | None = None
    percent: bool = False
    year_like: bool = False


def number_or_range(t: Tokens, i: int) -> tuple[Num | None, str | None]:
    """The number, range (``8-13``, ``8 to 13``, ``between A and B``) or vague plural at
    token ``i``, and its wording when that is the qualifier (``"between"``, ``"dozens"``)."""
    toks = t.toks
    if toks[i].low == "between":
        a = _atom(t, i + 1, check_start=True)
        and_b = a is not None and t.is_word(a.last, "and")
        b = _atom(t, a.last + 1, check_start=True) if a and and_b else None
        joined = _join_range(a, b) if a and b else None
        if joined is not None:
            joined.first = i
        return joined, "between"
    a = _atom(t, i, check_start=True)
    if a is None or a.vague is not None or not t.same_line(a.last - 1, a.last + 1):
        return a, a.vague if a else None
    sep = toks[a.last]
    glued = sep.start == toks[a.last - 1].end and toks[a.last + 1].start == sep.end
    if not ((sep.text == "-" and glued) or sep.text == "–" or sep.low == "to"):
        return a, None
    b = _atom(t, a.last + 1, check_start=False)
    return (_join_range(a, b) or a) if b else a, None


def _atom(t: Tokens, i: int, *, check_start: bool) -> Num | None:
    """A single number (digits, number words or a vague plural) at token ``i``."""
    toks = t.toks
    if i >= len(toks) or (check_start and not _free_before(t.text, toks[i].start)):
        return None
    j, currency = i, None
    prefixed = t.glued(i, i + 1) and t.glued(i + 1, i + 2) and toks[i + 1].text == "$"
    if toks[i].text in _CURRENCY_PREFIXES and prefixed:
        j, currency = i + 1, _CURRENCY_PREFIXES[toks[i].text]
    elif toks[i].text in _CURRENCY_CODES and t.is_kind(i + 1, "num"):
        j, currency = i + 1, toks[i].text
    if toks[j].text in _CURRENCY_SYMBOLS and t.glued(j, j + 1) and toks[j + 1].kind == "num":
        j, currency = j + 1, currency or _CURRENCY_SYMBOLS[toks[j].text]
    if toks[j].kind == "num":
        return _numeral(t, i, j, currency)
    if currency is not None or toks[i].kind != "word":
        return None
    return _vague(t, i) or _number_words(t, i)


def _free_before(text: str, pos: int) -> bool:
    """Whether a number may start at ``pos``: not glued to a word or id (``KN-23``, ``G7``)."""
    prev = text[pos - 1] if pos > 0 else " "
    if prev.isalnum() or prev in "_#@/\\:.":
        return False
    return not (prev in "-–" and pos > 1 and text[pos - 2].isalnum())


def _numeral(t: Tokens, first: int, j: int, currency: str | None) -> Num | None:
    """Digits at token ``j`` (``first`` starts its currency), with scale words and ``%``."""
    text, toks, tok = t.text, t.toks, t.toks[j]
    digits = re.sub(r"[^0-9.]", "", tok.text)
    if len(digits) > _MAX_DIGITS:
        return None
    value, scale, k = float(digits), 1.0, j + 1
    after, after2 = text[tok.end : tok.end + 1], text[tok.end + 1 : tok.end + 2]
    if after.isalpha():  # glued: "$5bn" is money; "11th", "3pm", "10km" are not quantities
        if currency is None or toks[k].low not in _MONEY_SUFFIXES:
            return None
        scale, k = _MONEY_SUFFIXES[toks[k].low], k + 1
    elif after and after in ":/." and after2.isdigit():
        return None  # times, dates, version numbers
    elif after in ("-", "–") and after2.isalpha():
        if not t.is_word(k + 1, "strong"):
            return None  # "10-year-old"
        k += 2  # "a 3,000-strong unit"
    while scale < 1e3 and k < len(toks) and toks[k].low in _MULTIPLIERS and t.same_line(k - 1, k):
        scale, k = scale * _MULTIPLIERS[toks[k].low], k + 1
    percent = t.is_kind(k, "sym") and toks[k].text == "%" or t.is_word(k, "percent")
    if percent or (t.is_word(k, "per") and t.is_word(k + 1, "cent")):
        percent, k = True, k + (1 if percent else 2)
    year_like = (
        currency is None
        and scale == 1.0
        and not percent
        and len(tok.text) == 4
        and tok.text.isdigit()
        and 1800 <= value <= 2100
    )
    value *= scale
    return Num(first, k, value, value, scale, None, currency, percent, year_like)


def _vague(t: Tokens, i: int) -> Num | None:
    """``dozens``, ``thousands``, ``tens of thousands``, ``several hundred``, ``a few``..."""
    toks, w = t.toks, t.toks[i].low
    if w in ("tens", "hundreds") and t.is_word(i + 1, "of") and i + 2 < len(toks):
        big = toks[i + 2].low
        if big in ("thousands", "millions", "billions"):
            factor = 10.0 if w == "tens" else 100.0
            lo, hi = _VAGUE[big]
            return Num(i, i + 3, lo * factor, (hi + 1) * factor - 1, vague=f"{w} of {big}")
    if w in _VAGUE:
        return Num(i, i + 1, *_VAGUE[w], vague=w)
    j = i + 1 if w == "a" and t.is_word(i + 1, "few") else i
    if toks[j].low in _FEW and j + 1 < len(toks) and toks[j + 1].low in _MULTIPLIERS:
        (lo, hi), scale = _FEW[toks[j].low], _MULTIPLIERS[toks[j + 1].low]
        return Num(i, j + 2, lo * scale, (hi + 1) * scale - 1, vague=t.words(i, j + 2))
    return None


def _number_words(t: Tokens, i: int) -> Num | None:
    """``six``, ``twenty-five``, ``two hundred and fifty``, ``a thousand``, ``a dozen``."""
    toks = t.toks
    state, end, k = (0.0, 0.0, ""), i, i
    if (
        toks[i].low in ("a", "an")
        and i + 1 < len(toks)
        and (toks[i + 1].low in _MULTIPLIERS or toks[i + 1].low == "dozen")
    ):
        state, k = (0.0, 1.0, "a"), i + 1
    elif toks[i].text[0].isupper() and t.is_kind(i - 1, "word") and t.same_line(i - 1, i):
        return None  # "Group of Seven"
    while t.is_kind(k, "word") and state[2] != "dozen":
        if (
            toks[k].low == "and"
            and state[2] in ("hundred", "scale")
            and k + 1 < len(toks)
            and (toks[k + 1].low.split("-")[0] in _SMALL)
        ):
            k += 1
            continue
        step = state
        for part in toks[k].low.split("-"):
            step = _word_step(step, part)
        if not step[2]:
            break
        state, k, end = step, k + 1, k + 1
    if end == i or state[2] == "a":
        return None
    before, after = _PRONOUN_ONE
    if (
        end == i + 1
        and toks[i].low == "one"
        and ((i > 0 and toks[i - 1].low in before) or (end < len(toks) and toks[end].low in after))
    ):
        return None  # the pronoun: "no one", "one of"
    return Num(i, end, state[0] + state[1], state[0] + state[1])


def _word_step(state: tuple[float, float, str], w: str) -> tuple[float, float, str]:
    """One step of the number-word grammar: (total, current, last kind); kind "" = rejected."""
    total, current, last = state
    value, kind = _SMALL.get(w, (0.0, ""))
    if kind and (last in ("", "hundred", "scale") or (last == "tens" and kind == "unit")):
        return total, current + value, kind
    if w == "hundred" and last in ("unit", "teen", "a"):
        return total, current * 100, "hundred"
    if (
        w in _SCALES
        and last in ("unit", "teen", "tens", "hundred", "a")
        and (total == 0 or total > _SCALES[w] * 1000)
    ):
        return total + current * _SCALES[w], 0.0, "scale"
    if w == "dozen" and last in ("unit", "a"):
        return total, current * 12, "dozen"
    return total, current, ""


def _join_range(a: Num, b: Num) -> Num | None:
    """``a`` .. ``b`` as one range; None when they are not one (``10-2``, ``2014-2022``)."""
    if a.vague or b.vague or (a.year_like and b.year_like):
        return None
    lo = a.lo * b.scale if a.scale == 1.0 and b.scale > 1.0 and a.lo * b.scale < b.lo else a.lo
    if not lo < b.lo:
        return None
    return Num(
        a.first, b.last, lo, b.hi, currency=a.currency or b.currency, percent=a.percent or b.percent
    )
