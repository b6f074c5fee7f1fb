"""Whether two claims may state one fact: the pair test of the clustering.

:func:`link_threshold` gives the cosine at which two claims link, or ``None`` when
nothing may join them. It reads what the claims give beyond their wording:

* **counts** -- two claims whose counts can be one count (the same kind within a ratio;
  sums of money in any currencies; one specific number of differently named things,
  "23 pirates" and "23 piracy suspects") link at ``link``; counts of which no two can be one
  never link (10,000 troops and 1,500 special forces); a count on one side only links at
  a higher cosine through a rare shared name, if at all, and never within one article
  (:class:`~.options.Evidence`);
* **time** -- disjoint years or event weekdays never link;
* **names** -- a shared key entity term lowers the threshold by its *rarity* among the
  claims compared (:func:`term_rarity`: sharing a name only two claims give says more
  than sharing one every claim gives), except between two claims of one article, which
  repeats its own names whatever it states; none shared is a veto or a higher threshold.

:func:`may_link` is the same test as a yes or no, for the incremental comparison.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

from .facts import Amount, Fact
from .options import Evidence

__all__ = [
    "DEFAULT_EVIDENCE",
    "count_extra",
    "link_threshold",
    "may_link",
    "restates_count",
    "significant_digits",
    "specific",
    "term_rarity",
]

DEFAULT_EVIDENCE = Evidence()
#: kinds of quantity that do not name what they count: a share ("5 percent")
_UNNAMED_KINDS = frozenset({"%"})


def significant_digits(value: float) -> int:
    """How specific a stated number is: 23 and 1,500 have two significant digits, 10,000
    and 5 one; a fraction counts as specific (3); infinity or NaN as none (0)."""
    if not math.isfinite(value):
        return 0
    if value != int(value):
        return 3
    return len(str(abs(int(value))).rstrip("0"))


#: counts of time: "24 hours" and "24 people" share a number by chance
_TIME_KINDS = frozenset(
    "second minute hour day night week weekend month year decade century".split()
)


def specific(amount: Amount, digits: int) -> bool:
    """A number that names one count by itself: exact (no hedge, range or vague plural, whose
    values the parser supplies), with at least ``digits`` significant digits, not a span of
    time, not a year ("the 2022 elections") and no share or sum of money."""
    value = amount.value
    return (
        amount.exact
        and not amount.money
        and amount.kind not in _UNNAMED_KINDS
        and amount.kind not in _TIME_KINDS
        and not (1800 <= value <= 2100 and str(int(value)) in amount.raw)
        and significant_digits(value) >= digits
    )


def _one_count(x: Amount, y: Amount, ratio: float, evidence: Evidence) -> bool:
    """Plausibly one count: comparable; sums of money within ``ratio`` whatever their
    currencies (a conversion: "85 million euros ($108 million)"); or one specific number
    of things named differently ("23 pirates", "23 piracy suspects", "23 of the raiders":
    the unit classes cannot know every synonym, and a shared 23 rarely is chance)."""
    if x.money and y.money:
        return x.near(y, ratio)
    if x.comparable(y, ratio):
        return True
    digits = evidence.specific_digits
    return digits is not None and x.value == y.value and specific(x, digits) and specific(y, digits)


def _same_count(a: Fact, b: Fact, ratio: float, evidence: Evidence) -> bool:
    """Both give counts and some two of them are one count."""
    return any(_one_count(x, y, ratio, evidence) for x in a.amounts for y in b.amounts)


def count_extra(a: Fact, b: Fact, ratio: float, evidence: Evidence) -> float | None:
    """The cosine counts add to a link: 0 for the same count or none, ``None`` (never)
    for counts of which no two can be one (10,000 troops and 1,500 special forces, two
    million euros and 85 million euros), ``evidence.one_sided_counts`` when one claim
    gives counts and the other none."""
    if not (a.amounts or b.amounts) or _same_count(a, b, ratio, evidence):
        return 0.0
    if a.amounts and b.amounts:
        return None
    return evidence.one_sided_counts


def restates_count(a: Fact, b: Fact) -> bool:
    """Some count of ``a`` is one of ``b``'s to the letter: the same kind and value ("nearly
    10,000 soldiers" and "10,000 soldiers"). A count of a noun names what it counts; a
    share or a sum of money does not, so for those the parse's referents must not differ
    ("5 percent" inflation and "5 percent" unemployment restate nothing). Within one
    article, that restates a fact, where a shared name does not."""
    return any(
        x.kind == y.kind
        and x.value == y.value
        and (
            not (x.money or x.kind in _UNNAMED_KINDS)
            or x.same_referent(y)
            or not (x.referent and y.referent)
        )
        for x in a.amounts
        for y in b.amounts
    )


def _same_referent(a: Fact, b: Fact, ratio: float) -> bool:
    """Some count of ``a`` and of ``b`` is one count with referents sharing a word."""
    return any(x.comparable(y, ratio) and x.same_referent(y) for x in a.amounts for y in b.amounts)


def term_rarity(facts: Sequence[Fact]) -> dict[str, float]:
    """Each key term's rarity among ``facts`` (see :class:`~.options.Evidence`)."""
    counts = Counter(term for fact in facts for term in fact.terms)
    scale = math.log(len(facts) + 1)
    return {term: math.log((len(facts) + 1) / df) / scale for term, df in counts.items()}


def link_threshold(
    a: Fact,
    b: Fact,
    link: float,
    plain_link: float,
    margin: float,
    ratio: float,
    *,
    evidence: Evidence = DEFAULT_EVIDENCE,
    rarity: Mapping[str, float] | None = None,
) -> float | None:
    """The cosine at which ``a`` and ``b`` link, ``None`` when they never do.

    ``link`` when they give the same count, else ``plain_link``; ``margin`` lower when the
    parse says they count the same thing; lower by up to ``evidence.shared_term`` for a
    shared key term (by its ``rarity``, 1 when not given), higher by
    ``evidence.no_shared_term`` when they share none. Never across conflicting counts or
    disjoint years and weekdays ("on Saturday" and "on Thursday": two events), and a count
    on one side only links only through a shared name of rarity at least
    ``evidence.one_sided_rarity``, and never between two claims of one article.
    """
    extra = count_extra(a, b, ratio, evidence)
    if extra is None or not a.same_time(b):
        return None
    same = bool(a.amounts and b.amounts)
    threshold = (link if same else plain_link) + extra
    if _same_referent(a, b, ratio):
        threshold -= margin  # the parse says they count the same thing: trust it more
    shared = a.terms & b.terms
    weight = max(((rarity or {}).get(term, 1.0) for term in shared), default=0.0)
    # an article repeats its own names, however rare among all the claims: inside one,
    # a shared name is no sign of one fact
    same_article = a.claim.article_id == b.claim.article_id
    if bool(a.amounts) != bool(b.amounts) and (weight < evidence.one_sided_rarity or same_article):
        return None  # a count on one side only: only through a rare name of two articles
    if shared:
        if same_article:
            return threshold
        return threshold - evidence.shared_term * weight
    if (a.terms and b.terms) or not same:
        if evidence.no_shared_term is None:
            return None
        threshold += evidence.no_shared_term
    return threshold


def may_link(
    a: Fact,
    b: Fact,
    similarity: float,
    *,
    link: float,
    plain_link: float,
    margin: float = 0.1,
    ratio: float = 3.0,
    evidence: Evidence = DEFAULT_EVIDENCE,
    rarity: Mapping[str, float] | None = None,
) -> bool:
    """Whether :func:`cluster_facts` would link ``a`` and ``b`` as a candidate pair."""
    threshold = link_threshold(
        a, b, link, plain_link, margin, ratio, evidence=evidence, rarity=rarity
    )
    return threshold is not None and similarity >= threshold
