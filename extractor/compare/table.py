"""The comparison as a terminal table: one line per claim, clusters in sections."""

from __future__ import annotations

from rich.table import Table

from ..models import Comparison, Relation

__all__ = ["render_table"]


def render_table(comparison: Comparison, *, single_source: bool = True) -> Table:
    """A terminal table of the comparison: one line per claim, clusters in sections.

    Each cluster's first line carries its relation and one-line explanation; its members
    follow side by side (outlet, date, speaker, quantities, claim), ordered by date.
    ``single_source=False`` leaves out clusters only one outlet reports.
    """
    table = Table(title="Claims across sources", expand=False)
    for header, style in (
        ("Relation", "bold"),
        ("Source", "cyan"),
        ("Date", None),
        ("Speaker", None),
        ("Quantities", "magenta"),
        ("Claim", None),
        ("Why", "dim"),
    ):
        table.add_column(header, style=style, overflow="fold")
    for cluster in comparison.clusters:
        if not single_source and cluster.relation is Relation.single_source:
            continue
        relation = cluster.relation.value + (" (model)" if cluster.decided_by == "model" else "")
        relation += "" if cluster.checked else " (unchecked)"
        last = len(cluster.members) - 1
        for n, member in enumerate(cluster.members):
            dups = f" (+{len(member.duplicates)} dup.)" if member.duplicates else ""
            table.add_row(
                relation if n == 0 else "",
                f"{member.source or member.article_id}{dups}",
                member.published.isoformat() if member.published else "–",
                member.speaker,
                ", ".join(q.raw for q in member.quantities) or "–",
                member.text,
                cluster.explanation if n == 0 else "",
                end_section=n == last,
            )
    return table
