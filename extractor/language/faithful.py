"""Is a model's restatement faithful to its quote? Checked by code, before it is emitted.

A restatement is accepted only when

1. every number in it is a number of the quote, and it keeps every number of the quote;
2. for each number it keeps, it keeps the head of what is counted ("troops", "soldiers");
3. every named entity and every content noun, adjective or number in it is in the quote
   or in the quote's resolved references (the speaker, the names pronouns stood for),
   compared by lemma so that "agreeing" restates "agreed".

Verbs and adverbs may change: that is what restating is. Each failure raises
``ValueError`` with the reason, which the caller records in ``ArticleResult.rejected``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .quantities import parse_quantities

__all__ = ["check_faithful"]

_WORD = re.compile(r"[^\W_]+")
#: parts of speech whose words a restatement may not add
_CONTENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "NUM"})
#: words any restatement may use to say who holds the claim
_FRAMING = frozenset(
    """claim claims statement report reports according official officials source sources
    author article""".split()
)


def _head(unit: str | None) -> str | None:
    if not unit:
        return None
    words = _WORD.findall(unit.lower())
    return words[-1].rstrip("s") if words else None


def _lemmas(doc: Any) -> set[str]:
    out: set[str] = set()
    for token in doc:
        out.add(token.lemma_.lower())
        out.add(token.lower_)
    return out


def check_faithful(
    claim: str,
    quote: str,
    references: Iterable[str],
    nlp: Any,
    *,
    quote_words: frozenset[str] | None = None,
) -> None:
    """Raise ``ValueError`` unless ``claim`` restates ``quote`` faithfully (see module doc).

    ``quote_words``: the quote's words and lemmas when the caller has parsed it already
    (:attr:`SentenceAnalysis.words`); then only the references are parsed here.
    """
    quoted = parse_quantities(quote)
    stated = parse_quantities(claim)
    allowed = {q.value for q in quoted}
    for quantity in stated:
        if quantity.value not in allowed:
            raise ValueError(f"the restatement adds the number {quantity.raw!r}")
    kept = {q.value for q in stated}
    for quantity in quoted:
        if quantity.value not in kept:
            raise ValueError(f"the restatement drops the number {quantity.raw!r} of the quote")
        head = _head(quantity.unit)
        if head is None:
            continue
        heads = {_head(q.unit) for q in stated if q.value == quantity.value}
        if head not in heads and head not in {w.rstrip("s") for w in _WORD.findall(claim.lower())}:
            raise ValueError(
                f"the restatement drops what {quantity.raw!r} counts ({quantity.unit!r})"
            )
    names = " ".join(references)
    if quote_words is None:
        known = _lemmas(nlp(" ".join([quote, names])))
    else:
        known = set(quote_words) | (_lemmas(nlp(names)) if names else set())
    claim_doc = nlp(claim)
    for ent in claim_doc.ents:
        if ent.label_ in ("DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY"):
            continue
        missing = [w for w in _WORD.findall(ent.text.lower()) if w not in known]
        if missing:
            raise ValueError(f"the restatement names {ent.text!r}, which the quote does not")
    for token in claim_doc:
        if token.pos_ not in _CONTENT_POS or token.is_stop or not token.is_alpha:
            continue
        if token.lower_ in known or token.lemma_.lower() in known or token.lower_ in _FRAMING:
            continue
        raise ValueError(f"the restatement adds {token.text!r}, which the quote does not say")
