"""What changed since the previous run: the news a monitor wants told.

:func:`find_changes` reads the clusters a run replaced and those it made (from
:func:`~extractor.runs.comparisons.update_comparison`) and tells:

* **new facts** -- a cluster now carried by two or more outlets that was not before (one
  that is told as a new discrepancy or a superseded denial is not told twice);
* **new discrepancies** -- a cluster whose outlets now give different numbers or
  contradict each other, and did not before;
* **revised numbers** -- an outlet's new claim giving another number for a fact the same
  outlet reported before;
* **superseded denials** -- a denial or "not confirmed" that a later report of the same
  proposition now overturns.

A cluster made by this run is matched to the replaced cluster it shares most claims with
(its *previous* state). Silent edits (:class:`~extractor.models.SilentEdit`) are found by
the run itself, where it reads its inputs, and passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ..compare.dedup import normalise_text
from ..models import (
    ChangedClaim,
    ChangeKind,
    Claim,
    Cluster,
    ClusterMember,
    CompareWork,
    FactChange,
    Relation,
    RunChanges,
    SilentEdit,
)

__all__ = ["changed_claim", "find_changes", "silent_edit"]

_DISPUTED = {Relation.numeric_discrepancy, Relation.contradiction}


def _ids(cluster: Cluster) -> set[str]:
    return {i for m in cluster.members for i in (m.claim_id, *m.duplicates)}


def _said(cluster: Cluster) -> set[str]:
    """The cluster's claims as what they are, not by id: id, and article and quote (a
    claim extracted again by another model or prompt has a new id, and is no news)."""
    quoted = {f"{m.article_id}\x00{normalise_text(m.quote)}" for m in cluster.members}
    return _ids(cluster) | quoted


def _previous(cluster: Cluster, before: Sequence[tuple[Cluster, set[str]]]) -> Cluster | None:
    """The replaced cluster sharing most claims with ``cluster`` (None: it is new)."""
    ids = _said(cluster)
    best, shared = None, 0
    for old, old_ids in before:
        overlap = len(ids & old_ids)
        if overlap > shared:
            best, shared = old, overlap
    return best


def changed_claim(member: ClusterMember | Claim, source: str | None = None) -> ChangedClaim:
    """A cluster member (or a claim) as a change cites it."""
    if isinstance(member, ClusterMember):
        return ChangedClaim(
            claim_id=member.claim_id, article_id=member.article_id, source=member.source,
            published=member.published, speaker=member.speaker, quote=member.quote,
            quantities=member.quantities,
        )  # fmt: skip
    return ChangedClaim(
        claim_id=member.id, article_id=member.article_id, source=source,
        speaker=member.speaker, quote=member.quote, quantities=member.quantities,
    )  # fmt: skip


def _cited(cluster: Cluster, new: set[str]) -> list[ChangedClaim]:
    """The cluster's claims, the new ones first."""
    fresh = [m for m in cluster.members if {m.claim_id, *m.duplicates} & new]
    rest = [m for m in cluster.members if m not in fresh]
    return [changed_claim(m) for m in (*fresh, *rest)]


def _change(
    kind: ChangeKind, cluster: Cluster, previous: Cluster | None, cited: list[ChangedClaim]
) -> FactChange:
    return FactChange(
        kind=kind, cluster_id=cluster.id, relation=cluster.relation,
        explanation=cluster.explanation, claims=cited,
        previous_relation=previous.relation if previous is not None else None,
        checked=cluster.checked,
    )  # fmt: skip


def _numbers(claim: ChangedClaim) -> set[float]:
    """The values a claim gives: "10,000 soldiers" and "10,000 troops" are no revision."""
    return {q.value for q in claim.quantities}


def _said_by(cluster: Cluster, duplicates: Mapping[str, ChangedClaim]) -> list[ChangedClaim]:
    """Every claim of ``cluster``: its members, and the duplicates merged into them, each
    with its own outlet (a wire story two outlets ran is one member with a duplicate)."""
    found = []
    for member in cluster.members:
        found.append(changed_claim(member))
        found += [duplicates[i] for i in member.duplicates if i in duplicates]
    return found


def _revisions(
    cluster: Cluster, new: set[str], duplicates: Mapping[str, ChangedClaim]
) -> list[tuple[ChangedClaim, ChangedClaim]]:
    """(earlier, new) claims of one outlet in ``cluster`` whose numbers differ; an earlier
    claim merged as another outlet's duplicate counts as its outlet's own."""
    claims = _said_by(cluster, duplicates)
    pairs = []
    for fresh in claims:
        if fresh.claim_id not in new or not fresh.quantities:
            continue
        for old in claims:
            if (
                old.claim_id not in new
                and old.source == fresh.source
                and old.quantities
                and not (_numbers(old) & _numbers(fresh))
            ):
                pairs.append((old, fresh))
                break
    return pairs


def _changes_of(
    cluster: Cluster,
    previous: Cluster | None,
    new: set[str],
    duplicates: Mapping[str, ChangedClaim],
) -> list[FactChange]:
    if not (_ids(cluster) & new) and previous is not None and previous.relation == cluster.relation:
        return []  # re-decided, unchanged
    found: list[FactChange] = []
    was = previous.relation if previous is not None else None
    if cluster.relation in _DISPUTED and was not in _DISPUTED:
        found.append(_change(ChangeKind.NEW_DISCREPANCY, cluster, previous, _cited(cluster, new)))
    if cluster.relation is Relation.superseded and was is not Relation.superseded:
        found.append(_change(ChangeKind.DENIAL_SUPERSEDED, cluster, previous, _cited(cluster, new)))
    crossed = len(cluster.sources) >= 2 and (previous is None or len(previous.sources) < 2)
    if crossed and not found:  # a new discrepancy or superseded denial says it already
        found.append(_change(ChangeKind.NEW_FACT, cluster, previous, _cited(cluster, new)))
    for old, fresh in _revisions(cluster, new, duplicates):
        found.append(_change(ChangeKind.REVISED_NUMBER, cluster, previous, [fresh, old]))
    return found


def find_changes(
    before: Iterable[Cluster],
    after: Iterable[Cluster],
    new_claims: set[str],
    *,
    silent_edits: Sequence[SilentEdit] = (),
    work: CompareWork | None = None,
    run_id: int | None = None,
    since_run_id: int | None = None,
    duplicates: Mapping[str, ChangedClaim] | None = None,
) -> RunChanges:
    """What changed between the replaced clusters ``before`` and the new ones ``after``
    (``duplicates``: the claims merged as duplicates into ``after``'s members, by id, each
    with its own outlet and date; without them a duplicate counts as its member's)."""
    previous = [(cluster, _said(cluster)) for cluster in before]
    changes = RunChanges(
        run_id=str(run_id) if run_id is not None else None,
        since_run_id=str(since_run_id) if since_run_id is not None else None,
        silent_edits=list(silent_edits),
        work=work or CompareWork(),
    )
    lists = {
        ChangeKind.NEW_FACT: changes.new_facts,
        ChangeKind.NEW_DISCREPANCY: changes.new_discrepancies,
        ChangeKind.REVISED_NUMBER: changes.revised_numbers,
        ChangeKind.DENIAL_SUPERSEDED: changes.superseded_denials,
    }
    for cluster in sorted(after, key=lambda c: c.id):
        found = _changes_of(cluster, _previous(cluster, previous), new_claims, duplicates or {})
        for change in found:
            lists[change.kind].append(change)
    return changes


def silent_edit(
    new_article_id: str,
    previous_article_id: str,
    *,
    url: str | None,
    path: str | None,
    source: str | None,
    new_claims: Sequence[Claim],
    old_claims: Sequence[Claim],
) -> SilentEdit:
    """The edit of one article: the claims its new text added and those it dropped.

    Claims are matched by their quote's words (case, punctuation and digit separators
    folded), so a claim that only moved in the text is neither added nor removed.
    """
    new_quotes = {normalise_text(c.quote) for c in new_claims}
    old_quotes = {normalise_text(c.quote) for c in old_claims}
    return SilentEdit(
        article_id=new_article_id,
        previous_article_id=previous_article_id,
        url=url,
        path=path,
        added=[
            changed_claim(c, source)
            for c in new_claims
            if normalise_text(c.quote) not in old_quotes
        ],
        removed=[
            changed_claim(c, source)
            for c in old_claims
            if normalise_text(c.quote) not in new_quotes
        ],
    )
