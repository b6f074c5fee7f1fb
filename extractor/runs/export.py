"""Exporting a store: its claims or its latest comparison, in one of the table formats.

The formats and their columns are :mod:`extractor.io.export`'s; this module only knows
where a store keeps what is exported.
"""

from __future__ import annotations

import os

from ..errors import StoreError
from ..io.export import Format, What, write_claims, write_comparison
from .store import Store

__all__ = ["export"]


def export(
    store: str | os.PathLike[str],
    path: str | os.PathLike[str],
    *,
    what: What = "claims",
    format: Format = "jsonl",
) -> int:
    """Export the store's claims or latest comparison to ``path``; returns the rows written."""
    with Store(store, readonly=True) as opened:
        if what == "claims":
            return write_claims(opened.claims(), path, format)
        comparison = opened.latest_comparison()
    if comparison is None:
        raise StoreError(f"the store {store} holds no comparison yet; `extractor run` makes one")
    return write_comparison(comparison, path, format)
