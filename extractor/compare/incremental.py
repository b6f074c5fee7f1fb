"""What an incremental comparison needs from the comparison stage, without a store.

Scheduled runs keep their clusters, the claims' vectors and a blocking index in the store
(:mod:`extractor.runs.comparisons` does the reading and writing). This module gives them:

* :func:`comparison_config` -- everything that decides clusters (the embedder, every
  threshold, the judge), and its fingerprint: a stored comparison made under another
  fingerprint is recomputed from scratch;
* :func:`blocking_keys` and :func:`query_keys` -- the keys under which a cluster is filed
  and under which a new claim looks for the clusters it may join. They follow the
  linking rule of :mod:`.clustering`: two claims link only when they share a key entity
  term, or when neither names one and they give the same count;
* :func:`touched` -- which candidate clusters a new claim really comes near (a member at
  or above the lowest linking cosine);

The new claims and the members of the clusters they touched are then clustered again by
:func:`~.stage.compare_facts`, the code of a full comparison; what it returns replaces
the touched clusters, and every other stored cluster stays as it was.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..models import content_hash
from .embeddings import Embedder
from .facts import Fact
from .options import CompareOptions
from .stage import link_floor

__all__ = [
    "COMPARE_VERSION",
    "blocking_keys",
    "comparison_config",
    "embedder_label",
    "floor_of",
    "keys_of",
    "query_keys",
    "touched",
]

#: bump when the comparison's code changes what it decides: stored clusters are recomputed
COMPARE_VERSION = 1


def embedder_label(embedder: Embedder) -> str:
    """The embedder's class and size: vectors are reusable only under the same label."""
    kind = type(embedder)
    dim = getattr(embedder, "dim", None)
    return f"{kind.__module__}.{kind.__qualname__}" + (f"/{dim}" if dim else "")


def comparison_config(
    embedder: Embedder, options: CompareOptions, judge: str | None
) -> tuple[str, dict[str, Any]]:
    """The fingerprint of what decides clusters, and the settings it hashes.

    ``judge`` names the judge's model and prompt (None: no judge).
    """
    config: dict[str, Any] = {
        "version": COMPARE_VERSION,
        "embedder": embedder_label(embedder),
        "kind": embedder.kind,
        "options": asdict(options),
        "judge": judge,
    }
    text = json.dumps(config, sort_keys=True, default=str)
    return content_hash(text, length=24), config


def _bucket(value: float, ratio: float) -> int:
    """Magnitude bucket of width ``ratio``: comparable values are in adjacent buckets."""
    return math.floor(math.log(max(abs(value), 1e-9)) / math.log(max(ratio, 1.0001)))


def blocking_keys(fact: Fact, ratio: float) -> set[str]:
    """The keys a cluster holding ``fact`` is filed under: its terms and its counts."""
    keys = {f"t:{term}" for term in fact.terms}
    for amount in fact.amounts:
        keys.add(f"n:{amount.kind}:{_bucket(amount.value, ratio)}")
    return keys


def query_keys(fact: Fact, ratio: float) -> set[str]:
    """The keys under which a new ``fact`` finds the clusters it could join.

    A claim that names key terms can only link to a claim sharing one (or, with a count,
    to a claim naming none: that one is filed under its count); a claim naming none looks
    by its counts. Adjacent magnitude buckets are asked, since comparable values may
    straddle a boundary.
    """
    keys = {f"t:{term}" for term in fact.terms}
    for amount in fact.amounts:
        bucket = _bucket(amount.value, ratio)
        keys.update(f"n:{amount.kind}:{b}" for b in (bucket - 1, bucket, bucket + 1))
    return keys


def touched(
    new_vectors: NDArray[np.float32],
    candidates: Mapping[str, Sequence[int]],
    member_vectors: NDArray[np.float32],
    floor: float,
) -> set[str]:
    """The candidate clusters some new claim comes near.

    ``candidates`` maps a cluster id to the rows of ``member_vectors`` that hold its
    members; a cluster is touched when any member's cosine with any new claim is at least
    ``floor`` (the lowest cosine at which two claims can share a cluster).
    """
    if not candidates or new_vectors.shape[0] == 0:
        return set()
    best = np.full(member_vectors.shape[0], -np.inf, dtype=np.float32)
    for start in range(0, member_vectors.shape[0], 8192):
        block = member_vectors[start : start + 8192] @ new_vectors.T
        best[start : start + block.shape[0]] = block.max(axis=1)
    return {
        cid for cid, rows in candidates.items() if rows and float(best[list(rows)].max()) >= floor
    }


def floor_of(embedder: Embedder, options: CompareOptions) -> float:
    """The lowest cosine at which two claims can share a cluster, for ``embedder``."""
    return link_floor(options, embedder.kind)


def keys_of(facts: Iterable[Fact], ratio: float) -> set[str]:
    """All the blocking keys of a cluster's ``facts``."""
    keys: set[str] = set()
    for fact in facts:
        keys |= blocking_keys(fact, ratio)
    return keys
