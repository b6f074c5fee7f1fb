"""Numbers in text, parsed by code (never by a model) into :class:`~extractor.models.Quantity`.

``value`` is always a number the wording states: the number itself, the lower end of a range
or of a vague plural. ``lower``/``upper`` encode what the wording allows (``upper=None``:
unbounded); always ``lower <= value <= upper``.

===========================  ==================================  ===========================
wording                      example                             value / lower / upper
===========================  ==================================  ===========================
exact                        ``1,500``, ``10 000``, ``six``,     v / v / v
                             ``12 thousand``, ``a million``
range                        ``8-13``, ``8 to 13``,              8 / 8 / 13
                             ``between 10,000 and 12,000``
vague plural                 ``dozens``                          24 / 24 / 99
                             ``hundreds``                        200 / 200 / 999
                             ``thousands``                       2,000 / 2,000 / 9,999
                             ``tens of thousands``               20,000 / 20,000 / 99,999
                             ``hundreds of thousands``           200,000 / 200,000 / 999,999
                             ``millions``, ``billions``          2e6 / 2e6 / 9,999,999
                             ``several``, ``a few`` + hundred..  3x / 3x / 9x..; 2x / 2x / 5x..
approximate                  about, around, approximately,       v / 0.9v / 1.1v
                             roughly, some, (an) estimated, ...
                             or so
just below                   nearly, almost, close to, just      v / 0.9v / v
                             under, just shy of
upper bound                  as many as, up to, no more than,    v / 0 / v
                             at most, fewer/less than, under
lower bound                  at least, more than, over, in       v / v / None
                             excess of, upwards of, ... or more
===========================  ==================================  ===========================

A hedge on a range applies to its ends (``about 8-13`` -> 7.2 .. 14.3). ``qualifier`` is the
hedge as written (lower-cased), else the vague wording (``"thousands"``), else ``"between"``.

``unit`` is the counted thing after the number: ``of``/``of its``/``of the`` and modifiers
(``more``, ``other``, a leading participle such as ``deployed``) are skipped, capitalised words
are dropped when lower-case ones remain (``10,000 North Korean soldiers`` -> ``soldiers``), and
the phrase stops at a preposition, verb, adverb, number or punctuation; at most 3 words, lower
case. Percentages have unit ``%``; money (``$1 million``, ``£3bn``, ``1 million dollars``) the
ISO code. In ``1,000 of the 11,000 troops`` both count ``troops``. Durations are quantities
(``two decades`` -> unit ``decades``). ``raw`` spans hedge, number and unit.

Not reported: years (a bare 4-digit 1800-2100, unless a plural noun follows: ``2000 soldiers``),
dates (next to a month name: ``May 9``, ``October 8-13``, ``on 3 October``), ordinals (``11th``,
``first``), times (``10:30``, ``9 am``), numbers glued to letters or ids (``KN-23``, ``G7``,
``10-year-old``, ``10km``), identifiers (``resolution 2231``), the pronoun ``one`` (``no one``,
``one of``) and capitalised number words inside names (``Group of Seven``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..ingest.bidi import display_order
from ..models import Quantity

__all__ = ["parse_quantities"]


def _vocab(words: str) -> frozenset[str]:
    return frozenset(words.split())


_TOKEN = re.compile(
    r"(?P<num>[0-9]{1,3}(?:(?:,|[ \u00a0\u2009\u202f])[0-9]{3}(?![0-9]))+(?:\.[0-9]+)?"
    r"|[0-9]+(?:\.[0-9]+)?)|(?P<word>[^\W\d_]+(?:[-'’][^\W\d_]+)*)|(?P<sym>\S)"
)
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
_MONTHS = _vocab(
    "January February March April May June July August September October November "
    "December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
)
_CURRENCY_SYMBOLS = {"$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "₽": "RUB", "₴": "UAH"}
_CURRENCY_PREFIXES = {"US": "USD", "A": "AUD", "C": "CAD", "HK": "HKD"}
_CURRENCY_CODES = _vocab("USD EUR GBP RUB UAH JPY CNY")
_CURRENCY_WORDS = {
    "dollars": "USD",
    "euros": "EUR",
    "roubles": "RUB",
    "rubles": "RUB",
    "yuan": "CNY",
    "yen": "JPY",
    "hryvnias": "UAH",
}
_MONEY_SUFFIXES = {"k": 1e3, "m": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12}
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
_STOP = _vocab(
    """about above across after against along among around as at before behind below beside
    between beyond by despite during except for from in inside into like near of off on onto out
    outside over per since than through throughout to toward towards under until up upon via with
    within without and or but nor so yet that which who whom whose while when where if because
    although though whether am is are was were be been being have has had do does did will would
    shall should can could may might must it its they them their he she we you i his her our this
    these those the a an also already now then still just only even ago each apiece all both total
    altogether respectively said says say told sent went came fled made took gave fought lost met
    held left won saw began ran struck hit fell got remain remained die died live work serve face
    become became according"""
)
_LEAD_SKIP = _vocab("more other additional extra further new fresh")
_DETERMINERS = _vocab("the its their his her our these those them")
_PLURALS = _vocab("men women people children personnel police staff military aircraft")
_YEAR_CONTEXT = _vocab(
    "in since by until till from of during before after early late mid year "
    "summer spring autumn fall winter between and to"
)
_ID_NOUNS = _vocab(
    """resolution article flight unit route number no nos chapter section page brigade battalion
    regiment division corps model version level grade category class phase stage type term room
    line block highway road street platform gate channel item paragraph clause season episode
    part volume vol issue lot zone sector district bus tram"""
)
_PRONOUN_ONE = (
    _vocab("no any every some the this that which each someone anyone"),
    _vocab("of another day point side way thing"),
)
_TIME_AFTER = re.compile(r"\s*(?:[ap]\.?m\b\.?|GMT|UTC|BST|CET|EST|EDT|PST)\b", re.IGNORECASE)
_MAX_DIGITS = 15


@dataclass(frozen=True)
class _Tok:
    kind: str  # "num" | "word" | "sym"
    text: str
    start: int
    end: int
    low: str


@dataclass
class _Num:
    first: int  # index of its first token (a currency symbol included)
    last: int  # index after its last token
    lo: float
    hi: float
    scale: float = 1.0
    vague: str | None = None
    currency: str | None = None
    percent: bool = False
    year_like: bool = False


def parse_quantities(text: str) -> list[Quantity]:
    """Every quantity stated in ``text``, in order, hedges as bounds (see the module table).

    Never raises; text without numbers gives an empty list. Text with bidi controls is read
    in the order it is displayed (:func:`~extractor.ingest.bidi.display_order`); when that order
    cannot be recovered, no quantity is reported rather than one the reader did not see.
    """
    try:
        text = display_order(text)
    except ValueError:
        return []
    return _Parser(text).run()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = [
            _Tok(m.lastgroup or "sym", m.group(), m.start(), m.end(), m.group().lower())
            for m in _TOKEN.finditer(text)
        ]

    def run(self) -> list[Quantity]:
        found: list[tuple[Quantity, int, int | None]] = []  # quantity, first token, inherit-from
        i = 0
        while i < len(self.toks):
            parsed = self.quantity_at(i)
            if parsed is None:
                i += 1
                continue
            quantity, first, after, inherit = parsed
            if quantity is not None:
                found.append((quantity, first, inherit))
            i = max(after, i + 1)
        # "1,000 of the 11,000 deployed troops": the first number counts what the second counts.
        for k in range(len(found) - 2, -1, -1):
            quantity, first, inherit = found[k]
            following, following_first, _ = found[k + 1]
            if inherit is not None and inherit == following_first and following.unit:
                found[k] = (quantity.model_copy(update={"unit": following.unit}), first, inherit)
        return [quantity for quantity, _, _ in found]

    def quantity_at(self, i: int) -> tuple[Quantity | None, int, int, int | None] | None:
        """(quantity, or None when skipped; first token; next token; token to inherit from)."""
        num, qualifier = self.number_or_range(i)
        if num is None:
            return None
        toks, first, last = self.toks, num.first, num.last
        skipped = (None, first, last, None)
        if self.is_date_or_time(first, last) or (first > 0 and toks[first - 1].low in _ID_NOUNS):
            return skipped
        hedge = self.hedge_before(first)
        kind = hedge[0] if hedge else None
        if hedge is not None:
            qualifier = " ".join(t.low for t in toks[hedge[1] : first])
        elif self.is_kind(last, "word") and last + 1 < len(toks):
            trailing = _TRAILING_HEDGES.get((toks[last].low, toks[last + 1].low))
            if trailing is not None:
                kind, qualifier, last = trailing, f"or {toks[last + 1].low}", last + 2
        unit, end, inherit = self.unit_after(last, num)
        if num.year_like and (
            not _plural(unit)
            or (first > 0 and toks[first - 1].low in _YEAR_CONTEXT and hedge is None)
        ):
            return skipped
        lower, upper = _bounds(kind, num.lo, num.hi)
        start = toks[hedge[1] if hedge else first].start
        quantity = Quantity(
            raw=self.text[start : toks[end - 1].end],
            value=num.lo,
            unit=unit,
            lower=lower,
            upper=upper,
            qualifier=qualifier,
        )
        return quantity, first, end, inherit

    def number_or_range(self, i: int) -> tuple[_Num | None, str | None]:
        """The number, range (``8-13``, ``8 to 13``, ``between A and B``) or vague plural."""
        toks = self.toks
        if toks[i].low == "between":
            a = self.atom(i + 1, check_start=True)
            and_b = a is not None and self.is_word(a.last, "and")
            b = self.atom(a.last + 1, check_start=True) if a and and_b else None
            joined = _join_range(a, b) if a and b else None
            if joined is not None:
                joined.first = i
            return joined, "between"
        a = self.atom(i, check_start=True)
        if a is None or a.vague is not None or not self.same_line(a.last - 1, a.last + 1):
            return a, a.vague if a else None
        sep = toks[a.last]
        glued = sep.start == toks[a.last - 1].end and toks[a.last + 1].start == sep.end
        if not ((sep.text == "-" and glued) or sep.text == "–" or sep.low == "to"):
            return a, None
        b = self.atom(a.last + 1, check_start=False)
        return (_join_range(a, b) or a) if b else a, None

    def atom(self, i: int, *, check_start: bool) -> _Num | None:
        """A single number (digits, number words or a vague plural) at token ``i``."""
        toks = self.toks
        if i >= len(toks) or (check_start and not self.free_before(toks[i].start)):
            return None
        j, currency = i, None
        prefixed = self.glued(i, i + 1) and self.glued(i + 1, i + 2) and toks[i + 1].text == "$"
        if toks[i].text in _CURRENCY_PREFIXES and prefixed:
            j, currency = i + 1, _CURRENCY_PREFIXES[toks[i].text]
        elif toks[i].text in _CURRENCY_CODES and self.is_kind(i + 1, "num"):
            j, currency = i + 1, toks[i].text
        if toks[j].text in _CURRENCY_SYMBOLS and self.glued(j, j + 1) and toks[j + 1].kind == "num":
            j, currency = j + 1, currency or _CURRENCY_SYMBOLS[toks[j].text]
        if toks[j].kind == "num":
            return self.numeral(i, j, currency)
        if currency is not None or toks[i].kind != "word":
            return None
        return self.vague(i) or self.number_words(i)

    def numeral(self, first: int, j: int, currency: str | None) -> _Num | None:
        text, toks, tok = self.text, self.toks, self.toks[j]
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
            if not self.is_word(k + 1, "strong"):
                return None  # "10-year-old"
            k += 2  # "a 3,000-strong unit"
        while (
            scale < 1e3
            and k < len(toks)
            and toks[k].low in _MULTIPLIERS
            and self.same_line(k - 1, k)
        ):
            scale, k = scale * _MULTIPLIERS[toks[k].low], k + 1
        percent = self.is_kind(k, "sym") and toks[k].text == "%" or self.is_word(k, "percent")
        if percent or (self.is_word(k, "per") and self.is_word(k + 1, "cent")):
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
        return _Num(first, k, value, value, scale, None, currency, percent, year_like)

    def vague(self, i: int) -> _Num | None:
        """``dozens``, ``thousands``, ``tens of thousands``, ``several hundred``, ``a few``..."""
        toks, w = self.toks, self.toks[i].low
        if w in ("tens", "hundreds") and self.is_word(i + 1, "of") and i + 2 < len(toks):
            big = toks[i + 2].low
            if big in ("thousands", "millions", "billions"):
                factor = 10.0 if w == "tens" else 100.0
                lo, hi = _VAGUE[big]
                return _Num(i, i + 3, lo * factor, (hi + 1) * factor - 1, vague=f"{w} of {big}")
        if w in _VAGUE:
            return _Num(i, i + 1, *_VAGUE[w], vague=w)
        j = i + 1 if w == "a" and self.is_word(i + 1, "few") else i
        if toks[j].low in _FEW and j + 1 < len(toks) and toks[j + 1].low in _MULTIPLIERS:
            (lo, hi), scale = _FEW[toks[j].low], _MULTIPLIERS[toks[j + 1].low]
            wording = " ".join(t.low for t in toks[i : j + 2])
            return _Num(i, j + 2, lo * scale, (hi + 1) * scale - 1, vague=wording)
        return None

    def number_words(self, i: int) -> _Num | None:
        """``six``, ``twenty-five``, ``two hundred and fifty``, ``a thousand``, ``a dozen``."""
        toks = self.toks
        state, end, k = (0.0, 0.0, ""), i, i
        if (
            toks[i].low in ("a", "an")
            and i + 1 < len(toks)
            and (toks[i + 1].low in _MULTIPLIERS or toks[i + 1].low == "dozen")
        ):
            state, k = (0.0, 1.0, "a"), i + 1
        elif toks[i].text[0].isupper() and self.is_kind(i - 1, "word") and self.same_line(i - 1, i):
            return None  # "Group of Seven"
        while self.is_kind(k, "word") and state[2] != "dozen":
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
            and (
                (i > 0 and toks[i - 1].low in before)
                or (end < len(toks) and toks[end].low in after)
            )
        ):
            return None  # the pronoun: "no one", "one of"
        return _Num(i, end, state[0] + state[1], state[0] + state[1])

    def unit_after(self, k: int, num: _Num) -> tuple[str | None, int, int | None]:
        """The counted thing from token ``k``: (unit, token after it, token to inherit from)."""
        if num.percent or num.currency:
            return ("%" if num.percent else num.currency), k, None
        toks, j = self.toks, k
        if self.is_word(j, "of") and self.same_line(j - 1, j):
            j += 2 if j + 1 < len(toks) and toks[j + 1].low in _DETERMINERS else 1
            if self.is_kind(j, "num"):
                return None, k, j
        while self.is_kind(j, "word") and toks[j].low in _LEAD_SKIP and self.same_line(j - 1, j):
            j += 1
        if (
            self.is_kind(j, "word")
            and toks[j].low.endswith("ed")
            and len(toks[j].low) > 4
            and self.is_kind(j + 1, "word")
            and toks[j + 1].low not in _STOP
        ):
            j += 1  # a leading participle: "11,000 deployed North Korean troops"
        words: list[_Tok] = []
        while self.is_kind(j, "word") and len(words) < 6 and self.same_line(j - 1, j):
            tok = toks[j]
            if tok.low in _STOP or (
                words
                and (
                    tok.low.endswith(("ly", "ing")) or (tok.low.endswith("ed") and len(tok.low) > 3)
                )
            ):
                break
            if tok.text[0].isupper() and any(not w.text[0].isupper() for w in words):
                break
            words.append(tok)
            j += 1
        kept = [w.low for w in ([w for w in words if not w.text[0].isupper()] or words)][-3:]
        if not kept:
            return None, k, None
        return _CURRENCY_WORDS.get(kept[-1], " ".join(kept)), j, None

    def hedge_before(self, first: int) -> tuple[str, int] | None:
        """(kind, first token) of the hedge that ends right before token ``first``."""
        for words, kind in _HEDGES:
            start = first - len(words)
            if self.same_line(start, first) and all(
                self.is_word(start + n, w) for n, w in enumerate(words)
            ):
                return kind, start
        return None

    def is_date_or_time(self, first: int, last: int) -> bool:
        toks = self.toks
        before = first - 2 if first > 1 and toks[first - 1].text == "." else first - 1  # "Sept. 9"
        if (before >= 0 and toks[before].text in _MONTHS) or (
            last < len(toks) and toks[last].text in _MONTHS
        ):
            return True
        if self.is_word(last, "of") and last + 1 < len(toks) and toks[last + 1].text in _MONTHS:
            return True
        return bool(_TIME_AFTER.match(self.text, toks[last - 1].end))

    def free_before(self, pos: int) -> bool:
        """Whether a number may start at ``pos``: not glued to a word or id (``KN-23``, ``G7``)."""
        text = self.text
        prev = text[pos - 1] if pos > 0 else " "
        if prev.isalnum() or prev in "_#@/\\:.":
            return False
        return not (prev in "-–" and pos > 1 and text[pos - 2].isalnum())

    def same_line(self, a: int, b: int) -> bool:
        """Whether tokens ``a`` .. ``b`` exist and no line break separates them."""
        toks = self.toks
        return 0 <= a <= b < len(toks) and "\n" not in self.text[toks[a].start : toks[b].start]

    def is_word(self, i: int, word: str) -> bool:
        return self.is_kind(i, "word") and self.toks[i].low == word

    def is_kind(self, i: int, kind: str) -> bool:
        return 0 <= i < len(self.toks) and self.toks[i].kind == kind

    def glued(self, a: int, b: int) -> bool:
        return 0 <= a < b < len(self.toks) and self.toks[a].end == self.toks[b].start


def _join_range(a: _Num, b: _Num) -> _Num | None:
    """``a`` .. ``b`` as one range; None when they are not one (``10-2``, ``2014-2022``)."""
    if a.vague or b.vague or (a.year_like and b.year_like):
        return None
    lo = a.lo * b.scale if a.scale == 1.0 and b.scale > 1.0 and a.lo * b.scale < b.lo else a.lo
    if not lo < b.lo:
        return None
    return _Num(
        a.first, b.last, lo, b.hi, currency=a.currency or b.currency, percent=a.percent or b.percent
    )


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


def _bounds(kind: str | None, lo: float, hi: float) -> tuple[float, float | None]:
    """(lower, upper) for a hedge kind; exact multiples of 1/10 keep the bounds ordered."""
    if kind == "approx":
        return lo * 9 / 10, hi * 11 / 10
    if kind == "nearly":
        return lo * 9 / 10, hi
    if kind == "upper":
        return 0.0, hi
    return (lo, None) if kind == "lower" else (lo, hi)


def _plural(unit: str | None) -> bool:
    last = unit.split()[-1] if unit else ""
    return last in _PLURALS or (last.endswith("s") and not last.endswith("ss"))
