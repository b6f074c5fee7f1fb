"""Propositions and quantity referents: what a sentence states, in terms comparison can key on.

- The **proposition** of an attributed sentence is its frame's content clause, with "that"
  dropped and he/she resolved to the speaker when the content is reported speech
  ("Lopez said she would go" -> "Maria Lopez would go."); an unattributed sentence's is
  the sentence without a leading news dateline ("LISBON, Portugal — ").
- The **referent** of a number is what it counts, with its modifiers and owner, and the
  event it takes part in, with where to: "2,000 Danish engineers had been sent to
  Greenland" -> "Danish engineers sent to Greenland".
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["join_quote", "proposition_text", "referent_of", "strip_dateline"]

#: "CITY, Country — ", "CITY (Agency) - ": upper-case place names, then a dash
_DATELINE = re.compile(
    r"\A[A-Z][A-Z.'’\- ]{1,40}(?:,\s*[A-Z][\w.'’ -]{1,40})?\s*(?:\([^)]{1,40}\))?\s*[—–-]{1,2}\s+"
)
#: a leading complementizer "that" (a leading "whether" stays: "asked whether X" does not
#: state X)
_LEADING_MARK = re.compile(r"\Athat\s+", re.IGNORECASE)
#: nouns that stand for an amount of something else ("thousands of troops")
_AMOUNT_NOUNS = frozenset(
    "thousand hundred million billion dozen number total group contingent batch".split()
)
_COUNTED_MODIFIERS = frozenset({"amod", "compound", "nmod", "poss"})
_DIRECTIONS = frozenset({"to", "into", "in", "from", "at", "on", "across", "toward", "towards"})


def strip_dateline(text: str) -> str:
    """``text`` without a leading dateline."""
    return _DATELINE.sub("", text, count=1)


def finish(text: str) -> str:
    """One sentence: first letter upper-case, a final full stop. Quotation marks at the
    ends go, unless the text needs one of them: "called it “fake news”" keeps its last
    mark, "“Fake news” is what he called it" its first, and a quotation opened inside and
    never closed is closed ("called it “fake news" gets one)."""
    stripped = text.strip()
    core = stripped.strip(_END_MARKS).strip()
    lead = stripped[: stripped.find(core)] if core else ""
    core = _balanced(core, lead)
    text = _LEADING_MARK.sub("", core)
    if not text:
        return text
    first = 1 if text[0] in _DOUBLE_MARKS and len(text) > 1 else 0
    text = text[:first] + text[first].upper() + text[first + 1 :]
    if text.rstrip(_DOUBLE_MARKS)[-1:] not in (".", "!", "?"):
        text += "."
    return text


#: what :func:`finish` trims from a proposition's ends
_END_MARKS = "\"'“”‘’ ,;:"
#: double quotation marks, whose pairs :func:`finish` keeps (single marks are left alone:
#: "’" is also an apostrophe)
_DOUBLE_MARKS = '“”"'


def _balanced(core: str, lead: str) -> str:
    """``core`` with the double mark it lacks: an odd number of marks (curly and straight
    together, as typed text mixes them) gets back the mark trimmed from its start, else an
    opening mark before a first mark that closes, else a closing mark at its end."""
    marks = [c for c in core if c in _DOUBLE_MARKS]
    if len(marks) % 2 == 0:
        return core
    trimmed = [c for c in lead if c in '“"']
    if trimmed:
        return trimmed[-1] + core
    if marks[0] == "”":
        return "“" + core
    return core + ("”" if "“" in marks else '"')


def proposition_text(content: str, replacements: dict[tuple[int, int], str], offset: int) -> str:
    """``content`` (starting at article offset ``offset``) with spans replaced, finished."""
    out: list[str] = []
    cursor = 0
    for (start, end), name in sorted(replacements.items()):
        lo, hi = start - offset, end - offset
        if lo < cursor or hi > len(content):
            continue
        out.append(content[cursor:lo])
        out.append(name)
        cursor = hi
    out.append(content[cursor:])
    return finish("".join(out))


def join_quote(first: str, rest: str) -> str:
    """One proposition of a quotation's two parts, “Y,” X said, “and Z”: ``first`` is the
    first part's proposition (:func:`finish` ended it with a full stop), ``rest`` the
    second part's text."""
    head = first[:-1] if first.endswith(".") else first
    joiner = " " if head.endswith(("—", "–", "…", "...", "-")) else ", "
    return finish(head + joiner + rest)


def _counted(number: Any) -> Any | None:
    """The noun a number token counts."""
    token = number
    for _ in range(3):  # "10 million", "as many as 10,000": climb through number words
        if (
            token.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod")
            and token.head is not token
        ):
            token = token.head
            if token.pos_ in ("NOUN", "PROPN") and token.lemma_.lower() not in _AMOUNT_NOUNS:
                return token
            if token.pos_ == "NUM":
                continue
        break
    if token.pos_ in ("NOUN", "NUM") and token.lemma_.lower() in _AMOUNT_NOUNS | {token.lower_}:
        for prep in token.children:
            if prep.lower_ == "of":
                objects = [g for g in prep.children if g.dep_ == "pobj"]
                if objects:
                    return objects[0]
    return None


def _phrase(noun: Any) -> str:
    """The counted noun with its modifiers and owner: "North Korean troops"."""
    keep = {noun.i}
    for child in noun.children:
        if child.dep_ in _COUNTED_MODIFIERS and child.i < noun.i:
            keep.update(t.i for t in child.subtree if not t.like_num and t.pos_ != "NUM")
    doc = noun.doc
    words = [doc[i].text for i in sorted(keep) if not doc[i].is_punct and doc[i].dep_ != "det"]
    return " ".join(words).replace(" 's", "'s").replace(" ’s", "’s")


def _event(noun: Any) -> str:
    """The event the counted thing takes part in, with where to: "sent to Russia"."""
    verb = None
    if noun.dep_ in ("nsubj", "nsubjpass", "dobj") and noun.head.pos_ in ("VERB", "AUX"):
        verb = noun.head
    else:
        verbs = [c for c in noun.children if c.dep_ in ("acl", "relcl") and c.pos_ == "VERB"]
        verb = verbs[0] if verbs else None
    if verb is None:
        return ""
    if verb.lemma_.lower() == "be":
        return ""
    parts = [verb.text]
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ in _DIRECTIONS:
            objects = [g for g in prep.children if g.dep_ == "pobj"]
            if objects and objects[0].pos_ in ("PROPN", "NOUN"):
                parts += [prep.text, _phrase(objects[0])]
                break
    return " ".join(parts)


def referent_of(number: Any) -> str | None:
    """What the number token ``number`` counts, whose, and where to; None when unclear."""
    noun = _counted(number)
    if noun is None:
        return None
    event = _event(noun)
    phrase = _phrase(noun)
    return f"{phrase} {event}".strip() if event else phrase
