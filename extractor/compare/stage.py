"""Line up claims across sources: deduplicate, cluster by fact, decide each relation.

::

    comparison = compare(claims, articles=articles)        # -> Comparison

``compare`` accepts claims from any producer that fit :class:`~extractor.models.Claim`,
including claims with only ``article_id``, ``text``, ``quote`` and ``speaker``: missing
quantities (an empty list) are parsed from the quote and a missing stance (``None``) is
detected from it. Outlets and dates come from ``articles`` (objects, a mapping by id, or
:func:`load_articles_metadata`); without them a claim's source is its ``article_id``.

The output is deterministic: clusters are ordered by relation (contradiction,
superseded, numeric_discrepancy, agree, single_source) and then by id, and a cluster's
id is a hash of its sorted member claim ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Literal, TypeVar

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel

from ..errors import ExtractorError
from ..language.quantities import parse_quantities
from ..language.stance import detect_stance
from ..models import (
    Article,
    Claim,
    Cluster,
    ClusterMember,
    Comparison,
    Quantity,
    Relation,
    Stance,
    content_hash,
)
from ..settings import Settings
from .articles import index_articles
from .clustering import Rows, cluster_facts, neighbour_pairs
from .dedup import (
    DuplicateGroup,
    group_numbers,
    merge_lexical,
    merge_paraphrases,
    merged_groups,
)
from .embeddings import Embedder, default_embedder
from .facts import Fact, make_facts, member_order
from .judge import Judge
from .options import CompareOptions
from .rules import Decision, decide

__all__ = [
    "RELATION_ORDER",
    "assemble",
    "claim_facts",
    "compare",
    "compare_facts",
    "link_floor",
]

#: display order of relations: what a reader should look at first
RELATION_ORDER = {
    Relation.contradiction: 0,
    Relation.superseded: 1,
    Relation.numeric_discrepancy: 2,
    Relation.agree: 3,
    Relation.single_source: 4,
}
_MAX_WEAKEST = 256  # clusters larger than this use centroid similarity for the weakest link


_M = TypeVar("_M", bound=BaseModel)

#: one set of explicitly set field names per model and names (see :func:`_share_fields`)
_FIELD_SETS: dict[tuple[type[BaseModel], frozenset[str]], set[str]] = {}


def _share_fields(model: _M) -> _M:
    """``model`` with its set of explicitly set field names swapped for an equal, shared one.

    Pydantic gives every instance a set of its own: 728 bytes for five names or more, more
    than a parsed quantity's values, and kept for every claim of a comparison. Only
    assigning to a field not in it adds to it (and so to every sharer's): members and
    clusters are built with all their fields, so theirs cannot grow.
    """
    names = model.__pydantic_fields_set__
    shared = _FIELD_SETS.setdefault((type(model), frozenset(names)), names)
    object.__setattr__(model, "__pydantic_fields_set__", shared)
    return model


def _facts(claims: Iterable[Claim], meta: Mapping[str, Article]) -> list[Fact]:
    def read(claim: Claim) -> tuple[Claim, str, date | None, list[Quantity], Stance]:
        article = meta.get(claim.article_id)
        return (
            claim,
            article.source if article else claim.article_id,
            article.published if article else None,
            claim.quantities or [_share_fields(q) for q in parse_quantities(claim.quote)],
            claim.stance if claim.stance is not None else detect_stance(claim.quote),
        )

    return make_facts(map(read, claims))


def _weakest(facts: Sequence[Fact], vectors: NDArray[np.float32]) -> float:
    """The lowest cosine between two members from different sources (1.0 if none)."""
    if len(facts) > _MAX_WEAKEST:
        centroid = vectors.sum(axis=0)
        centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
        return float((vectors @ centroid).min())
    sims = vectors @ vectors.T
    sources = np.array([f.source for f in facts], dtype=object)
    cross = sources[:, None] != sources[None, :]
    return float(sims[cross].min()) if cross.any() else 1.0


def _member(group: DuplicateGroup) -> ClusterMember:
    fact, claim = group.kept, group.kept.claim
    member = ClusterMember(
        claim_id=claim.id,
        article_id=claim.article_id,
        source=fact.source,
        published=fact.published,
        speaker=claim.speaker,
        stance=fact.stance if fact.stance is not None else detect_stance(claim.quote),
        text=claim.text,
        quote=claim.quote,
        quantities=list(fact.quantities),
        duplicates=[d.claim_id for d in group.duplicates],
    )
    return _share_fields(member)


def _cluster(
    groups: Sequence[DuplicateGroup],
    decision: Decision,
    decided_by: Literal["code", "model"] = "code",
) -> Cluster:
    ordered = sorted(groups, key=lambda g: member_order(g.kept))
    sources = list(dict.fromkeys(s for g in ordered for s in g.sources))
    cluster = Cluster(
        id=content_hash(*sorted(g.kept.claim.id for g in ordered)),
        relation=decision.relation,
        explanation=decision.explanation,
        members=[_member(g) for g in ordered],
        sources=sources,
        decided_by=decided_by,
        checked=decision.certain or decided_by == "model",
    )
    return _share_fields(cluster)


def _ask(judge: Judge, groups: Sequence[DuplicateGroup]) -> tuple[Relation, str] | None:
    try:
        return judge([g.kept.claim for g in groups])
    except ExtractorError:
        return None


def _judged(groups: Sequence[DuplicateGroup], verdict: tuple[Relation, str]) -> list[Cluster]:
    """Clusters as the judge decided them; "unrelated" splits the cluster by source."""
    relation, reason = verdict
    if relation is not Relation.single_source:
        return [_cluster(groups, Decision(relation, f"judge: {reason}"), "model")]
    by_source: dict[str, list[DuplicateGroup]] = {}
    for group in groups:
        by_source.setdefault(group.kept.source, []).append(group)
    return [
        _cluster(part, Decision(Relation.single_source, f"judge: unrelated: {reason}"), "model")
        for part in by_source.values()
    ]


def _relate(
    members: Sequence[DuplicateGroup],
    weakest: float,
    sure: float,
    options: CompareOptions,
    judge: Judge | None,
) -> list[Cluster]:
    """The cluster(s) of one connected group (``weakest``: its lowest cross-source cosine):
    decided by code, or by the judge if unsure."""
    facts = [g.kept for g in members]
    decision = decide(
        facts,
        sources=[s for g in members for s in g.sources],
        weakest_similarity=weakest,
        sure=sure,
        ratio=options.magnitude_ratio,
        duplicates=[d.fact for g in members for d in g.duplicates],
    )
    verdict = _ask(judge, members) if judge and not decision.certain else None
    return [_cluster(members, decision)] if verdict is None else _judged(members, verdict)


def compare_facts(
    facts: Sequence[Fact],
    vectors: NDArray[np.float32],
    *,
    kind: Literal["semantic", "lexical"],
    options: CompareOptions,
    judge: Judge | None = None,
    rarity: Mapping[str, float] | None = None,
) -> list[Cluster]:
    """The clusters of ``facts`` (rows of ``vectors`` are their keys' embeddings).

    The core of :func:`compare`, for callers that keep vectors between runs (the
    incremental comparison of scheduled runs): dedup, blocking, linking, relations.
    Clusters come unsorted; every fact is in exactly one cluster. ``rarity`` gives key
    terms' rarity when ``facts`` are part of a larger set (default: among ``facts``).
    ``vectors`` is read in place, never copied, and let go of before the clusters are
    built: passed without a reference of the caller's, its memory is free for them.
    """
    if not facts:
        return []
    thresholds = options.thresholds(kind)
    # deduplicate's steps apart: the lexical ones' memory is let go of before the
    # neighbours are found (what deduplicate(facts, pairs=...) does, in the same order)
    merger = merge_lexical(
        facts, options.near_ratio, options.minhash_perm, options.minhash_jaccard, options.seed
    )
    pairs = neighbour_pairs(
        vectors,
        k=options.neighbours,
        floor=link_floor(options, kind),
        cell_size=options.cell_size,
        probes=options.probes,
        seed=options.seed,
    )
    merge_paraphrases(merger, pairs, thresholds.paraphrase)
    # the claims' pairs become the groups' before the groups are built, and go
    between = pairs.between_groups(group_numbers(merger))
    del pairs
    groups = merged_groups(merger)
    del merger
    # the kept claims' rows, read in place: a copy would double the matrix (the caller
    # holds all of it)
    kept_vectors = Rows(vectors, np.array([g.indices[0] for g in groups], dtype=np.int64))
    components = cluster_facts(
        [g.kept for g in groups],
        kept_vectors,
        between,
        link=thresholds.link,
        plain_link=thresholds.plain_link,
        margin=options.linkage_margin,
        ratio=options.magnitude_ratio,
        evidence=options.evidence,
        rarity=rarity,
    )
    ordered = [sorted(c, key=lambda i: member_order(groups[i].kept)) for c in components]
    weakest = [
        _weakest([groups[i].kept for i in order], kept_vectors[order]) if len(order) > 1 else 1.0
        for order in ordered
    ]
    # the matrix is no longer needed: a caller that gave it away (compare) frees it here,
    # before the clusters are built
    del vectors, kept_vectors
    clusters: list[Cluster] = []
    for order, low in zip(ordered, weakest, strict=True):
        members = [groups[i] for i in order]
        clusters.extend(_relate(members, low, thresholds.sure, options, judge))
    return clusters


def link_floor(options: CompareOptions, kind: Literal["semantic", "lexical"]) -> float:
    """The lowest cosine at which two claims can end up in one cluster."""
    thresholds = options.thresholds(kind)
    lowest = min(thresholds.link, thresholds.plain_link, thresholds.paraphrase)
    return lowest - options.linkage_margin - options.evidence.shared_term


def assemble(clusters: Iterable[Cluster], judge: Judge | None = None) -> Comparison:
    """A :class:`Comparison` of ``clusters``, in display order, with its counts."""
    ordered = sorted(clusters, key=lambda c: (RELATION_ORDER[c.relation], c.id))
    judged = any(c.decided_by == "model" for c in ordered)
    return Comparison(
        clusters=ordered,
        claims=sum(len(c.members) for c in ordered),
        duplicates=sum(len(m.duplicates) for c in ordered for m in c.members),
        prompt_version=getattr(judge, "prompt_version", None) if judged else None,
        model=getattr(judge, "model", None) if judged else None,
    )


def claim_facts(
    claims: Iterable[Claim], articles: Mapping[str, Article] | Iterable[Article] | None
) -> list[Fact]:
    """``claims`` as the rules read them, with outlets and dates from ``articles``."""
    return _facts(claims, index_articles(articles))


def compare(
    claims: Iterable[Claim],
    settings: Settings | None = None,
    *,
    articles: Mapping[str, Article] | Iterable[Article] | None = None,
    embedder: Embedder | None = None,
    judge: Judge | None = None,
    options: CompareOptions | None = None,
) -> Comparison:
    """Compare ``claims`` across sources (see the module docstring).

    ``embedder`` defaults to MiniLM when the ``semantic`` extra is installed, else the
    lexical hashing embedder. ``judge`` is asked only about clusters code cannot decide;
    clusters it decides are marked ``decided_by="model"``. ``settings`` is accepted for
    the library's uniform signature; comparison thresholds live in ``options``.
    """
    del settings  # nothing in Settings concerns comparison yet
    options = options or CompareOptions()
    facts = claim_facts(claims, articles)
    if not facts:
        return Comparison()
    embedder = embedder or default_embedder()
    clusters = compare_facts(  # given away: freed as soon as the clusters are decided
        facts,
        embedder.encode([f.key for f in facts]),
        kind=embedder.kind,
        options=options,
        judge=judge,
    )
    return assemble(clusters, judge)
