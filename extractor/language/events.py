"""Whether a sentence reports something that happened, was done or will be done.

Check-worthiness (:mod:`.segment`) counts an event as one of its reasons: "a new unit is
being formed", "the plant closed", "the council will vote". Two readings, both of the
language only, never of a subject area's vocabulary:

* :func:`reports_event` reads a parse: a verb (not an auxiliary) that is finite,
  carries an auxiliary ("was formed", "will vote", "likely to send"), or is a gerund
  with an object ("about sending troops"), and is neither a state ("is", "seems",
  "owns", "knows") nor a verb of saying or believing, which counts as attribution;
* :func:`looks_eventive` reads the words alone, where nothing was parsed: a verb group
  of tense or voice ("was formed", "has closed", "will vote", "is moving") or a regular
  past form ("closed", "voted"), or an irregular past of English ("sent", "fought").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .cues import is_cue_lemma

__all__ = ["STATIVE", "looks_eventive", "reports_event"]

#: verbs of being, having, seeming, knowing and wanting: they state a condition, no event
STATIVE = frozenset(
    """be have seem appear remain stay become look sound feel smell taste resemble
    exist belong consist contain comprise include involve own possess lack need require
    deserve matter depend mean cost weigh equal fit suit concern know understand
    recognize recognise realize realise remember forget believe think suppose doubt
    want wish hope prefer like love hate mind care""".split()
)
#: tags of a finite verb, and of the forms an auxiliary carries
_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})
_GROUPED = frozenset({"VBN", "VBG", "VB"})
_AUX_DEPS = frozenset({"aux", "auxpass"})


def _is_event(token: Any) -> bool:
    if token.pos_ != "VERB" or token.lemma_.lower() in STATIVE:
        return False
    if is_cue_lemma(token.lemma_.lower()):
        return False
    if token.tag_ in _FINITE:
        return True
    if token.tag_ not in _GROUPED:
        return False
    deps = {c.dep_ for c in token.children}
    # "was formed", "will vote", "is likely to send", or a gerund doing something to
    # something ("a clause about sending troops")
    return bool(deps & _AUX_DEPS) or (token.tag_ == "VBG" and "dobj" in deps)


def reports_event(tokens: Iterable[Any]) -> bool:
    """Whether some verb among the parsed ``tokens`` reports an event (see the module)."""
    return any(_is_event(token) for token in tokens)


#: a verb group of tense, aspect or voice: "was formed", "has not closed", "will vote"
_VERB_GROUP = re.compile(
    r"\b(?:is|are|was|were|be|been|being|has|have|had|will|would|shall)"
    r"(?:\s+(?:not|never|also|already|now|just|reportedly|\w+ly|be|been|being))*"
    r"\s+(?!been\b|being\b)([a-z]+(?:ed|en|ing))\b"
)
#: a modal and a verb: "will vote", "could close" (not "will be", "would have")
_MODAL = re.compile(
    r"\b(?:will|would|shall|can|could|may|might|must|should)"
    r"(?:\s+(?:not|never|also|now|soon|\w+ly))*\s+(?!be\b|have\b|been\b)([a-z]+)\b"
)
#: a regular past form in lower case (names are capitalised): "closed", "voted"
_REGULAR_PAST = re.compile(r"\b[a-z]{3,}ed\b")
#: irregular past forms of common English verbs: no auxiliaries, no verbs of saying, none
#: that is as often a noun or a present ("set", "cut", "left")
_IRREGULAR_PAST = re.compile(
    r"\b(?:arose|awoke|became|began|bent|blew|broke|brought|built|burnt|bought|caught|chose"
    r"|came|dealt|dug|drew|drove|drank|ate|fell|fed|fought|fled|flew|forbade|froze|got|gave"
    r"|went|grew|hung|hid|held|hurt|kept|laid|led|lent|lost|made|met|paid|rode|rang|rose|ran"
    r"|sold|sent|shook|shut|sang|sank|sat|slept|slid|spent|sprang|stood|stole|stuck|struck"
    r"|swept|swam|swung|took|taught|tore|threw|won|withdrew|overtook|undertook)\b"
)


def _eventive(word: str) -> bool:
    """A verb form that is no verb of saying or believing ("claimed", "hoped", "saying")
    nor of state ("owned"): its stem, with an "e" or a doubled consonant undone, is neither."""
    stem = word[:-3] if word.endswith("ing") else word[:-2]
    guesses = {word, stem, stem + "e", word[:-1], stem[:-1]}
    return not any(is_cue_lemma(lemma) or lemma in STATIVE for lemma in guesses)


def looks_eventive(sentence: str) -> bool:
    """Whether the words of ``sentence`` alone suggest an event (see the module)."""
    if _IRREGULAR_PAST.search(sentence):
        return True
    groups = (m.group(1) for p in (_VERB_GROUP, _MODAL) for m in p.finditer(sentence))
    pasts = (m.group() for m in _REGULAR_PAST.finditer(sentence))
    return any(_eventive(word) for word in (*groups, *pasts))
