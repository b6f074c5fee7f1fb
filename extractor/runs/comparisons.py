"""The comparison of a scheduled run: incremental over the store, full when it must be.

:func:`update_comparison` brings the store's clusters up to date with its claims:

* **none** -- no claim was added or removed since the clusters were made: nothing to do;
* **incremental** -- the claims written or deleted since the last comparison are noted by
  triggers (``claims_changed``); only the new claims are embedded; their blocking keys
  (key terms, counts) find the stored clusters they may join, and the cluster of each new
  claim's strongest link, by the linking rule, is *touched*. The new claims and the
  members of the touched clusters (and of clusters whose claims were deleted or written
  again) are clustered again by the code of a full comparison; the result replaces the
  touched clusters, the rest stay.
  The work is proportional to what is new and what it meets, not to the store;
* **full** -- no clusters are stored yet, the comparison's configuration (embedder,
  thresholds, judge: :func:`~extractor.compare.incremental.comparison_config`) changed,
  or a full recompute was asked for. Vectors stored for the same embedder are reused.

It returns the clusters it replaced and those it made, so the run can say what changed
(:mod:`.changes`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..compare.embeddings import Embedder
from ..compare.facts import Fact
from ..compare.incremental import (
    comparison_config,
    embedder_label,
    keys_of,
    linked,
    nearest,
    query_keys,
)
from ..compare.judge import Judge
from ..compare.options import CompareOptions
from ..compare.stage import claim_facts, compare_facts, link_floor
from ..models import ChangedClaim, Claim, Cluster, CompareWork
from .changes import changed_claim
from .store import Store

__all__ = ["ComparisonUpdate", "update_comparison"]

#: how many stored clusters one new claim may look at through its blocking keys: its
#: rarest keys first, a key whose clusters would pass this budget is too common to tell
#: which fact the claim is about (a full recompute still links through it)
CANDIDATES_PER_CLAIM = 64


@dataclass
class ComparisonUpdate:
    """What :func:`update_comparison` did, and the clusters it replaced and made.

    The whole comparison is :meth:`Store.latest_comparison` afterwards (reading every
    cluster is the outputs' cost, not the comparison's).
    """

    work: CompareWork
    before: list[Cluster] = field(default_factory=list)  #: stored clusters it replaced
    after: list[Cluster] = field(default_factory=list)  #: clusters it made
    new_claims: set[str] = field(default_factory=set)  #: claims that were in no cluster
    #: the claims merged as duplicates into ``after``'s members, each with its own outlet
    duplicates: dict[str, ChangedClaim] = field(default_factory=dict)


def _duplicates(clusters: Sequence[Cluster], facts: Mapping[str, Fact]) -> dict[str, ChangedClaim]:
    """The duplicates of ``clusters``' members, as a change cites them (their own outlet and
    date, which the member they were merged into does not carry)."""
    found = {}
    for cluster in clusters:
        for member in cluster.members:
            for claim_id in member.duplicates:
                fact = facts.get(claim_id)
                if fact is not None:
                    cited = changed_claim(fact.claim, fact.source)
                    read = {"published": fact.published, "quantities": list(fact.quantities)}
                    found[claim_id] = cited.model_copy(update=read)  # as its member shows
    return found


def _vectors(
    store: Store, embedder: Embedder, facts: Sequence[Fact]
) -> tuple[NDArray[np.float32], dict[str, NDArray[np.float32]]]:
    """The key embeddings of ``facts`` (stored ones reused), and those newly computed."""
    label = embedder_label(embedder)
    ids = [f.claim.id for f in facts]
    stored = store.vectors(ids, label)
    missing = [i for i, claim_id in enumerate(ids) if claim_id not in stored]
    fresh = embedder.encode([facts[i].key for i in missing]) if missing else None
    computed = {ids[i]: fresh[row] for row, i in enumerate(missing)} if fresh is not None else {}
    rows = [stored[c] if c in stored else computed[c] for c in ids]
    matrix = np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 1), np.float32)
    return matrix, computed


def _keys(
    clusters: Sequence[Cluster], facts: Sequence[Fact], options: CompareOptions
) -> dict[str, set[str]]:
    by_claim = {f.claim.id: f for f in facts}
    return {
        c.id: keys_of(
            (by_claim[i] for m in c.members for i in (m.claim_id, *m.duplicates) if i in by_claim),
            options.magnitude_ratio,
            options.evidence.specific_digits,
        )
        for c in clusters
    }


def _full(
    store: Store,
    *,
    embedder: Embedder,
    options: CompareOptions,
    judge: Judge | None,
    fingerprint: str,
    config: dict[str, object],
    run_id: int | None,
    reason: str,
) -> ComparisonUpdate:
    before = store.stored_clusters()
    if not before and store.comparison_fingerprint() is None:
        # a store from before the clusters were kept: its last comparison is what was known
        older = store.latest_comparison()
        before = older.clusters if older is not None else []
    clustered = {i for c in before for m in c.members for i in (m.claim_id, *m.duplicates)}
    claims = store.claims()
    facts = claim_facts(claims, store.article_meta())
    vectors, computed = _vectors(store, embedder, facts)
    after = (
        compare_facts(facts, vectors, kind=embedder.kind, options=options, judge=judge)
        if facts
        else []
    )
    by_claim = {f.claim.id: f for f in facts}
    terms, counted = _kept_terms(after, {i: f.terms for i, f in by_claim.items()})
    store.save_clusters(
        fingerprint, config, run_id=run_id, replace=None, clusters=after,
        keys=_keys(after, facts, options), embedder=embedder_label(embedder),
        vectors=computed, terms=terms, counted=counted,
    )  # fmt: skip
    work = CompareWork(
        mode="full", reason=reason, fingerprint=fingerprint, claims_embedded=len(computed),
        claims_assigned=len(facts), clusters_opened=len(after), clusters_redecided=len(after),
        clusters_total=len(after),
    )  # fmt: skip
    return ComparisonUpdate(
        work=work, before=before, after=after, new_claims={c.id for c in claims} - clustered,
        duplicates=_duplicates(after, by_claim),
    )  # fmt: skip


def _kept_terms(
    clusters: Sequence[Cluster], terms_of: Mapping[str, frozenset[str]]
) -> tuple[Counter[str], int]:
    """How many kept claims of ``clusters`` name each key term (``terms_of``: claim id ->
    its terms), and how many were counted (the claims a full comparison weighs a term's
    rarity among; duplicates are not)."""
    kept = [terms_of[m.claim_id] for c in clusters for m in c.members if m.claim_id in terms_of]
    return Counter(term for terms in kept for term in terms), len(kept)


def _rarity(
    store: Store, fingerprint: str, facts: Sequence[Fact], new: Sequence[Fact]
) -> dict[str, float]:
    """Each term's rarity among all compared claims (the store's and the new ones), as a
    full comparison would weigh it, for the few claims an incremental one compares."""
    terms = {term for fact in facts for term in fact.terms}
    counts, total = store.term_counts(fingerprint, terms)
    fresh = Counter(term for fact in new for term in fact.terms)
    n = total + len(new)
    scale = math.log(n + 1)
    return {t: math.log((n + 1) / max(1, counts.get(t, 0) + fresh[t])) / scale for t in terms}


def _read_facts(store: Store, ids: set[str], known: dict[str, Fact]) -> None:
    """Read the stored claims of ``ids`` not in ``known`` yet, as facts, into ``known``."""
    claims = store.claims_by_id(ids - known.keys())  # a removed claim is no longer there
    meta = store.article_meta({c.article_id for c in claims})
    known.update((fact.claim.id, fact) for fact in claim_facts(claims, meta))


def _rarest(keys: set[str], counts: dict[str, int]) -> list[str]:
    """A new claim's keys, rarest first, while their clusters stay within the budget."""
    chosen, total = [], 0
    for key in sorted((k for k in keys if k in counts), key=lambda k: (counts[k], k)):
        total += counts[key]
        if total > CANDIDATES_PER_CLAIM:
            break
        chosen.append(key)
    return chosen


def _neighbourhood(
    store: Store,
    fingerprint: str,
    facts: Sequence[Fact],
    vectors: NDArray[np.float32],
    embedder: Embedder,
    options: CompareOptions,
    known: dict[str, Fact],
    rarity: dict[str, float],
) -> set[str]:
    """The stored clusters the new ``facts`` join: blocking keys find candidate clusters,
    each new claim's nearest members among them are checked by the linking rule, and the
    cluster of its strongest link is the one it meets.

    The stored claims read on the way are added to ``known`` (claim id -> fact).
    """
    ratio = options.magnitude_ratio
    wanted = [query_keys(fact, ratio, options.evidence.specific_digits) for fact in facts]
    counts = store.key_counts(fingerprint, set().union(*wanted))
    chosen = [_rarest(keys, counts) for keys in wanted]
    by_key = store.clusters_by_key(fingerprint, set().union(*chosen))
    candidates = [{c for key in keys for c in by_key.get(key, ())} for keys in chosen]
    members = store.members_of(fingerprint, set().union(*candidates))
    stored = store.vectors([i for ids in members.values() for i in ids], embedder_label(embedder))
    order = [claim_id for ids in members.values() for claim_id in ids if claim_id in stored]
    if not order:
        return set()
    row = {claim_id: n for n, claim_id in enumerate(order)}
    rows_of = {cid: [row[i] for i in ids if i in row] for cid, ids in members.items()}
    allowed = [
        np.array(sorted({r for cid in found for r in rows_of.get(cid, ())}), dtype=np.int64)
        for found in candidates
    ]
    matrix = np.vstack([stored[i] for i in order]).astype(np.float32)
    pairs = nearest(
        vectors, matrix, allowed, k=options.neighbours, floor=link_floor(options, embedder.kind)
    )
    _read_facts(store, {order[r] for _, r, _ in pairs}, known)
    cluster_of = {claim_id: cid for cid, ids in members.items() for claim_id in ids}
    # each new claim joins the cluster of its strongest link, as a full comparison, which
    # links pairs strongest first, would have it (clusters it links more weakly stay apart:
    # complete linkage kept them apart before)
    best: dict[int, tuple[float, str]] = {}
    for i, r, sim in pairs:
        claim_id = order[r]
        if claim_id not in known or sim <= best.get(i, (-2.0, ""))[0]:
            continue
        if linked(facts[i], known[claim_id], sim, embedder.kind, options, rarity):
            best[i] = (sim, cluster_of[claim_id])
    return {cluster_id for _, cluster_id in best.values()}


def update_comparison(
    store: Store,
    *,
    embedder: Embedder,
    options: CompareOptions | None = None,
    judge: Judge | None = None,
    judge_label: str | None = None,
    run_id: int | None = None,
    full: bool = False,
) -> ComparisonUpdate:
    """Bring the store's clusters up to date with its claims (see the module docstring).

    ``judge_label`` names the judge's model and prompt for the configuration fingerprint
    (None: no judge); ``full`` forces a recompute.
    """
    options = options or CompareOptions()
    fingerprint, config = comparison_config(embedder, options, judge_label)
    stored = store.comparison_fingerprint()
    reason = None
    if full:
        reason = "a full recompute was asked for"
    elif stored is None:
        reason = "no comparison was stored yet"
    elif stored != fingerprint:
        reason = "the comparison's configuration changed (embedder, thresholds or judge)"
    if reason is not None:
        return _full(
            store, embedder=embedder, options=options, judge=judge, fingerprint=fingerprint,
            config=config, run_id=run_id, reason=reason,
        )  # fmt: skip
    new, orphaned = store.changed_claims(fingerprint)
    if not new and not orphaned:
        work = CompareWork(
            mode="none", fingerprint=fingerprint, clusters_total=store.cluster_count()
        )
        return ComparisonUpdate(work=work)
    return _increment(store, new, orphaned, embedder, options, judge, fingerprint, run_id)


def _increment(
    store: Store,
    new: list[Claim],
    orphaned: set[str],
    embedder: Embedder,
    options: CompareOptions,
    judge: Judge | None,
    fingerprint: str,
    run_id: int | None,
) -> ComparisonUpdate:
    """Re-cluster the new claims with the clusters they touch (see the module docstring)."""
    new_facts = claim_facts(new, store.article_meta({c.article_id for c in new}))
    new_vectors, computed = _vectors(store, embedder, new_facts)
    label = embedder_label(embedder)
    known: dict[str, Fact] = {}
    near = _neighbourhood(
        store, fingerprint, new_facts, new_vectors, embedder, options, known,
        _rarity(store, fingerprint, new_facts, new_facts),
    )  # fmt: skip
    replaced = near | orphaned
    old_ids = [i for ids in store.members_of(fingerprint, replaced).values() for i in ids]
    _read_facts(store, set(old_ids), known)
    old_facts = [known[i] for i in old_ids if i in known]
    old_vectors, recomputed = _vectors(store, embedder, old_facts)
    facts = [*old_facts, *new_facts]
    parts = [m for m, f in ((old_vectors, old_facts), (new_vectors, new_facts)) if f]
    vectors = np.vstack(parts) if parts else new_vectors
    rarity = _rarity(store, fingerprint, facts, new_facts)
    after = compare_facts(
        facts, vectors, kind=embedder.kind, options=options, judge=judge, rarity=rarity
    )
    before = store.stored_clusters(replaced)
    known.update((f.claim.id, f) for f in new_facts)
    terms_of = {i: f.terms for i, f in known.items()}
    added, counted = _kept_terms(after, terms_of)
    # the replaced clusters were counted with their claims as they were then: a claim this
    # run deleted (pruned, edited) or rewrote is taken off as it was
    kept_before = {m.claim_id for c in before for m in c.members}
    dropped, uncounted = _kept_terms(before, {**terms_of, **store.forgotten_terms(kept_before)})
    terms = {t: added[t] - dropped[t] for t in added.keys() | dropped.keys()}
    store.save_clusters(
        fingerprint, {}, run_id=run_id, replace=replaced, clusters=after,
        keys=_keys(after, facts, options), embedder=label, vectors={**computed, **recomputed},
        terms=terms, counted=counted - uncounted,
    )  # fmt: skip
    work = CompareWork(
        mode="incremental", fingerprint=fingerprint,
        claims_embedded=len(computed) + len(recomputed), claims_assigned=len(new_facts),
        clusters_opened=max(0, len(after) - len(before)), clusters_redecided=len(after),
        clusters_total=store.cluster_count(),
    )  # fmt: skip
    return ComparisonUpdate(
        work=work, before=before, after=after, new_claims={c.id for c in new},
        duplicates=_duplicates(after, known),
    )  # fmt: skip
