"""How good are extracted claims and their comparison? Measured against a gold set.

::

    gold = load_gold("tests/gold/gold.jsonl")
    report = evaluate(gold, claims, comparison)
    Console().print(render_eval_table(report))

Only claims of the gold's articles are scored (the others are counted as ``ignored``).
The metrics, each a pure function of its inputs:

``grounding``
    Share of claims whose quote is in their article at their offsets, verbatim or after
    folding whitespace, quote marks, dashes and case
    (:mod:`~extractor.extraction.grounding`). A claim without offsets is looked up in the
    whole article, fuzzy matches not counted.
``claim`` precision / recall / F1
    A gold claim is found when an extracted claim's span overlaps the gold quote's span by
    at least half of the shorter of the two. Matching is one-to-one, greedy by overlap
    (then by overlapping characters), so one extracted sentence never finds two gold
    claims. A claim without offsets is placed where its quote grounds.
``speaker`` / ``quantity`` / ``stance`` accuracy
    On matched pairs whose gold claim says (always for the speaker). Speakers are equal
    after :func:`normalize_speaker` (case, punctuation, a leading "the", titles such as
    President/Mr/Gen., the aliases of a corpus passed as a data file, :func:`load_aliases`),
    or when the shorter name is the last words
    of the longer ("Lopez" = "Maria Lopez" = "union secretary general Maria Lopez"). A
    quantity is right when one of the claim's quantities has the gold value and bounds,
    each within :data:`QUANTITY_TOLERANCE` (relative); an unbounded side must be unbounded.
``cluster_pairs`` precision / recall / F1
    Over pairs of gold claims in one cluster (gold claims in no cluster are alone), with
    extracted claims (and the duplicates merged into them) mapped to gold by the matching.
``relation`` accuracy
    Per gold cluster: the extracted cluster holding most of its matched claims must have
    the gold relation; a gold cluster none of whose claims was found counts as wrong.

A rate whose denominator is zero is ``None`` (undefined), never a made-up 0 or 1; F1 is
``2·tp / (predicted + gold)``, so no claims against some gold is an F1 of 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from ..extraction.grounding import ground, strip_quote
from ..models import Article, Claim, Comparison, MatchKind
from .gold import GoldClaim, GoldSet
from .report import Accuracy, ClaimMatch, EvalReport, Score, render_eval_table
from .same import (
    QUANTITY_TOLERANCE,
    Aliases,
    load_aliases,
    make_aliases,
    normalize_speaker,
    same_quantity,
    same_speaker,
)

__all__ = [
    "QUANTITY_TOLERANCE",
    "Aliases",
    "load_aliases",
    "make_aliases",
    "Accuracy",
    "ClaimMatch",
    "EvalReport",
    "Matched",
    "Score",
    "cluster_pair_score",
    "evaluate",
    "grounding_rate",
    "match_claims",
    "normalize_speaker",
    "relation_accuracy",
    "render_eval_table",
    "same_quantity",
    "same_speaker",
]

#: least overlap of two spans, as a share of the shorter one, for a claim to find a gold claim
MIN_OVERLAP = 0.5


@dataclass(frozen=True)
class Matched:
    """One gold claim and the extracted claim that found it."""

    gold: GoldClaim
    claim: Claim
    overlap: float


def _is_grounded(claim: Claim, text: str) -> bool:
    if claim.start is None or claim.end is None:
        span = ground(claim.quote, text, fuzzy_threshold=100.0)
        return span is not None and span.match is not MatchKind.fuzzy
    if claim.end > len(text):
        return False
    window = strip_quote(text[claim.start : claim.end])
    span = ground(claim.quote, window, fuzzy_threshold=100.0)
    return (
        span is not None
        and span.match is not MatchKind.fuzzy
        and (span.start, span.end) == (0, len(window))
    )


def grounding_rate(claims: Iterable[Claim], articles: Mapping[str, Article]) -> Accuracy:
    """Share of ``claims`` grounded in their article (``articles`` by id; unknown: not)."""
    results = [
        claim.article_id in articles and _is_grounded(claim, articles[claim.article_id].text)
        for claim in claims
    ]
    return Accuracy.of(sum(results), len(results))


def _claim_span(claim: Claim, text: str) -> tuple[int, int] | None:
    if claim.start is not None and claim.end is not None and claim.end <= len(text):
        return claim.start, claim.end
    span = ground(claim.quote, text)
    return (span.start, span.end) if span else None


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> tuple[float, int]:
    shared = min(a[1], b[1]) - max(a[0], b[0])
    if shared <= 0:
        return 0.0, 0
    return shared / min(a[1] - a[0], b[1] - b[0]), shared


def match_claims(gold: GoldSet, claims: Sequence[Claim]) -> list[Matched]:
    """Pair gold claims with extracted ones: one-to-one, greedy by overlap (see the module)."""
    by_id = {article.id: article for article in gold.articles.values()}
    spans: dict[str, list[tuple[int, tuple[int, int]]]] = {}
    for index, claim in enumerate(claims):
        article = by_id.get(claim.article_id)
        span = _claim_span(claim, article.text) if article else None
        if span is not None:
            spans.setdefault(claim.article_id, []).append((index, span))
    candidates: list[tuple[float, int, int, int]] = []
    for g, gold_claim in enumerate(gold.claims):
        gold_span = gold.span(gold_claim)
        for c, span in spans.get(gold.article_of(gold_claim).id, []):
            ratio, shared = _overlap(gold_span, span)
            if ratio >= MIN_OVERLAP:
                candidates.append((-ratio, -shared, g, c))
    candidates.sort()
    used_claims: set[int] = set()
    found: dict[int, Matched] = {}
    for negative_ratio, _, g, c in candidates:
        if g in found or c in used_claims:
            continue
        used_claims.add(c)
        found[g] = Matched(gold.claims[g], claims[c], -negative_ratio)
    return [found[g] for g in sorted(found)]


def _judge(match: Matched, aliases: Aliases) -> ClaimMatch:
    gold, claim = match.gold, match.claim
    quantity = None
    if gold.quantity is not None:
        quantity = any(same_quantity(gold.quantity, q) for q in claim.quantities)
    return ClaimMatch(
        gold_id=gold.id,
        claim_id=claim.id,
        overlap=round(match.overlap, 4),
        speaker=same_speaker(gold.speaker, claim.speaker, aliases),
        quantity=quantity,
        stance=None if gold.stance is None else claim.stance is gold.stance,
    )


def _gold_of(comparison: Comparison, matches: Sequence[Matched]) -> list[list[str]]:
    """Each extracted cluster as the gold ids its claims (and their duplicates) found."""
    gold_id = {m.claim.id: m.gold.id for m in matches}
    clusters = []
    for cluster in comparison.clusters:
        ids = [i for member in cluster.members for i in (member.claim_id, *member.duplicates)]
        clusters.append(list(dict.fromkeys(gold_id[i] for i in ids if i in gold_id)))
    return clusters


def _pairs(groups: Iterable[Iterable[str]]) -> set[frozenset[str]]:
    return {frozenset(pair) for group in groups for pair in combinations(sorted(set(group)), 2)}


def cluster_pair_score(gold: GoldSet, comparison: Comparison, matches: Sequence[Matched]) -> Score:
    """Pairwise precision/recall/F1 of the comparison's clusters against the gold clusters."""
    expected = _pairs(cluster.claims for cluster in gold.clusters)
    predicted = _pairs(_gold_of(comparison, matches))
    return Score.of(len(expected & predicted), len(predicted), len(expected))


def relation_accuracy(
    gold: GoldSet, comparison: Comparison, matches: Sequence[Matched]
) -> Accuracy:
    """Share of gold clusters whose claims landed in an extracted cluster of their relation."""
    found = _gold_of(comparison, matches)
    correct = 0
    for cluster in gold.clusters:
        members = set(cluster.claims)
        votes = [len(members.intersection(ids)) for ids in found]
        if votes and max(votes) > 0:
            best = votes.index(max(votes))  # the first of equally good clusters
            correct += comparison.clusters[best].relation is cluster.relation
    return Accuracy.of(correct, len(gold.clusters))


def evaluate(
    gold: GoldSet,
    claims: Iterable[Claim],
    comparison: Comparison | None = None,
    *,
    aliases: Aliases | None = None,
) -> EvalReport:
    """Score ``claims`` (and ``comparison``, when given) against ``gold``.

    ``aliases`` (:func:`load_aliases`) are the corpus's other names of its speakers.
    """
    ids = {article.id for article in gold.articles.values()}
    every = list(claims)
    scored = [claim for claim in every if claim.article_id in ids]
    by_id = {article.id: article for article in gold.articles.values()}
    matches = match_claims(gold, scored)
    judged = [_judge(m, aliases or {}) for m in matches]
    found = {m.gold_id for m in judged}
    matched_claims = {m.claim_id for m in judged}
    with_quantity = [m.quantity for m in judged if m.quantity is not None]
    with_stance = [m.stance for m in judged if m.stance is not None]
    return EvalReport(
        articles=len(gold.articles),
        claims=len(scored),
        ignored=len(every) - len(scored),
        grounding=grounding_rate(scored, by_id),
        claim=Score.of(len(matches), len(scored), len(gold.claims)),
        speaker=Accuracy.of(sum(m.speaker for m in judged), len(judged)),
        quantity=Accuracy.of(sum(with_quantity), len(with_quantity)),
        stance=Accuracy.of(sum(with_stance), len(with_stance)),
        cluster_pairs=cluster_pair_score(gold, comparison, matches) if comparison else None,
        relation=relation_accuracy(gold, comparison, matches) if comparison else None,
        matches=judged,
        missed=[c.id for c in gold.claims if c.id not in found],
        unmatched=[c.id for c in scored if c.id not in matched_claims],
    )
