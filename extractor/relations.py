"""How the claims of one cluster relate, decided by code with rules a reader can check.

This module holds what the rules read -- a :class:`Fact` per claim (outlet, date,
polarity, quantities as :class:`Amount` intervals of a kind, key entity terms) -- the
thresholds of the whole comparison (:class:`CompareOptions`), the decision
(:func:`decide`) and the seam for a model that decides what code cannot (:data:`Judge`).

The rules, in order (the first that fires wins):

1. ``single_source`` -- every claim (duplicates included) comes from one outlet;
2. ``superseded`` -- every negative claim (denied, or negated: "has not confirmed") is
   dated, and a claim published after the last of them affirms it (a denial, then a
   confirmation);
3. ``contradiction`` -- one source affirms what another denies or negates;
4. ``numeric_discrepancy`` -- two sources give quantities of the same kind whose
   ``[lower, upper]`` intervals do not overlap (``upper=None`` is unbounded above);
5. ``agree`` -- otherwise. "Unverified" claims (alleged, purported, without details) do
   not conflict with affirmations: they are reported with a caveat. When nothing was
   checkable (no shared quantities, no stance cue) and the claims are only loosely
   similar or worded as opposites, the decision is marked uncertain and a
   :data:`Judge` (a model) may overrule it.

A judge answers through ``prompts/compare_claims.v1.jinja``; :func:`parse_judgement`
reads its answer strictly. "unrelated" is returned as ``Relation.single_source``: the
claims do not state one fact, so each is reported by only its own source.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Literal

from .models import Claim, Quantity, Relation, Stance
from .stance import is_negated

__all__ = [
    "Amount",
    "CompareOptions",
    "Decision",
    "Fact",
    "Judge",
    "Polarity",
    "Thresholds",
    "amount_conflict",
    "amounts_compatible",
    "decide",
    "make_fact",
    "member_order",
    "opposite_wording",
    "parse_judgement",
    "quantity_kind",
]

#: Decides a cluster code could not: returns (relation, one-line reason) or None to abstain.
Judge = Callable[[list[Claim]], tuple[Relation, str] | None]


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Cosine thresholds for one kind of embedding (see ``CompareOptions``)."""

    link: float  #: two claims giving the same count may state the same fact
    plain_link: float  #: two claims without counts may state the same fact
    paraphrase: float  #: two claims are the same claim (duplicates)
    sure: float  #: below this, an uncheckable cluster is left to the judge


@dataclass(frozen=True, slots=True)
class CompareOptions:
    """Thresholds and sizes of dedup, clustering and relations, with measured defaults."""

    semantic: Thresholds = Thresholds(link=0.5, plain_link=0.55, paraphrase=0.88, sure=0.65)
    lexical: Thresholds = Thresholds(link=0.3, plain_link=0.4, paraphrase=0.9, sure=0.6)
    #: a merge of two groups needs every cross pair's cosine >= link - this margin
    linkage_margin: float = 0.1
    #: two amounts of one kind describe the same count only within this ratio of values
    magnitude_ratio: float = 3.0
    #: nearest neighbours kept per claim, and the size of a blocking cell
    neighbours: int = 10
    cell_size: int = 1024
    #: cells each claim is assigned to (soft assignment raises recall)
    probes: int = 2
    #: near duplicates: MinHash LSH on word bigrams, then rapidfuzz token_set_ratio
    minhash_perm: int = 64
    minhash_jaccard: float = 0.5
    near_ratio: float = 90.0
    seed: int = 0

    def thresholds(self, kind: Literal["semantic", "lexical"]) -> Thresholds:
        """The thresholds for an embedder of ``kind``."""
        return self.semantic if kind == "semantic" else self.lexical


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

    def overlaps(self, other: Amount) -> bool:
        """Whether the two intervals share at least one value."""
        slack = 1e-9 * max(1.0, abs(self.lower), abs(other.lower))
        return self.lower <= other.upper + slack and other.lower <= self.upper + slack

    def comparable(self, other: Amount, ratio: float) -> bool:
        """Same kind and stated values within ``ratio`` of each other: plausibly one count.

        10,000 and 12,000 troops are one count reported differently; six and 115,000
        soldiers are two different counts.
        """
        small, large = sorted((abs(self.value), abs(other.value)))
        return self.kind == other.kind and large <= ratio * small


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

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(a.kind for a in self.amounts)

    @property
    def who(self) -> str:
        """The speaker for display; the outlet when the article itself says it."""
        speaker = self.claim.speaker.strip()
        return self.source if speaker.casefold() in {"", "author"} else speaker


@dataclass(frozen=True, slots=True)
class Decision:
    """A cluster's relation, its one-line explanation, and whether code is sure."""

    relation: Relation
    explanation: str
    certain: bool = True


# -- quantities ---------------------------------------------------------------------------

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
    return "/".join([head, *subtypes])


def _amount(quantity: Quantity) -> Amount | None:
    kind = quantity_kind(quantity.unit)
    if kind is None:
        return None
    lower, upper = quantity.lower, quantity.upper
    if lower is None and upper is None:
        lower = upper = quantity.value
    return Amount(
        kind=kind,
        value=quantity.value,
        lower=-math.inf if lower is None else lower,
        upper=math.inf if upper is None else upper,
        raw=quantity.raw,
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
    a: Sequence[Amount], b: Sequence[Amount], ratio: float | None = None
) -> tuple[Amount, Amount] | None:
    """The first pair (from ``a``, from ``b``) of one count with no overlapping partner."""
    for left, right, flip in ((a, b, False), (b, a, True)):
        for x in left:
            same = [
                y for y in right if y.kind == x.kind and (ratio is None or x.comparable(y, ratio))
            ]
            if same and not any(x.overlaps(y) for y in same):
                return (same[0], x) if flip else (x, same[0])
    return None


# -- facts --------------------------------------------------------------------------------

_TOKEN = re.compile(r"[^\W\d_][\w’'-]*")
_NOT_TERMS = frozenset(
    """a an the in on at of for to and but or as by with from this that these those it its
    he she they we his her their our there here after before while when if mr ms mrs dr
    according despite however meanwhile yet also both neither some many most all any no
    not one two three four five six seven eight nine ten it's i you your
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()
)


def _terms(text: str) -> frozenset[str]:
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
            terms.add(word[:5])
    return frozenset(terms)


def _polarity(stance: Stance | None, negated: bool) -> Polarity:
    if stance is Stance.denied or negated:
        return Polarity.negative
    if stance is Stance.unverified:
        return Polarity.uncertain
    return Polarity.positive


def make_fact(claim: Claim, *, source: str, published: date | None) -> Fact:
    """Reduce a claim (quantities and stance already filled) to what the rules use."""
    negated = is_negated(claim.quote)
    amounts = tuple(a for a in map(_amount, claim.quantities) if a is not None)
    return Fact(
        claim=claim,
        source=source,
        published=published,
        negated=negated,
        polarity=_polarity(claim.stance, negated),
        amounts=amounts,
        terms=_terms(claim.text),
    )


def member_order(fact: Fact) -> tuple[bool, date, str, str]:
    """Sort key: published date (undated last), then source, then claim id."""
    return (fact.published is None, fact.published or date.min, fact.source, fact.claim.id)


# -- the decision -------------------------------------------------------------------------

_ANTONYMS = {
    frozenset(pair)
    for pair in [
        ("rose", "fell"),
        ("rise", "fall"),
        ("increase", "decrease"),
        ("increased", "decreased"),
        ("won", "lost"),
        ("win", "lose"),
        ("accepted", "rejected"),
        ("approved", "rejected"),
        ("supports", "opposes"),
        ("advanced", "retreated"),
        ("captured", "lost"),
        ("liberated", "occupied"),
        ("alive", "dead"),
        ("true", "false"),
        ("more", "fewer"),
    ]
}
_WORD = re.compile(r"\w+")


def opposite_wording(texts: Sequence[str]) -> bool:
    """Whether two of ``texts`` differ by a pair of antonyms ("rose"/"fell", "won"/"lost")."""
    words = [set(_WORD.findall(t.casefold())) for t in texts]
    for i, left in enumerate(words):
        for right in words[i + 1 :]:
            for pair in _ANTONYMS:
                a, b = tuple(pair)
                if (a in left - right and b in right - left) or (
                    b in left - right and a in right - left
                ):
                    return True
    return False


def _cite(fact: Fact) -> str:
    """``Speaker (Source, date)``, or ``Source (date)`` when the outlet says it itself."""
    where = [] if fact.who == fact.source else [fact.source]
    if fact.published:
        where.append(fact.published.isoformat())
    return f"{fact.who} ({', '.join(where)})" if where else fact.who


def _snippet(fact: Fact, limit: int = 70) -> str:
    quote = " ".join(fact.claim.quote.split())
    return f"“{quote if len(quote) <= limit else quote[: limit - 1].rstrip() + '…'}”"


_STANCE_VERB = {
    Polarity.negative: "denies",
    Polarity.uncertain: "calls it unverified",
    Polarity.positive: "affirms",
}


def _verb(fact: Fact) -> str:
    if fact.polarity is Polarity.negative and fact.claim.stance is not Stance.denied:
        return "says not"
    return _STANCE_VERB[fact.polarity]


def _single_source(facts: Sequence[Fact], source: str) -> Decision:
    count = len(facts)
    text = f"only {source} reports this" + (f" ({count} claims)" if count > 1 else "")
    pos = [f for f in facts if f.polarity is Polarity.positive]
    neg = [f for f in facts if f.polarity is Polarity.negative]
    if pos and neg:
        text += f"; within it {pos[0].who} affirms and {neg[0].who} {_verb(neg[0])}"
    return Decision(Relation.single_source, text)


def _superseded(facts: Sequence[Fact]) -> Decision | None:
    """An earlier denial or negation, then a later affirmation (all denials dated)."""
    negative = [f for f in facts if f.polarity is Polarity.negative]
    if not negative or any(f.published is None for f in negative):
        return None
    before = max(negative, key=member_order)
    assert before.published is not None
    later = [
        f
        for f in facts
        if f.polarity is Polarity.positive
        and f.published is not None
        and f.published > before.published
    ]
    if not later:
        return None
    after = min(later, key=member_order)
    return Decision(
        Relation.superseded,
        f"{_cite(before)} {_verb(before)}: {_snippet(before)}; later {_cite(after)} affirms: "
        f"{_snippet(after)}: the later claim reverses the earlier",
    )


def _contradiction(facts: Sequence[Fact]) -> Decision | None:
    for pos in (f for f in facts if f.polarity is Polarity.positive):
        for neg in (f for f in facts if f.polarity is Polarity.negative):
            if pos.source != neg.source:
                first, second = sorted((pos, neg), key=member_order)
                return Decision(
                    Relation.contradiction,
                    f"{_cite(first)} {_verb(first)}: {_snippet(first)}; {_cite(second)} "
                    f"{_verb(second)}: {_snippet(second)}: stances conflict",
                )
    return None


def _listing(facts: Iterable[Fact], kind: str, limit: int = 4) -> list[str]:
    entries: list[str] = []
    for fact in facts:
        for amount in fact.amounts:
            if amount.kind == kind:
                entry = f"{_cite(fact)}: {amount.raw}"
                if entry not in entries:
                    entries.append(entry)
    return entries[:limit]


def _discrepancy(facts: Sequence[Fact], ratio: float) -> Decision | None:
    for i, a in enumerate(facts):
        for b in facts[i + 1 :]:
            if a.source == b.source:
                continue
            pair = amount_conflict(a.amounts, b.amounts, ratio)
            if pair is None:
                continue
            first = f"{_cite(a)}: {pair[0].raw}"
            second = f"{_cite(b)}: {pair[1].raw}"
            others = [e for e in _listing(facts, pair[0].kind) if e not in (first, second)]
            shown = "; ".join([first, second, *others[:2]])
            return Decision(Relation.numeric_discrepancy, f"{shown}: bounds do not overlap")
    return None


def _checked_kind(facts: Sequence[Fact]) -> str | None:
    """The quantity kind given by the most sources, if at least two give it."""
    sources: dict[str, set[str]] = {}
    for fact in facts:
        for kind in fact.kinds:
            sources.setdefault(kind, set()).add(fact.source)
    shared = [(len(s), kind) for kind, s in sources.items() if len(s) > 1]
    return max(shared, key=lambda item: (item[0], item[1]))[1] if shared else None


def _caveat(facts: Sequence[Fact]) -> str:
    unverified = sorted({f.source for f in facts if f.polarity is Polarity.uncertain})
    return f" (unverified in {', '.join(unverified)})" if unverified else ""


def decide(
    facts: Sequence[Fact],
    *,
    sources: Sequence[str],
    weakest_similarity: float,
    sure: float,
    ratio: float = 3.0,
) -> Decision:
    """Decide the relation of one cluster of ``facts`` (ordered by :func:`member_order`).

    ``sources`` are the outlets of the cluster's claims and their duplicates;
    ``weakest_similarity`` is the lowest cosine between claims of different sources;
    amounts are compared only with amounts of the same kind within ``ratio``.
    """
    distinct = sorted(set(sources))
    if len(distinct) < 2:
        return _single_source(facts, distinct[0] if distinct else "one source")
    decision = _superseded(facts) or _contradiction(facts) or _discrepancy(facts, ratio)
    if decision is not None:
        return decision
    names = ", ".join(distinct)
    kind = _checked_kind(facts)
    opposite = opposite_wording([f.claim.text for f in facts])
    if opposite or (kind is None and weakest_similarity < sure):
        why = "opposite wording" if opposite else f"similarity {weakest_similarity:.2f}"
        return Decision(
            Relation.agree,
            f"{names} state a similar fact with no conflicting stance or numbers "
            f"(unchecked: {why})",
            certain=False,
        )
    if kind is not None:
        numbers = "; ".join(_listing(facts, kind))
        return Decision(Relation.agree, f"{names} agree{_caveat(facts)}: {numbers}")
    return Decision(
        Relation.agree,
        f"{names} state the same fact{_caveat(facts)} with no conflicting stance or numbers",
    )


# -- the judge's answer -------------------------------------------------------------------

_JUDGEMENT = re.compile(
    r"\A\s*Relation:[ \t]*(agree|contradiction|unrelated)[ \t]*\r?\n"
    r"[ \t]*Reason:[ \t]*(\S[^\r\n]*?)[ \t]*\s*\Z",
    re.IGNORECASE,
)
_JUDGED = {
    "agree": Relation.agree,
    "contradiction": Relation.contradiction,
    "unrelated": Relation.single_source,
}


def parse_judgement(text: str) -> tuple[Relation, str] | None:
    """Read a judge's answer: exactly ``Relation: agree|contradiction|unrelated`` then
    ``Reason: ...`` on the next line, nothing else. Anything else is ``None``.

    "unrelated" becomes ``Relation.single_source`` (the cluster is split by the caller).
    """
    match = _JUDGEMENT.match(text)
    if match is None:
        return None
    return _JUDGED[match.group(1).casefold()], match.group(2).strip()
