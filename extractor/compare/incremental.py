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
* :func:`nearest` and :func:`linked` -- which stored claims a new one really meets: its
  nearest members of those clusters, kept when the linking rule of a full comparison
  would join the two (or they are near enough to be duplicates);

The new claims and the members of the clusters they touched are then clustered again by
:func:`~.stage.compare_facts`, the code of a full comparison; what it returns replaces
the touched clusters, and every other stored cluster stays as it was.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from ..models import content_hash
from .clustering import may_link
from .embeddings import Embedder
from .facts import Amount, Fact
from .linking import specific
from .options import CompareOptions

__all__ = [
    "COMPARE_VERSION",
    "blocking_keys",
    "comparison_config",
    "embedder_label",
    "keys_of",
    "linked",
    "nearest",
    "query_keys",
]

#: bump when the comparison's code changes what it decides: stored clusters are recomputed
COMPARE_VERSION = 3


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


#: the smallest magnitude a count is filed under
_SMALLEST = 1e-2


def _bucket(value: float, ratio: float) -> int:
    """Magnitude bucket of width ``ratio``: comparable values are in adjacent buckets."""
    return math.floor(math.log(max(abs(value), _SMALLEST)) / math.log(max(ratio, 1.0001)))


def _specific_keys(fact: Fact, digits: int | None) -> set[str]:
    """Keys of the specific numbers ``fact`` states (:func:`~.linking.specific`): one count
    whatever it names, so a key across kinds."""
    if digits is None:
        return set()
    return {f"v:{amount.value:g}" for amount in fact.amounts if specific(amount, digits)}


def _buckets(amount: Amount, ratio: float) -> range:
    """The magnitude buckets of what ``amount``'s wording names: a range or a vague plural
    spans several ("thousands": 2,000 to 9,999)."""
    low, high = amount.stated
    small, large = sorted((abs(low), abs(high)))
    if low < 0 < high:
        small = 0.0  # a span across zero reaches the smallest magnitudes
    # below a hundredth every magnitude is one bucket: a span from 0 files a few keys
    return range(_bucket(max(small, _SMALLEST), ratio), _bucket(max(large, _SMALLEST), ratio) + 1)


def _count_key(amount: Amount) -> str:
    """A count's key prefix: its kind, or one for every sum of money (any two currencies
    within the ratio may be one count, "85 million euros ($108 million)")."""
    return "n:money" if amount.money else f"n:{amount.kind}"


def blocking_keys(fact: Fact, ratio: float, digits: int | None = None) -> set[str]:
    """The keys a cluster holding ``fact`` is filed under: its terms, its counts (kind and
    magnitude) and, with ``digits`` (``Evidence.specific_digits``), its specific numbers."""
    keys = {f"t:{term}" for term in fact.terms} | _specific_keys(fact, digits)
    for amount in fact.amounts:
        keys.update(f"{_count_key(amount)}:{b}" for b in _buckets(amount, ratio))
    return keys


def query_keys(fact: Fact, ratio: float, digits: int | None = None) -> set[str]:
    """The keys under which a new ``fact`` finds the clusters it could join.

    A claim that names key terms can only link to a claim sharing one (or, with a count,
    to a claim naming none: that one is filed under its count); a claim naming none looks
    by its counts, and by its specific numbers (``digits`` as in :func:`blocking_keys`).
    Adjacent magnitude buckets are asked, since comparable values may straddle a boundary.
    """
    keys = {f"t:{term}" for term in fact.terms} | _specific_keys(fact, digits)
    for amount in fact.amounts:
        near = _buckets(amount, ratio)
        keys.update(f"{_count_key(amount)}:{b}" for b in range(near.start - 1, near.stop + 1))
    return keys


def nearest(
    new_vectors: NDArray[np.float32],
    member_vectors: NDArray[np.float32],
    allowed: Sequence[NDArray[np.int64]],
    *,
    k: int,
    floor: float,
) -> list[tuple[int, int, float]]:
    """For each new claim ``i``, its ``k`` most similar allowed members at or above ``floor``.

    ``allowed[i]`` holds the rows of ``member_vectors`` that new claim ``i`` may meet (the
    members of the clusters its blocking keys found). Returns ``(i, row, cosine)`` triples:
    the candidate pairs a full comparison's nearest-neighbour search would give.
    """
    found: list[tuple[int, int, float]] = []
    for start in range(0, new_vectors.shape[0], 256):
        block = new_vectors[start : start + 256] @ member_vectors.T
        for offset in range(block.shape[0]):
            rows = allowed[start + offset]
            if rows.shape[0] == 0:
                continue
            sims = block[offset, rows]
            keep = min(k, rows.shape[0])
            top = (
                np.argpartition(-sims, keep - 1)[:keep] if keep < rows.shape[0] else np.arange(keep)
            )
            for t in top.tolist():
                if sims[t] >= floor:
                    found.append((start + offset, int(rows[t]), float(sims[t])))
    return found


def linked(
    new: Fact,
    member: Fact,
    similarity: float,
    kind: Literal["semantic", "lexical"],
    options: CompareOptions,
    rarity: Mapping[str, float] | None = None,
) -> bool:
    """Whether the comparison could put ``new`` with ``member``: linked, or a duplicate.

    ``rarity`` weighs a shared name as the comparison will; without it a shared name
    counts as rare as can be (the most a link can get from it).
    """
    thresholds = options.thresholds(kind)
    return similarity >= thresholds.paraphrase or may_link(
        new,
        member,
        similarity,
        link=thresholds.link,
        plain_link=thresholds.plain_link,
        margin=options.linkage_margin,
        ratio=options.magnitude_ratio,
        evidence=options.evidence,
        rarity=rarity,
    )


def keys_of(facts: Iterable[Fact], ratio: float, digits: int | None = None) -> set[str]:
    """All the blocking keys of a cluster's ``facts``."""
    keys: set[str] = set()
    for fact in facts:
        keys |= blocking_keys(fact, ratio, digits)
    return keys
