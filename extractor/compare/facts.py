"""What the rules read of a claim: a :class:`Fact` (outlet, date, polarity, amounts, terms).

:func:`make_fact` reduces a claim -- quantities and stance already filled -- to a
:class:`Fact`: its polarity (:class:`Polarity`), its quantities as :class:`Amount`
intervals of a kind (:func:`quantity_kind`: "North Korean soldiers" and "troops" are one
kind, "special forces" another) and its key entity terms. :func:`amount_conflict` finds
two amounts of one count whose intervals do not overlap; :func:`member_order` is the
order claims are shown and kept in (date, source, id).
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from ..language.clauses import clauses
from ..language.propositions import strip_dateline
from ..language.quantities import HEDGE_PHRASES
from ..language.stance import detect_stance, is_negated
from ..models import Claim, Quantity, Stance

__all__ = [
    "Amount",
    "Fact",
    "Polarity",
    "amount_conflict",
    "amounts_compatible",
    "claim_terms",
    "key_text",
    "make_fact",
    "make_facts",
    "member_order",
    "quantity_kind",
]


class Polarity(IntEnum):
    """Whether a claim affirms its proposition."""

    negative = -1  #: denied, or negated ("has not confirmed")
    uncertain = 0  #: explicitly unverified
    positive = 1  #: asserted or reported


@dataclass(frozen=True, slots=True)
class Amount:
    """A quantity reduced to what the rules need: its kind and closed interval."""

    kind: str
    value: float
    lower: float
    upper: float
    raw: str
    #: what is counted beyond the unit, as word stems ("sent", "russi"); empty when unknown
    referent: frozenset[str] = frozenset()
    #: a sum of money (the language layer writes currencies as ISO codes: "EUR", "USD")
    money: bool = False
    #: a vague plural ("thousands", "dozens"): its upper end is where the wording stops
    #: naming, not a limit -- "thousands of troops" does not deny 12,000
    vague: bool = False

    @property
    def exact(self) -> bool:
        """One number, stated as it is: no hedge, range or vague plural ("23 pirates")."""
        return self.lower == self.value == self.upper

    def same_referent(self, other: Amount) -> bool:
        """Both referents known and sharing a word: "troops sent to Russia" and "soldiers
        sent to Russia". Support for a link, never a veto: wordings of one count differ."""
        return bool(self.referent & other.referent)

    def overlaps(self, other: Amount, *, open_vague: bool = False) -> bool:
        """Whether the two intervals share at least one value. With ``open_vague``, a vague
        plural set against a number that is not one reaches upwards without end:
        "thousands" conflicts with 1,000, not with 12,000 (two vague plurals keep their
        ends: "hundreds" and "thousands" do not overlap)."""
        slack = 1e-9 * max(1.0, abs(self.lower), abs(other.lower))
        upper, other_upper = self.upper, other.upper
        if open_vague and self.vague != other.vague:
            upper = math.inf if self.vague else upper
            other_upper = math.inf if other.vague else other_upper
        return self.lower <= other_upper + slack and other.lower <= upper + slack

    @property
    def stated(self) -> tuple[float, float]:
        """What the wording names: the span of a range or a vague plural ("8-13",
        "thousands": 2,000 to 9,999), else the number itself (a hedge bounds what is true,
        not what was said: "as many as 10,000" names 10,000)."""
        if self.value == self.lower < self.upper < math.inf:
            return (self.lower, self.upper)
        return (self.value, self.value)

    def near(self, other: Amount, ratio: float) -> bool:
        """What the two wordings name lies within ``ratio`` of each other (any kinds)."""
        low, high = sorted((self.stated, other.stated))
        if low[1] >= high[0]:
            return True  # the spans overlap
        small, large = sorted((abs(low[1]), abs(high[0])))
        return large <= ratio * small

    def comparable(self, other: Amount, ratio: float) -> bool:
        """Same kind and stated values within ``ratio`` of each other: plausibly one count.

        10,000 and 12,000 troops are one count reported differently; six and 115,000
        soldiers are two different counts. A range or a vague plural is compared by its
        nearest end: "thousands of soldiers" and "nearly 10,000 soldiers" can be one count.
        """
        return self.kind == other.kind and self.near(other, ratio)


@dataclass(frozen=True, slots=True)
class Fact:
    """One claim with the facts the rules use: where it is from, polarity, amounts, terms."""

    claim: Claim
    source: str
    published: date | None
    negated: bool
    polarity: Polarity
    amounts: tuple[Amount, ...]
    terms: frozenset[str]
    #: when, in the proposition's own words: years and weekdays ("2008", "saturday")
    when: frozenset[str] = frozenset()
    #: what the comparison keys on (:func:`key_text`): the proposition, else the quote
    key: str = ""
    #: the claim's quantities and stance as read: the claim's own, or parsed from its quote
    #: when it had none (the claim itself is never copied to fill them)
    quantities: tuple[Quantity, ...] = ()
    stance: Stance | None = None

    def same_time(self, other: Fact) -> bool:
        """Unless both say when and share no year or day: "on Saturday" and "on Thursday"
        are two events (a fact's day is its own, whenever it was reported)."""
        return not (self.when and other.when) or bool(self.when & other.when)

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(a.kind for a in self.amounts)

    @property
    def who(self) -> str:
        """The speaker for display; the outlet when the article itself says it."""
        speaker = self.claim.speaker.strip()
        return self.source if speaker.casefold() in {"", "author"} else speaker


#: counted things that name the same kind of quantity
_UNIT_CLASSES = {
    "troop": "troops",
    "soldier": "troops",
    "force": "troops",
    "serviceman": "troops",
    "servicemen": "troops",
    "man": "troops",
    "men": "troops",
}
#: modifiers that make a different count of the same class (1,500 special forces ≠ troops)
_SUBTYPES = {
    "special": "special",
    "elite": "elite",
    "killed": "casualties",
    "dead": "casualties",
    "wounded": "casualties",
    "injured": "casualties",
}
_PERCENT = {"%", "percent", "per cent", "pct"}
_CURRENCY_CODE = re.compile(r"[A-Z]{3}")
_UNIT_WORD = re.compile(r"[\w%$€£¥]+")


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def quantity_kind(unit: str | None) -> str | None:
    """The kind of a quantity's unit: its head noun's class plus sub-type modifiers.

    ``"North Korean soldiers"`` and ``"troops"`` are ``"troops"``; ``"special forces
    troops"`` is ``"troops/special"``; ``"containers"`` is ``"container"``; ``None`` (no
    unit) has no kind and is never compared.
    """
    if not unit or not unit.strip():
        return None
    folded = unit.casefold().strip()
    if folded in _PERCENT:
        return "%"
    words = _UNIT_WORD.findall(folded)
    if not words:
        return None
    head: str | None = None
    for word in reversed(words):
        cls = _UNIT_CLASSES.get(word) or _UNIT_CLASSES.get(_singular(word))
        if cls:
            head = cls
            break
    if head is None:
        head = _singular(words[-1])
    subtypes = sorted({_SUBTYPES[w] for w in words if w in _SUBTYPES})
    return sys.intern("/".join([head, *subtypes]))  # one string per kind, not per claim


_REFERENT_STOP = frozenset(
    """a an the of to in into on at from for by with and or its their his her our who that
    which were was been has have had be being is are""".split()
)


_NEG_INF = -math.inf

#: the empty set of terms, shared: most claims say no year or day
_NO_WORDS: frozenset[str] = frozenset()


class _WordSets:
    """Equal sets of words, shared between the facts of one comparison: claims about one
    story name the same few things, and each set costs a couple of hundred bytes."""

    def __init__(self) -> None:
        self._sets: dict[frozenset[str], frozenset[str]] = {}

    def __call__(self, words: Iterable[str]) -> frozenset[str]:
        found = frozenset(words)
        if not found:
            return _NO_WORDS
        return self._sets.setdefault(found, found)


def _referent(quantity: Quantity, share: _WordSets) -> frozenset[str]:
    """Word stems of what ``quantity`` counts, beyond its unit ("sent", "russi")."""
    if not quantity.referent:
        return _NO_WORDS
    unit = set(_UNIT_WORD.findall((quantity.unit or "").casefold()))
    words = _UNIT_WORD.findall(quantity.referent.casefold())
    return share(
        w[:5]
        for w in words
        if w not in unit and _singular(w) not in unit and w not in _REFERENT_STOP and len(w) > 1
    )


def _amount(quantity: Quantity, share: _WordSets) -> Amount | None:
    kind = quantity_kind(quantity.unit)
    if kind is None:
        return None
    lower, upper = quantity.lower, quantity.upper
    if lower is None and upper is None:
        lower = upper = quantity.value
    # a vague plural names a span by its wording alone ("thousands"): its qualifier is that
    # wording, where a range says "between" or nothing and a hedge names itself
    vague = (
        quantity.qualifier not in (None, "between")
        and quantity.qualifier not in HEDGE_PHRASES
        and lower == quantity.value
        and upper is not None
        and quantity.value < upper
    )
    return Amount(
        kind=kind,
        value=quantity.value,
        lower=_NEG_INF if lower is None else lower,
        upper=math.inf if upper is None else upper,
        raw=quantity.raw,
        referent=_referent(quantity, share),
        money=bool(_CURRENCY_CODE.fullmatch(quantity.unit or "")),
        vague=vague,
    )


def amounts_compatible(
    a: Sequence[Amount], b: Sequence[Amount], ratio: float | None = None
) -> bool:
    """Whether no count that both give is given incompatibly.

    Every amount of one side must overlap some amount of the same kind on the other side
    (and vice versa) -- considering, when ``ratio`` is given, only amounts comparable
    within that ratio (the same count); without it, every amount of the same kind.
    """
    return amount_conflict(a, b, ratio) is None


def amount_conflict(
    a: Sequence[Amount],
    b: Sequence[Amount],
    ratio: float | None = None,
    *,
    open_vague: bool = False,
) -> tuple[Amount, Amount] | None:
    """The first pair (from ``a``, from ``b``) of one count with no overlapping partner
    (``open_vague``: see :meth:`Amount.overlaps`)."""
    for left, right, flip in ((a, b, False), (b, a, True)):
        for x in left:
            same = [
                y for y in right if y.kind == x.kind and (ratio is None or x.comparable(y, ratio))
            ]
            if same and not any(x.overlaps(y, open_vague=open_vague) for y in same):
                return (same[0], x) if flip else (x, same[0])
    return None


_TOKEN = re.compile(r"[^\W\d_][\w’'-]*")
_NOT_TERMS = frozenset(
    """a an the in on at of for to and but or as by with from this that these those it its
    he she they we his her their our there here after before while when if mr ms mrs dr
    according despite however meanwhile yet also both neither some many most all any no
    not one two three four five six seven eight nine ten it's i you your
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()
)


def _terms(text: str) -> set[str]:
    """Key entity terms: capitalised words (five-letter prefixes, possessives cut).

    The sentence's first word counts only when it is an acronym or starts a name of
    several capitalised words ("North Korea"): otherwise it is capitalised by position.
    """
    tokens = _TOKEN.findall(text)
    terms = set()
    for i, token in enumerate(tokens):
        if not token[0].isupper():
            continue
        if i == 0 and not (
            (token.isupper() and len(token) > 1) or (len(tokens) > 1 and tokens[1][0].isupper())
        ):
            continue
        word = re.split(r"[’']", token.casefold(), maxsplit=1)[0]
        if word and word not in _NOT_TERMS:
            terms.add(sys.intern(word[:5]))
    return terms


def claim_terms(claim: Claim, key: str | None = None) -> set[str]:
    """A claim's key entity terms: those of its key (:func:`key_text`, or ``key`` when the
    caller has it) and of its quote (a proposition leaves out who said it and where)."""
    return _terms(key_text(claim) if key is None else key) | _terms(strip_dateline(claim.quote))


def _polarity(stance: Stance | None, negated: bool) -> Polarity:
    if stance is Stance.denied or negated:
        return Polarity.negative
    if stance is Stance.unverified:
        return Polarity.uncertain
    return Polarity.positive


#: in-text time: a year, or a day of the week ("Saturday", "on Thursday night")
_WHEN = re.compile(
    r"\b(?:1[89]\d\d|20\d\d|monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?=s?\b)",
    re.IGNORECASE,
)


_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_REPORTING = (
    r"(?:said|says|told|announced|reported|stated|added|confirmed|claimed|warned|estimated"
    r"|denied|insisted|revealed|declared)"
)
#: a day that dates the report, not the event: "officials said on Monday", "on Monday said"
_REPORTED_WHEN = re.compile(
    rf"\b{_REPORTING}\s+(?:\w+\s+){{0,2}}?(?:on\s+|late\s+|early\s+)?{_DAY}\b"
    rf"|\b(?:on\s+)?{_DAY}\s+(?:(?:night|morning|evening)\s+)?{_REPORTING}\b",
    re.IGNORECASE,
)


def key_text(claim: Claim) -> str:
    """What the comparison keys on: the proposition the language layer built (the content
    clause, references resolved), else the quote -- never the model's restatement -- with
    no leading dateline."""
    return strip_dateline(claim.proposition or claim.quote)


def _scope(quote: str, quantities: Sequence[Quantity]) -> str | None:
    """The clauses of the claim's sentence that state its numbers, when others do not.

    A negation or denial in another clause is about something else: in "they are
    preparing 10,000 soldiers but they didn't move them", "didn't" does not deny the
    10,000 soldiers. ``None`` when the sentence is one clause (or states no number).
    """
    if not quantities:
        return None
    pieces = clauses(quote)
    if len(pieces) < 2:
        return None
    holding = [c for c in pieces if any(q.raw in c for q in quantities)]
    return " ".join(holding) if 0 < len(holding) < len(pieces) else None


def make_fact(
    claim: Claim,
    *,
    source: str,
    published: date | None,
    quantities: Sequence[Quantity] | None = None,
    stance: Stance | None = None,
) -> Fact:
    """Reduce a claim to what the rules use; ``quantities`` and ``stance`` stand for the
    claim's own (read from its quote by the caller when the claim has none).

    Key entity terms come from the proposition and the quote (a proposition leaves out who
    said it and where: "Officials in Norland said the envoys left" states "The envoys
    left"). Negation is read in the quote (a proposition drops a negated cue: "X did not confirm
    Y" states "Y"), and, when the claim gives numbers, only in the clauses that state them.
    """
    return _make_fact(claim, source, published, quantities, stance, _WordSets())


def make_facts(
    items: Iterable[tuple[Claim, str, date | None, Sequence[Quantity] | None, Stance | None]],
) -> list[Fact]:
    """:func:`make_fact` of each ``(claim, source, published, quantities, stance)``, equal
    sets of terms shared between the facts (the memory of a large comparison)."""
    share = _WordSets()
    return [_make_fact(*item, share) for item in items]


def _make_fact(
    claim: Claim,
    source: str,
    published: date | None,
    quantities: Sequence[Quantity] | None,
    stance: Stance | None,
    share: _WordSets,
) -> Fact:
    key = key_text(claim)
    read = tuple(claim.quantities if quantities is None else quantities)
    said = claim.stance if stance is None else stance
    scope = _scope(claim.quote, read)
    negated = is_negated(scope or claim.quote)
    polar = said
    if scope is not None and polar is Stance.denied and detect_stance(scope) is not polar:
        polar = None  # the denial is in another clause: about something else
    amounts = tuple(a for a in (_amount(q, share) for q in read) if a is not None)
    return Fact(
        claim=claim,
        source=source,
        published=published,
        negated=negated,
        polarity=_polarity(polar, negated),
        amounts=amounts,
        terms=share(claim_terms(claim, key)),
        when=share(m.casefold() for m in _WHEN.findall(_REPORTED_WHEN.sub(" ", key))),
        key=key,
        quantities=read,
        stance=said,
    )


def member_order(fact: Fact) -> tuple[bool, date, str, str]:
    """Sort key: published date (undated last), then source, then claim id."""
    return (fact.published is None, fact.published or date.min, fact.source, fact.claim.id)
