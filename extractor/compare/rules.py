"""How the claims of one cluster relate, decided by code with rules a reader can check.

The rules, in order (the first that fires wins):

1. ``single_source`` -- every claim (duplicates included) comes from one outlet;
2. ``superseded`` -- a claim affirms the very proposition that earlier claims denied or
   left unconfirmed ("has not confirmed"), every one of those denials dated and published
   before it;
3. ``contradiction`` -- one source affirms what another denies or negates;
4. ``numeric_discrepancy`` -- two sources give quantities of the same kind whose
   ``[lower, upper]`` intervals do not overlap (``upper=None`` is unbounded above);
5. ``agree`` -- otherwise. "Unverified" claims (alleged, purported, without details) do
   not conflict with affirmations: they are reported with a caveat. When nothing was
   checkable (no shared quantities, no stance cue) and the claims are only loosely
   similar or worded as opposites, the decision is marked uncertain and a
   :data:`~extractor.compare.judge.Judge` (a model) may overrule it.

Rules 2 and 3 read only pairs that state one proposition (:func:`same_proposition`: the
same count, a shared key term), and a negation counts only in the clauses that state the
claim's numbers: "10,000 soldiers ... but they didn't move them" affirms the 10,000 (see
:func:`~extractor.compare.facts.make_fact`). Every explanation cites the claims it rests
on: speaker, outlet, date and quote.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..models import Relation, Stance
from .facts import Fact, Polarity, amount_conflict, member_order

__all__ = ["Decision", "antonym_words", "decide", "opposite_wording", "same_proposition"]


@dataclass(frozen=True, slots=True)
class Decision:
    """A cluster's relation, its one-line explanation, and whether code is sure."""

    relation: Relation
    explanation: str
    certain: bool = True


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
_ANTONYM_WORDS = frozenset(word for pair in _ANTONYMS for word in pair)
_WORD = re.compile(r"\w+")


def antonym_words(text: str) -> frozenset[str]:
    """The words of ``text`` that belong to a pair of antonyms (all :func:`opposite_wording`
    reads of it)."""
    return frozenset(_WORD.findall(text.casefold())) & _ANTONYM_WORDS


def opposite_wording(texts: Sequence[str]) -> bool:
    """Whether two of ``texts`` differ by a pair of antonyms ("rose"/"fell", "won"/"lost").

    Linear in the number of texts: two texts differ by the pair (a, b) exactly when one
    has a without b and another has b without a.
    """
    seen = {antonym_words(text) for text in texts}
    for pair in _ANTONYMS:
        a, b = tuple(pair)
        if any(a in w and b not in w for w in seen) and any(b in w and a not in w for w in seen):
            return True
    return False


def _cite(fact: Fact) -> str:
    """``Speaker (Source, date)``, or ``Source (date)`` when the outlet says it itself."""
    where = [] if fact.who == fact.source else [fact.source]
    where.append(fact.published.isoformat() if fact.published else "undated")
    return f"{fact.who} ({', '.join(where)})"


def _both(facts: Sequence[Fact]) -> str:
    """The first two claims from different outlets, each cited with its quote."""
    first = facts[0]
    second = next((f for f in facts if f.source != first.source), None)
    shown = [first] if second is None else [first, second]
    return "; ".join(f"{_cite(f)}: {_snippet(f)}" for f in shown)


def _snippet(fact: Fact, limit: int = 70) -> str:
    quote = " ".join(fact.claim.quote.split())
    return f"“{quote if len(quote) <= limit else quote[: limit - 1].rstrip() + '…'}”"


_STANCE_VERB = {
    Polarity.negative: "denies",
    Polarity.uncertain: "calls it unverified",
    Polarity.positive: "affirms",
}


def _verb(fact: Fact) -> str:
    if fact.polarity is Polarity.negative and fact.stance is not Stance.denied:
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


def same_proposition(a: Fact, b: Fact, ratio: float = 3.0) -> bool:
    """Whether two claims of a cluster can state one proposition: the same count when
    either gives one (same kind, values within ``ratio``) and a shared key term when both
    name any. A denial or a reversal is read only between claims that pass this."""
    if (a.amounts or b.amounts) and not any(
        x.comparable(y, ratio) for x in a.amounts for y in b.amounts
    ):
        return False
    if not a.same_time(b):
        return False
    return not (a.terms and b.terms) or bool(a.terms & b.terms)


Signature = tuple[
    tuple[tuple[str, float, float, float, frozenset[str]], ...], frozenset[str], frozenset[str]
]


def _by_signature(facts: Iterable[Fact]) -> dict[Signature, list[Fact]]:
    """Facts grouped by what :func:`same_proposition` reads (numbers and key terms), in
    order: the rules compare distinct signatures, not every pair of claims."""
    groups: dict[Signature, list[Fact]] = {}
    for fact in facts:
        numbers = tuple((a.kind, a.value, a.lower, a.upper, a.referent) for a in fact.amounts)
        groups.setdefault((numbers, fact.terms, fact.when), []).append(fact)
    return groups


def _superseded(facts: Sequence[Fact], ratio: float) -> Decision | None:
    """A denial or negation, then a later affirmation of the same proposition.

    For each affirmation's proposition, every denial of it must be dated and the
    affirmation published after the last of them.
    """
    negative = _by_signature(f for f in facts if f.polarity is Polarity.negative)
    positive = _by_signature(f for f in facts if f.polarity is Polarity.positive)
    found: list[tuple[Fact, Fact]] = []
    for affirming in positive.values():
        denials = [
            n
            for group in negative.values()
            if same_proposition(group[0], affirming[0], ratio)
            for n in group
        ]
        if not denials or any(n.published is None for n in denials):
            continue
        before = max(denials, key=member_order)
        assert before.published is not None
        later = [f for f in affirming if f.published is not None and f.published > before.published]
        if later:
            found.append((before, min(later, key=member_order)))
    if not found:
        return None
    before, after = min(found, key=lambda pair: member_order(pair[1]))
    return Decision(
        Relation.superseded,
        f"{_cite(before)} {_verb(before)}: {_snippet(before)}; later {_cite(after)} affirms: "
        f"{_snippet(after)}: the later claim reverses the earlier",
    )


def _two_sources(group: Sequence[Fact]) -> list[Fact]:
    """The first claim of each of the first two outlets in ``group``."""
    firsts: dict[str, Fact] = {}
    for fact in group:
        if len(firsts) == 2:
            break
        firsts.setdefault(fact.source, fact)
    return list(firsts.values())


def _contradiction(facts: Sequence[Fact], ratio: float) -> Decision | None:
    """One outlet affirms what another denies or negates: the same proposition."""
    negative = _by_signature(f for f in facts if f.polarity is Polarity.negative)
    positive = _by_signature(f for f in facts if f.polarity is Polarity.positive)
    found: list[tuple[Fact, Fact]] = []
    for affirming in positive.values():
        for denying in negative.values():
            if not same_proposition(affirming[0], denying[0], ratio):
                continue
            found.extend(
                (pos, neg)
                for pos in _two_sources(affirming)
                for neg in _two_sources(denying)
                if pos.source != neg.source
            )
    if not found:
        return None
    pos, neg = min(found, key=lambda pair: (member_order(pair[0]), member_order(pair[1])))
    first, second = sorted((pos, neg), key=member_order)
    return Decision(
        Relation.contradiction,
        f"{_cite(first)} {_verb(first)}: {_snippet(first)}; {_cite(second)} "
        f"{_verb(second)}: {_snippet(second)}: stances conflict",
    )


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
    """Two outlets' amounts of one count that do not overlap.

    Claims giving the same numbers cannot conflict with each other, so only distinct sets
    of numbers are compared (each with its first claims of two outlets): a sentence
    syndicated by 1,000 outlets is one set, not 10^6 pairs. ``facts`` may hold duplicates
    (a wire story two outlets ran): each is its own outlet's claim.
    """
    by_numbers: dict[tuple[tuple[str, float, float, float, bool], ...], dict[str, int]] = {}
    for n, fact in enumerate(facts):
        if fact.amounts:
            key = tuple((a.kind, a.value, a.lower, a.upper, a.vague) for a in fact.amounts)
            firsts = by_numbers.setdefault(key, {})
            if len(firsts) < 2:
                firsts.setdefault(fact.source, n)
    sets = list(by_numbers.values())
    for u, left in enumerate(sets):
        for right in sets[u + 1 :]:
            a, b = facts[next(iter(left.values()))], facts[next(iter(right.values()))]
            pair = amount_conflict(a.amounts, b.amounts, ratio, open_vague=True)
            if pair is None:
                continue
            found = [
                (i, j)
                for i in left.values()
                for j in right.values()
                if facts[i].source != facts[j].source
            ]
            if not found:
                continue
            a, b = (facts[k] for k in sorted(min(found)))  # the earlier claim first
            pair = amount_conflict(a.amounts, b.amounts, ratio, open_vague=True) or pair
            first = f"{_cite(a)}: {pair[0].raw}"
            second = f"{_cite(b)}: {pair[1].raw}"
            others = [e for e in _listing(facts, pair[0].kind) if e not in (first, second)]
            shown = "; ".join([f"{first} {_snippet(a)}", f"{second} {_snippet(b)}", *others[:2]])
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
    duplicates: Sequence[Fact] = (),
) -> Decision:
    """Decide the relation of one cluster of ``facts`` (ordered by :func:`member_order`).

    ``sources`` are the outlets of the cluster's claims and their duplicates;
    ``weakest_similarity`` is the lowest cosine between claims of different sources;
    amounts are compared only with amounts of the same kind within ``ratio``.
    ``duplicates`` are the claims merged into ``facts``: their numbers are their outlets'
    (Wire B's 10,000, merged into Wire A's report, against Wire A's later 12,000).
    """
    distinct = sorted(set(sources))
    if len(distinct) < 2:
        return _single_source(facts, distinct[0] if distinct else "one source")
    every = sorted([*facts, *duplicates], key=member_order) if duplicates else facts
    decision = (
        _superseded(facts, ratio) or _contradiction(facts, ratio) or _discrepancy(every, ratio)
    )
    if decision is not None:
        return decision
    names = ", ".join(distinct)
    kind = _checked_kind(facts)
    opposite = opposite_wording([f.key for f in facts])
    if opposite or (kind is None and weakest_similarity < sure):
        why = "opposite wording" if opposite else f"similarity {weakest_similarity:.2f}"
        return Decision(
            Relation.agree,
            f"{names} state a similar fact with no conflicting stance or numbers "
            f"(unchecked: {why}): {_both(facts)}",
            certain=False,
        )
    if kind is not None:
        numbers = "; ".join(_listing(facts, kind))
        return Decision(Relation.agree, f"{names} agree{_caveat(facts)}: {numbers}; {_both(facts)}")
    return Decision(
        Relation.agree,
        f"{names} state the same fact{_caveat(facts)} with no conflicting stance or numbers: "
        f"{_both(facts)}",
    )
