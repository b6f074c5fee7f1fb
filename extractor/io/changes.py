"""What changed since a run, as plain text for a terminal (``extractor changes``).

One block per run, newest last: its new discrepancies, superseded denials, revised
numbers, new facts and silent edits, each change with the claims it cites (outlet, date,
speaker, quote), and a line on how much comparison work the run did.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models import ChangedClaim, FactChange, RunChanges

__all__ = ["format_changes"]

_KINDS = (
    ("new discrepancy", "new_discrepancies"),
    ("denial superseded", "superseded_denials"),
    ("number revised", "revised_numbers"),
    ("new fact", "new_facts"),
)


def _claim(claim: ChangedClaim) -> str:
    when = f", {claim.published.isoformat()}" if claim.published else ""
    return f"    {claim.source or claim.article_id}{when}, {claim.speaker}: “{claim.quote}”"


def _fact(label: str, change: FactChange) -> list[str]:
    was = f" (was {change.previous_relation.value})" if change.previous_relation else ""
    was += "" if change.checked else " (unchecked)"
    head = f"  {label}: {change.relation.value}{was}, cluster {change.cluster_id}"
    return [head, f"    {change.explanation}", *(_claim(c) for c in change.claims)]


def _run_block(changes: RunChanges) -> list[str]:
    since = f" since run {changes.since_run_id}" if changes.since_run_id else ""
    work = changes.work
    lines = [
        f"run {changes.run_id or '?'}{since}: comparison {work.mode}"
        + (f" ({work.reason})" if work.reason else "")
        + f", {work.claims_assigned} claims compared, {work.clusters_redecided} facts "
        f"re-decided of {work.clusters_total}"
    ]
    for label, field in _KINDS:
        for change in getattr(changes, field):
            lines += _fact(label, change)
    for edit in changes.silent_edits:
        where = edit.url or edit.path or edit.article_id
        lines.append(
            f"  article edited: {where}: {len(edit.added)} claims added, "
            f"{len(edit.removed)} removed"
        )
        lines += [f"    + “{c.quote}”" for c in edit.added]
        lines += [f"    - “{c.quote}”" for c in edit.removed]
    if changes.empty:
        lines.append("  nothing changed")
    return lines


def format_changes(runs: Sequence[RunChanges], since: int | None = None) -> str:
    """The changes of ``runs`` (those after run ``since``) as text, one block per run (a
    line when there are none)."""
    if not runs:
        if since is not None:
            return f"no run after run {since} has recorded changes in this store\n"
        return "no run has recorded changes in this store yet\n"
    return "\n".join(line for changes in runs for line in _run_block(changes)) + "\n"
