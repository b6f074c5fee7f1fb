"""The counted thing after a number: ``10,000 North Korean soldiers`` -> ``soldiers``.

``of``/``of its``/``of the`` and modifiers (``more``, ``other``, a leading participle such as
``deployed``) are skipped; capitalised words are dropped when lower-case ones remain; the
phrase stops at a preposition, verb, adverb, number or punctuation; at most 3 words.
"""

from __future__ import annotations

from .numerals import Num
from .tokens import Tok, Tokens, vocab

__all__ = ["is_plural", "unit_after"]

_CURRENCY_WORDS = {
    "dollars": "USD",
    "euros": "EUR",
    "roubles": "RUB",
    "rubles": "RUB",
    "yuan": "CNY",
    "yen": "JPY",
    "hryvnias": "UAH",
}
#: where a unit phrase ends: function words and common verbs (not the shared
#: :data:`~extractor.stopwords.STOPWORDS`, which has nouns a number counts: "claims", "reports")
_STOP = vocab(
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
_LEAD_SKIP = vocab("more other additional extra further new fresh")
_DETERMINERS = vocab("the its their his her our these those them")
_PLURALS = vocab("men women people children personnel police staff military aircraft")


def unit_after(t: Tokens, k: int, num: Num) -> tuple[str | None, int, int | None]:
    """The counted thing from token ``k``: (unit, token after it, token to inherit from).

    Percentages count ``%`` and money its ISO code. ``1,000 of the 11,000 troops`` has no
    unit of its own: it inherits from the number at the returned token.
    """
    if num.percent or num.currency:
        return ("%" if num.percent else num.currency), k, None
    toks, j = t.toks, k
    if t.is_word(j, "of") and t.same_line(j - 1, j):
        j += 2 if j + 1 < len(toks) and toks[j + 1].low in _DETERMINERS else 1
        if t.is_kind(j, "num"):
            return None, k, j
    while t.is_kind(j, "word") and toks[j].low in _LEAD_SKIP and t.same_line(j - 1, j):
        j += 1
    if (
        t.is_kind(j, "word")
        and toks[j].low.endswith("ed")
        and len(toks[j].low) > 4
        and t.is_kind(j + 1, "word")
        and toks[j + 1].low not in _STOP
    ):
        j += 1  # a leading participle: "11,000 deployed North Korean troops"
    words: list[Tok] = []
    while t.is_kind(j, "word") and len(words) < 6 and t.same_line(j - 1, j):
        tok = toks[j]
        if tok.low in _STOP or (
            words
            and (tok.low.endswith(("ly", "ing")) or (tok.low.endswith("ed") and len(tok.low) > 3))
        ):
            break
        if tok.text[0].isupper() and any(not w.text[0].isupper() for w in words):
            break
        words.append(tok)
        j += 1
        if tok.low in _CURRENCY_WORDS:
            break  # "a million dollars damage": the sum ends at its currency
    kept = [w.low for w in ([w for w in words if not w.text[0].isupper()] or words)][-3:]
    if not kept:
        return None, k, None
    return _CURRENCY_WORDS.get(kept[-1], " ".join(kept)), j, None


def is_plural(unit: str | None) -> bool:
    """Whether the unit's last word is a plural noun (``soldiers``, ``people``)."""
    last = unit.split()[-1] if unit else ""
    return last in _PLURALS or (last.endswith("s") and not last.endswith("ss"))
