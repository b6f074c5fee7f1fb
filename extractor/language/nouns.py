"""Attribution by a noun of saying: "the mayor's claim that ...", "the warning by the
agency that ...", "the governor's plan to ...", and the owner of such a noun wherever a
frame meets one ("according to a statement from X", "X issued a statement calling ...").

The owner of a saying noun is its possessor ("X's claim"), the object of "by" or "from"
("the claim by X", "a statement from X"), of "of" when that names an entity, the subject of
a relative clause ("a speech X gave"), or the subject of a verb that makes or gives out
the noun ("X issued a statement", "X made the claim"). The subject of any other verb is not
("critics dismissed the claim that ..." is not the critics' claim).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .cues import NOUN_CUES
from .frame_parts import (
    Frame,
    content_kind,
    contiguous,
    extent,
    own_subject,
    source_tokens,
    token_span,
)

__all__ = ["noun_frame", "noun_owner"]

#: verbs that make or give out what a saying noun names ("issued a statement")
MAKING_VERBS = frozenset(
    """make issue release give deliver send publish post write sign file put offer
    repeat renew unveil announce present lay outline voice express""".split()
)
#: entity labels that can say something
_SOURCE_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE"})


def noun_owner(noun: Any) -> Any | None:
    """Who a saying noun belongs to (see the module docstring), else None."""
    for child in noun.children:
        if child.dep_ == "poss":
            return child
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in ("by", "from", "of"):
            objects = [g for g in child.children if g.dep_ == "pobj"]
            if objects and (child.lower_ != "of" or objects[0].ent_type_ in _SOURCE_LABELS):
                return objects[0]
    for child in noun.children:
        if child.dep_ == "relcl":
            found = own_subject(child)
            if found is not None and found[0] is not None and found[0].tag_ not in ("WDT",):
                return found[0] if found[0] is not noun else None
    verb = noun.head
    if noun.dep_ == "pobj" and verb.dep_ == "prep":
        verb = verb.head
    if noun.dep_ in ("dobj", "pobj") and verb.lemma_.lower() in MAKING_VERBS:
        found = own_subject(verb)
        if found is not None:
            return found[0]
    return None


def _content(noun: Any) -> list[Any]:
    """ "claim *that Y*", "plan *to Y*": the clause the noun introduces (empty: none)."""
    for child in noun.children:
        if child.dep_ not in ("acl", "ccomp") or child.pos_ not in ("VERB", "AUX"):
            continue
        marks = {g.lower_ for g in child.children if g.dep_ in ("mark", "aux")}
        if "that" in marks or ("to" in marks and child.tag_ == "VB"):
            return list(child.subtree)
    return []


def noun_frame(noun: Any, offset: int, regions: Sequence[tuple[int, int]]) -> Frame | None:
    """The frame of a saying noun with its owner and its clause, else None."""
    if noun.pos_ != "NOUN" or noun.lemma_.lower() not in NOUN_CUES:
        return None
    owner = noun_owner(noun)
    content_tokens = _content(noun)
    if owner is None or not content_tokens:
        return None
    doc = noun.doc
    content = token_span(doc, contiguous(content_tokens), offset)
    cue = token_span(doc, [noun], offset)
    source = token_span(doc, source_tokens(owner), offset)
    if content is None or cue is None or source is None:
        return None
    return Frame(
        kind=content_kind(regions, content),
        cue=cue,
        content=content,
        source=source,
        cue_lemma=noun.lemma_.lower(),
        source_head=owner.i,
        source_extent=extent(owner, offset),
        nominal=True,
    )
