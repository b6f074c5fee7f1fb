"""Whether a sentence reports something that happened, was done or will be done.

Check-worthiness (:mod:`.segment`) counts an event as one of its reasons: "a new unit is
being formed", "the plant closed", "the council will vote". Two readings, both of the
language only, never of a subject area's vocabulary:

* :func:`reports_event` reads a parse: a verb (not an auxiliary) that is finite,
  carries an auxiliary ("was formed", "will vote", "likely to send"), or is a gerund
  with an object ("about sending troops"), and is neither a state ("is", "seems",
  "owns", "knows") nor only a saying or a belief ("said", "thinks", "ruled that ..."),
  which count as attribution; a verb that can report speech but does something here is
  an event ("ruled against the mayor", "charged two men", "will vote on the budget");
* :func:`looks_eventive` reads the words alone, where nothing was parsed (the
  ``attribution=model`` path): a verb group of tense, voice or a modal ("was formed",
  "has closed", "will vote", "isn't meeting", "did not close"), a regular past
  ("closed") or an irregular past or participle of English ("sent", "taken"). It reads
  no present tense ("troops cross the border") and takes some adjectives in "-ed" or
  "-ing" for verbs ("worried" is a belief and no event; "interesting" is one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .cues import BELIEF, is_cue_lemma

__all__ = ["STATIVE", "looks_eventive", "reports_event"]

#: verbs of being, having, seeming, knowing and wanting: they state a condition, no event
STATIVE = frozenset(
    """be have seem appear remain stay become look sound feel smell taste resemble
    exist belong consist contain comprise include involve own possess lack need require
    deserve matter depend mean cost weigh equal fit suit concern know understand
    recognize recognise realize realise remember forget believe think suppose doubt
    want wish hope prefer like love hate mind care base situate""".split()
)
#: verbs that only say: never an event, whatever follows them
_SAYING = frozenset(
    """say tell state claim report announce insist argue assert allege explain note
    suggest comment respond reply remark mention describe quote stress emphasize
    emphasise reiterate repeat testify write tweet""".split()
)
_NOT_EVENTS = STATIVE | BELIEF | _SAYING
_FINITE = frozenset({"VBD", "VBZ", "VBP"})
_GROUPED = frozenset({"VBN", "VBG", "VB"})
_AUX_DEPS = frozenset({"aux", "auxpass"})


def _is_event(token: Any) -> bool:
    lemma = token.lemma_.lower()
    if token.pos_ != "VERB" or lemma in _NOT_EVENTS:
        return False
    deps = {c.dep_ for c in token.children}
    if is_cue_lemma(lemma) and "ccomp" in deps:
        return False  # "the court ruled that ...": a saying; "ruled against" is an act
    if token.tag_ in _FINITE:
        return True
    if token.tag_ not in _GROUPED:
        return False
    # "was formed", "will vote", "is likely to send", or a gerund doing something to
    # something ("a clause about sending troops")
    return bool(deps & _AUX_DEPS) or (token.tag_ == "VBG" and "dobj" in deps)


def reports_event(tokens: Iterable[Any]) -> bool:
    """Whether some verb among the parsed ``tokens`` reports an event (see the module)."""
    return any(_is_event(token) for token in tokens)


#: an adverb in "-ly" (not one of the verbs in "-ly": "will comply", "will rely")
_LY = r"(?!(?:apply|comply|supply|rely|rally|multiply|fly|ally|bully|imply|reply|tally)\b)\w+ly"
#: words that stand between an auxiliary and its verb ("has not yet", "will probably")
_BETWEEN = rf"(?:not|never|also|already|now|just|soon|still|often|{_LY})"
#: words that follow an auxiliary and are no verb
_NOT_A_VERB = (
    r"(?:not|never|also|already|now|just|soon|still|often|be|been|being|have"
    r"|the|a|an|of|to|and|or|in|on|at|for|by|with|that|this|it|its|he|she|they|we|you"
    r"|nothing|something|anything|everything|morning|evening|during|according|indeed"
    rf"|{_LY})"
)
#: at most this many words between an auxiliary and its verb (also what keeps a long run
#: of "be be be ..." linear)
_GAP = "{0,4}+"
_APOSTROPHE = "['\u2019]"
#: irregular participles ("was taken", "has withdrawn"), no state's ("known", "seen")
_PARTICIPLES = (
    r"taken|given|written|spoken|broken|chosen|driven|eaten|fallen|frozen|hidden|proven"
    r"|risen|shaken|stolen|sworn|thrown|beaten|bitten|ridden|shown|grown|drawn|flown"
    r"|blown|withdrawn|overtaken|undertaken|forbidden|woken|sent|built|caught|fought|held"
    r"|kept|led|lost|made|met|paid|sold|spent|struck|taught|won|brought|bought|found|hit"
    r"|cut|shot|shut|set|put|hurt|laid|fled|dug|hung"
)
#: a verb group of tense, aspect or voice: "was formed", "has not closed", "isn't meeting"
_VERB_GROUP = re.compile(
    rf"\b(?:is|are|was|were|be|been|being|has|have|had"
    rf"|(?:is|are|was|were|has|have|had)n{_APOSTROPHE}t)"
    rf"(?:\s+(?:{_BETWEEN}|be|been|being)){_GAP}\s+(?!{_NOT_A_VERB}\b)"
    rf"({_PARTICIPLES}|[a-z]{{2,}}ed|[a-z]{{3,}}ing)\b"
)
#: a modal, or a negated "do", and a verb: "will vote", "could close", "can't close",
#: "they'll close", "did not close" (not "will be", "would have", "the will of")
_MODAL = re.compile(
    rf"(?:\b(?:will|would|shall|can|could|may|might|must|should|cannot)"
    rf"|\b(?:can|won|wouldn|couldn|shouldn|mustn){_APOSTROPHE}t|{_APOSTROPHE}ll"
    rf"|\b(?:did|does|do)(?:\s+not|n{_APOSTROPHE}t))"
    rf"(?:\s+{_BETWEEN}){_GAP}\s+(?!{_NOT_A_VERB}\b)([a-z]+)\b"
)
#: a regular past in lower case (names are capitalised): "closed", "voted"
_REGULAR_PAST = re.compile(r"\b[a-z]{2,}ed\b")
#: words in "-ed" that are no past form
_NOT_PAST = frozenset(
    """hundred kindred sacred naked wicked rugged ragged beloved wretched crooked indeed
    speed breed""".split()
)
#: irregular past forms of common English verbs: no auxiliaries, no verbs of saying or of
#: state, none that is as often a noun, an adjective or a present ("set", "left", "won")
_IRREGULAR_PAST = re.compile(
    r"\b(?:arose|awoke|began|bent|blew|broke|brought|built|burnt|bought|caught|chose"
    r"|came|dealt|dug|drew|drove|drank|ate|fell|fed|fought|fled|flew|forbade|froze|gave"
    r"|went|grew|hung|hid|held|kept|laid|led|lent|lost|made|met|paid|rode|rang|rose|ran"
    r"|sold|sent|shook|sang|sank|sat|slept|slid|spent|sprang|stood|stole|stuck|struck"
    r"|swept|swam|swung|took|taught|tore|threw|withdrew|overtook|undertook)\b"
)


def _lemmas(word: str) -> set[str]:
    """Guesses at the lemma of a verb form: "closed" close, "planned" plan (a doubled
    consonant undone only where it is doubled), "denied" deny, "taking" take."""
    stem = word[:-3] if word.endswith("ing") else word[:-2] if word.endswith("ed") else word
    guesses = {word, stem, stem + "e"}
    if len(stem) > 2 and stem[-1] == stem[-2]:
        guesses.add(stem[:-1])
    if word.endswith("ied"):
        guesses.add(word[:-3] + "y")
    return guesses


def _eventive(word: str) -> bool:
    """A verb form that is neither a saying, a belief nor a state."""
    return word not in _NOT_PAST and not (_lemmas(word) & _NOT_EVENTS)


def looks_eventive(sentence: str) -> bool:
    """Whether the words of ``sentence`` alone suggest an event (see the module)."""
    if _IRREGULAR_PAST.search(sentence):
        return True
    groups = (m.group(1) for p in (_VERB_GROUP, _MODAL) for m in p.finditer(sentence))
    pasts = (m.group() for m in _REGULAR_PAST.finditer(sentence))
    return any(_eventive(word) for word in (*groups, *pasts))
