"""How a sentence holds its claim, decided by cue phrases in code.

Precedence, first match wins:

==============  ==================================================================
stance          cues (case-insensitive; curly apostrophes folded)
==============  ==================================================================
``denied``      denied/denies/deny, flatly denies, refuted, rejected/dismissed
                ... as / the claim / reports, "fake news", "not true", untrue,
                baseless, "nowhere near" -- unless negated ("did not deny")
``unverified``  has/have not (yet/formally...) confirmed, could not confirm/verify,
                not been confirmed/verified, unable to confirm, not been able to
                provide evidence, no evidence, allegedly/alleged, purportedly/
                purporting, unverified, unconfirmed, if confirmed, without
                providing/offering (any) evidence/details
``reported``    said/says, told, claimed/claims, according to, reported/reportedly,
                reports that/of/say, cited, quoted, announced, warned, revealed,
                declared, stated, added, estimate(s), estimated that
``asserted``    anything else: the outlet states it as fact
==============  ==================================================================

:func:`is_negated` answers a narrower question for the cross-source comparison: is the
sentence's main verb negated ("has not confirmed", "did not", "never", "no evidence")?
"""

from __future__ import annotations

import re

from ..models import Stance

__all__ = ["denied_by_another", "detect_stance", "is_negated", "without_denial_of_claim"]

_FOLD = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "“": '"', "”": '"', "„": '"'})

_DENIED = re.compile(
    r"\b(?:den(?:y|ies|ied|ying|ials?)|refut(?:e|es|ed|ing))\b"
    r"|\b(?:reject|dismiss)(?:s|es|ed|ing)?\b[^.;]{0,80}?\b(?:as|claims?|reports?|allegations?"
    r"|accusations?|suggestions?)\b"
    r"|\bfake\s+news\b|\bnot\s+true\b|\buntrue\b|\bbaseless\b|\bgroundless\b|\bnowhere\s+near\b"
    r"|\b(?:is|was|are|were)\s+(?:completely\s+|totally\s+|absolutely\s+)?false\b",
    re.IGNORECASE,
)
_NEGATED_DENIAL = re.compile(
    r"(?:\b(?:not|never|refused\s+to|declined\s+to)|n't)\s+(?:\w+\s+)?"
    r"(?:den(?:y|ied)|refuted?|reject(?:ed)?|dismiss(?:ed)?)\b",
    re.IGNORECASE,
)
_UNVERIFIED = re.compile(
    r"\b(?:has|have|had|was|were|is|are)\s+(?:\w+\s+){0,2}?(?:not|n't)\s+(?:\w+\s+){0,2}?"
    r"(?:confirmed|verified|corroborated)\b"
    r"|\b(?:has|have|had)n't\s+(?:\w+\s+){0,2}?(?:confirmed|verified)\b"
    r"|\b(?:could|can|did|do|does|would)\s*(?:not|n't)\s+(?:independently\s+)?"
    r"(?:confirm|verify|corroborate)\b"
    r"|\bcannot\s+(?:independently\s+)?(?:confirm|verify|corroborate|provide)\b"
    r"|\bunable\s+to\s+(?:independently\s+)?(?:confirm|verify)\b"
    r"|\bnot\s+(?:\w+\s+){0,2}?able\s+to\s+(?:provide|offer|present|show)\b"
    r"|\bno\s+(?:evidence|proof|confirmation)\b"
    r"|\b(?:allegedly|alleged|purportedly|purport(?:s|ed|ing)?|unverified|unconfirmed)\b"
    r"|\bif\s+confirmed\b|\bif\s+true\b|\byet\s+to\s+be\s+(?:confirmed|verified)\b"
    r"|\bwithout\s+(?:providing|offering|giving|presenting|citing)\b",
    re.IGNORECASE,
)
_REPORTED = re.compile(
    r"\b(?:said|says|say|told|tells|claim(?:s|ed|ing)?|reported(?:ly)?|cit(?:ed|es|ing)"
    r"|quot(?:ed|es|ing)|announc(?:ed|es)|warn(?:ed|s)|reveal(?:ed|s)|declar(?:ed|es)"
    r"|stated|added|insist(?:s|ed)|estimates?|acknowledged|admitted)\b"
    r"|\baccording\s+to\b|\bestimated\s+that\b"
    r"|\breports?\s+(?:that|of|say|said|suggest|suggested|indicate|began|surfaced|emerged)\b",
    re.IGNORECASE,
)
#: a clause in which another party denies what the sentence reports: "— a claim that Z
#: denies", ", which Z has denied"
_DENIAL_OF_CLAIM = re.compile(
    r"(?:\b(?:a|the)\s+(?:claim|assertion|charge|allegation|accusation|report|account)s?"
    r"\s+(?:that|which)|,\s*which)\s+[^.;,]{1,60}?\bden(?:y|ies|ied)\b[^.;,—–]*",
    re.IGNORECASE,
)
#: a short conditional clause that opens the sentence (after "and", "but" at most) and a
#: comma closes: "And if that wasn't enough, ..." (a longer one may hold the main clause
#: too, when the writer put no comma after it: "If the deal is signed the troops will not
#: leave, officials said")
_CONDITIONAL = re.compile(
    r"^\W*(?:(?:and|but|or|so)\s+)?(?:if|unless|whether)\b(?:\s+[^\s,;.:!?]+){1,7}\s*,",
    re.IGNORECASE,
)
#: a clause that gives a reason or describes a noun, after a comma: its negation is not the
#: main claim's. A relative clause counts only when a comma closes it ("the treaty, which
#: Valmora has not ratified, took effect"; not "Berg, who spoke on Monday did not confirm
#: it", nor the cleft "It was Norland, not Pentland, who never signed"); a reason runs to the
#: next comma or the end ("..., as state media does not report it"), not "as many as", "as
#: well", nor "since", which as often says when the main clause holds
_ASIDE = re.compile(
    r",\s*(?:which|who|whom|whose)\b[^,;:!?—–]*,"
    r"|,\s*(?:as(?!\s+(?:many|much|few|little|well|long|soon|of|part|a\s+result)\b)"
    r"|because)\b[^,;:!?—–]*",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:is|are|was|were|has|have|had|do|does|did|will|would|can|could|should|may|might|must)"
    r"\s+(?:\w+\s+)?not\b(?!\s+only\b)"
    r"|\b\w+n't\b|\bcannot\b|\bnever\b|\bno\s+longer\b|\bneither\b"
    r"|\b(?:has|have|had)\s+yet\s+to\b"
    r"|\bno\s+(?:evidence|proof|sign|signs|indication|confirmation)\b"
    r"|\b(?:has|have|had)\s+no\s+(?:information|knowledge)\b",
    re.IGNORECASE,
)


def detect_stance(sentence: str) -> Stance:
    """The stance of ``sentence``: denied > unverified > reported > asserted (see module table)."""
    folded = sentence.translate(_FOLD)
    if _DENIED.search(folded) and not _NEGATED_DENIAL.search(folded):
        return Stance.denied
    if _UNVERIFIED.search(folded):
        return Stance.unverified
    if _REPORTED.search(folded):
        return Stance.reported
    return Stance.asserted


def denied_by_another(sentence: str) -> bool:
    """Whether the sentence's only denial is someone else's, in a clause about the claim:
    "X claimed Y — a claim that Z flatly denies", "X said Y, which Z denies". The sentence
    holds a denial (:func:`detect_stance`), but X does not deny Y."""
    folded = sentence.translate(_FOLD)
    if _DENIED.search(folded) is None:
        return False
    return _DENIED.search(without_denial_of_claim(folded)) is None


def without_denial_of_claim(sentence: str) -> str:
    """``sentence`` without the clauses in which another party denies what it reports
    (see :func:`denied_by_another`): what is left is the speaker's own."""
    return _DENIAL_OF_CLAIM.sub(" ", sentence.translate(_FOLD))


def is_negated(sentence: str) -> bool:
    """Whether the main claim of ``sentence`` is negated ("has not confirmed", "never", ...).

    "North Korea has not confirmed ..." is negated; "North Korea has officially confirmed ..."
    is not. "not only ... but" is not a negation, nor is one inside a conditional clause set
    off by a comma ("if that wasn't enough, X is praising ..."): it states nothing; nor one
    in a reason or a relative clause after a comma (", as state media does not report it",
    ", which Valmora has not ratified,"): it is not the claim's.
    """
    main = _CONDITIONAL.sub(" ", sentence.translate(_FOLD))
    main = _ASIDE.sub(", ", main)
    return _NEGATION.search(main) is not None
