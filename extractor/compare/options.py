"""The comparison's thresholds and sizes, in one frozen object with measured defaults.

:class:`CompareOptions` is what a caller tunes; :class:`Thresholds` holds the cosine
thresholds of one kind of embedding (a sentence model's cosines run higher than hashed
lexical features').
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["CompareOptions", "Evidence", "Thresholds"]


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Cosine thresholds for one kind of embedding (see ``CompareOptions``)."""

    link: float  #: two claims giving the same count may state the same fact
    plain_link: float  #: two claims without counts may state the same fact
    paraphrase: float  #: two claims are the same claim (duplicates)
    sure: float  #: below this, an uncheckable cluster is left to the judge


@dataclass(frozen=True, slots=True)
class Evidence:
    """How what two claims name, beyond their wording, moves the cosine they link at.

    A key entity term's *rarity* is ``log((n + 1) / df) / log(n + 1)`` over the ``n``
    claims compared (0.81 for a name two of 40 claims give, near 0 for one every claim
    gives): sharing "Winston" says more than sharing "Paris". The defaults were chosen on
    the ECB+ training topics (``benchmarks/cross_source.py --split train``) and checked on
    the samples end to end.
    """

    #: a shared key term of rarity 1 lowers the threshold by this much (rarer, more)
    shared_term: float = 0.1
    #: claims naming no common key term need this much more cosine; ``None``: never link
    #: (claims without counts, or both naming terms; one naming none is no evidence)
    no_shared_term: float | None = 0.2
    #: a claim without counts may state the fact of one with counts ("North Korea sent
    #: troops" and "sent 10,000 troops") at this much more cosine; ``None``: never
    one_sided_counts: float | None = 0.0
    #: ... and only when they share a key term at least this rare (a name that places
    #: them in one incident, not one every claim of the news topic gives)
    one_sided_rarity: float = 0.3
    #: two counts of one value with at least this many significant digits are one count
    #: whatever they name ("23 pirates", "23 piracy suspects"; 10,000 troops and 10,000
    #: containers, one digit, stay apart); ``None``: only counts of one kind
    specific_digits: int | None = 2


@dataclass(frozen=True, slots=True)
class CompareOptions:
    """Thresholds and sizes of dedup, clustering and relations, with measured defaults."""

    semantic: Thresholds = Thresholds(link=0.5, plain_link=0.55, paraphrase=0.88, sure=0.65)
    lexical: Thresholds = Thresholds(link=0.3, plain_link=0.4, paraphrase=0.9, sure=0.6)
    #: a merge of two groups needs every cross pair's cosine >= link - this margin
    linkage_margin: float = 0.1
    #: two amounts of one kind describe the same count only within this ratio of values
    magnitude_ratio: float = 3.0
    #: what shared names and counts add to or take from a link (see :class:`Evidence`)
    evidence: Evidence = Evidence()
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
