"""Group claims about the same fact, without comparing all pairs.

Two steps, both near-linear in the number of claims:

1. **Blocking** (:func:`neighbour_pairs`): spherical k-means on a sample of the
   L2-normalised embeddings makes about ``probes * n / cell_size`` centroids; each claim
   joins the cells of its ``probes`` nearest centroids (an inverted-file index, as in
   FAISS' IVF); inside each cell a chunked matrix product gives every claim its ``k`` most
   similar claims. Work is about ``n * probes * cell_size * dim`` for the cells plus
   ``n * (n / cell_size) * dim`` for the assignment -- linear in ``n`` for a fixed cell
   size until the second term takes over, far beyond a million claims.
2. **Linking** (:func:`cluster_facts`): candidate pairs, strongest first, are joined with
   union-find when their cosine passes the pair's threshold (:mod:`.linking`: counts,
   time and key entity terms weighted by rarity move it, or veto the pair), and only if
   the two groups they join stay coherent: every pair across them has no conflicting
   counts or times and is at least the threshold minus ``margin`` similar (complete
   linkage), so chains of pairwise-similar claims cannot drift into one big cluster of a
   whole news topic.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .facts import Fact
from .linking import (
    DEFAULT_EVIDENCE,
    count_extra,
    link_threshold,
    may_link,
    restates_count,
    term_rarity,
)
from .options import Evidence

__all__ = [
    "Pairs",
    "Rows",
    "cluster_facts",
    "link_threshold",
    "may_link",
    "neighbour_pairs",
    "term_rarity",
]

#: unique pair keys (``low * width + high``) and their cosines
_Keyed = tuple[NDArray[np.int64], NDArray[np.float32]]

_SAMPLE_PER = 48  # k-means trains on at most this many rows per centroid
_ROW_CHUNK = 512
_PAIR_CHUNK = 65_536


@dataclass(frozen=True, slots=True)
class Pairs:
    """Candidate pairs ``left[i] < right[i]`` with their cosine, strongest first."""

    left: NDArray[np.int32] | NDArray[np.int64]  #: int32 below 2**31 items: half the memory
    right: NDArray[np.int32] | NDArray[np.int64]
    similarity: NDArray[np.float32]

    def __len__(self) -> int:
        return int(self.left.shape[0])

    def __iter__(self) -> Iterator[tuple[int, int, float]]:
        """``(left, right, similarity)`` as Python numbers, strongest first, converted a
        chunk at a time: a million pairs as lists of Python numbers would take 100 MB."""
        for start in range(0, len(self), _PAIR_CHUNK):
            stop = start + _PAIR_CHUNK
            yield from zip(
                self.left[start:stop].tolist(),
                self.right[start:stop].tolist(),
                self.similarity[start:stop].tolist(),
                strict=True,
            )

    def above(self, threshold: float) -> Pairs:
        """Only the pairs whose cosine is at least ``threshold`` (order kept)."""
        keep = self.similarity >= threshold
        return Pairs(self.left[keep], self.right[keep], self.similarity[keep])

    def between_groups(self, group_of: NDArray[np.int32] | NDArray[np.int64]) -> Pairs:
        """Pairs between the groups ``group_of[i]`` of their items, the strongest per pair."""
        a, b = group_of[self.left], group_of[self.right]
        keep = a != b
        a = a[keep]  # one at a time: each copy replaces its array
        b = b[keep]
        similarity = self.similarity[keep]
        del keep
        if a.shape[0] == 0:
            return Pairs(a.astype(np.int64), b.astype(np.int64), similarity)
        width = int(group_of.max()) + 1
        keys = np.minimum(a, b).astype(np.int64)
        keys *= width
        keys += np.maximum(a, b)
        del a, b
        return _ranked(*_strongest([keys], [similarity]), width)


def _strongest(keys: list[NDArray[np.int64]], similarity: list[NDArray[np.float32]]) -> _Keyed:
    """Each key of the arrays in ``keys`` once, with its highest cosine (ordered by key).

    The lists are emptied as they are read, and the arrays (the caller's own temporaries)
    permuted in place: these are the largest arrays of a comparison."""
    if len(keys) == 1:
        all_keys, all_sims = keys[0], similarity[0]
    else:
        all_keys, all_sims = np.concatenate(keys), np.concatenate(similarity)
    keys.clear()
    similarity.clear()
    order = np.lexsort((-all_sims, all_keys))
    all_keys[:] = all_keys[order]
    all_sims[:] = all_sims[order]
    del order
    first = np.empty(all_keys.shape[0], dtype=bool)
    first[:1] = True
    np.not_equal(all_keys[1:], all_keys[:-1], out=first[1:])
    return all_keys[first], all_sims[first]


def _ranked(keys: NDArray[np.int64], similarity: NDArray[np.float32], width: int) -> Pairs:
    """Pairs of unique ``keys`` (``left * width + right``), strongest first, then by key
    (``keys`` and ``similarity`` are permuted in place)."""
    ranked = np.lexsort((keys, -similarity))
    keys[:] = keys[ranked]
    similarity[:] = similarity[ranked]
    del ranked
    right = keys % width
    keys //= width
    if width <= 2**31:
        return Pairs(keys.astype(np.int32), right.astype(np.int32), similarity)
    return Pairs(keys, right, similarity)


def _kmeans(
    vectors: NDArray[np.float32], k: int, rng: np.random.Generator, iterations: int = 6
) -> NDArray[np.float32]:
    """``k`` unit centroids by spherical k-means on a sample of at most ``_SAMPLE_PER`` * k."""
    n = vectors.shape[0]
    sample = vectors[rng.choice(n, size=min(n, _SAMPLE_PER * k), replace=False)]
    centroids: NDArray[np.float32] = sample[rng.choice(sample.shape[0], size=k, replace=False)]
    for _ in range(iterations):
        nearest = np.argmax(sample @ centroids.T, axis=1)
        sums = np.zeros_like(centroids)
        np.add.at(sums, nearest, sample)
        norms = np.linalg.norm(sums, axis=1)
        empty = norms == 0.0
        sums[empty] = sample[rng.choice(sample.shape[0], size=int(empty.sum()))]
        norms[empty] = 1.0
        centroids = (sums / norms[:, None]).astype(np.float32)
    return centroids


def _assign(
    vectors: NDArray[np.float32], centroids: NDArray[np.float32], probes: int
) -> NDArray[np.int64]:
    """For every row, its ``probes`` most similar centroids (``(n, probes)``)."""
    probes = min(probes, centroids.shape[0])
    out = np.empty((vectors.shape[0], probes), dtype=np.int64)
    for start in range(0, vectors.shape[0], _ROW_CHUNK * 8):
        scores = vectors[start : start + _ROW_CHUNK * 8] @ centroids.T
        if probes < centroids.shape[0]:
            out[start : start + scores.shape[0]] = np.argpartition(-scores, probes - 1, axis=1)[
                :, :probes
            ]
        else:
            out[start : start + scores.shape[0]] = np.arange(probes)
    return out


def _cells(
    vectors: NDArray[np.float32],
    index: NDArray[np.int64],
    cell_size: int,
    probes: int,
    rng: np.random.Generator,
) -> Iterator[NDArray[np.int64]]:
    """Cells of at most about ``2 * cell_size`` rows that keep near neighbours together.

    Spherical k-means with ``probes`` nearest centroids per row (an inverted-file index);
    a cell that is still too large is split again (one centroid per row), and one that
    k-means cannot split (identical rows) is cut into consecutive chunks.
    """
    if index.shape[0] <= 2 * cell_size:
        yield index
        return
    k = max(2, -(-probes * index.shape[0] // cell_size))
    # the first call indexes every row: read them in place instead of copying them all
    block = vectors if index.shape[0] == vectors.shape[0] else vectors[index]
    nearest = _assign(block, _kmeans(block, k, rng), probes)
    for cell in range(k):
        members = index[np.flatnonzero((nearest == cell).any(axis=1))]
        if members.shape[0] == 0:
            continue
        if members.shape[0] >= index.shape[0] * 0.9:
            for start in range(0, members.shape[0], cell_size):
                yield members[start : start + cell_size]
        else:
            yield from _cells(vectors, members, cell_size, 1, rng)


def _top_k(vectors: NDArray[np.float32], index: NDArray[np.int64], k: int, floor: float) -> _Keyed:
    """The ``k`` nearest neighbours (cosine >= ``floor``) of every row of one cell, as
    unique pair keys ``low * n + high`` (rows of ``vectors``) with their cosine."""
    block = vectors[index]
    size, width = index.shape[0], vectors.shape[0]
    keep = min(k, size - 1)
    keys, sims = [], []
    for start in range(0, size, _ROW_CHUNK):
        stop = min(start + _ROW_CHUNK, size)
        scores = block[start:stop] @ block.T
        scores[np.arange(stop - start), np.arange(start, stop)] = -np.inf
        if keep < size - 1:
            top = np.argpartition(-scores, keep - 1, axis=1)[:, :keep]
        else:
            top = np.broadcast_to(np.arange(size), (stop - start, size))
        rows = np.repeat(np.arange(start, stop), top.shape[1])
        cols = top.reshape(-1)
        values = scores[rows - start, cols]
        good = values >= floor
        left, right = index[rows[good]], index[cols[good]]
        keys.append(np.minimum(left, right) * width + np.maximum(left, right))
        sims.append(values[good].astype(np.float32))
    return _strongest(keys, sims)


def neighbour_pairs(
    vectors: NDArray[np.float32],
    *,
    k: int = 10,
    floor: float = 0.0,
    cell_size: int = 1024,
    probes: int = 2,
    seed: int = 0,
) -> Pairs:
    """Approximate ``k``-nearest-neighbour pairs with cosine >= ``floor``, strongest first.

    Exact (one cell) when there are at most ``2 * cell_size`` claims. Each cell's pairs
    are kept as one key and a cosine (12 bytes), each pair once: the pairs of all cells
    are the largest arrays of a comparison.
    """
    n = vectors.shape[0]
    empty = Pairs(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32))
    if n < 2 or k < 1:
        return empty
    rng = np.random.default_rng(seed)
    # every row is in at most ``probes`` cells and has at most ``k`` pairs in each: one
    # buffer of that size, filled in order (pages never written take no memory), spares
    # concatenating the cells' pairs
    keys = np.empty(n * max(1, probes) * k, dtype=np.int64)
    sims = np.empty(keys.shape[0], dtype=np.float32)
    used = 0
    for cell in _cells(vectors, np.arange(n, dtype=np.int64), cell_size, probes, rng):
        if cell.shape[0] > 1:
            key, sim = _top_k(vectors, cell, k, floor)
            if used + key.shape[0] > keys.shape[0]:  # not expected: grow
                keys, sims = np.concatenate((keys, key)), np.concatenate((sims, sim))
            keys[used : used + key.shape[0]] = key
            sims[used : used + key.shape[0]] = sim
            used += key.shape[0]
    if not used:
        return empty
    strongest = _strongest([keys[:used]], [sims[:used]])
    del keys, sims
    return _ranked(*strongest, n)


@dataclass(frozen=True, slots=True)
class Rows:
    """Some rows of a matrix, picked without copying them: ``Rows(m, index)[items]`` is
    ``m[index[items]]`` (the kept claims' vectors while the caller holds all of them)."""

    matrix: NDArray[np.float32]
    index: NDArray[np.int64]

    def __getitem__(self, items: list[int] | NDArray[np.int64]) -> NDArray[np.float32]:
        return self.matrix[self.index[items]]


def _spread(items: list[int], limit: int) -> list[int]:
    """At most ``limit`` items, evenly spaced (a deterministic sample of a large group)."""
    if len(items) <= limit:
        return items
    step = len(items) / limit
    return [items[int(k * step)] for k in range(limit)]


class _Groups:
    """Union-find whose merges keep every group coherent (complete linkage).

    Two groups merge only if every pair across them (a spread sample of at most
    ``_SAMPLE`` members per side for large groups) gives the same count (or none, or a
    count on one side only at a higher cosine) and has a cosine of at least ``floor``.
    Growing a group only makes that harder, so a failed pair of groups is remembered with
    its floor, and tried again (once) only at a lower floor proposed by a pair that gives one
    count (the floor comes from the pair that proposes the merge, and a count lowers it).
    """

    _SAMPLE = 48

    def __init__(
        self,
        facts: Sequence[Fact],
        vectors: NDArray[np.float32] | Rows,
        ratio: float,
        evidence: Evidence,
    ) -> None:
        self.facts = facts
        self.vectors = vectors
        self.ratio = ratio
        self.evidence = evidence
        self.parent = list(range(len(facts)))
        self.members: dict[int, list[int]] = {}
        #: (root, root) -> the floor at which merging the two groups failed; and the pairs
        #: of groups tried again already (once at most: each try costs a block of cosines)
        self.failed: dict[tuple[int, int], float] = {}
        self.retried: set[tuple[int, int]] = set()

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def _coherent(
        self, left: list[int], right: list[int], sims: NDArray[np.float32], floor: float
    ) -> bool:
        """Every pair across: no conflicting counts or times, and a cosine of ``floor``
        plus what a count on one side only asks; plus, for two claims of one article that
        do not restate one count (:func:`~.linking.restates_count`), the most a shared name
        may lower it (an article repeats its own names, see
        :func:`~.linking.link_threshold`)."""
        for u, x in enumerate(left):
            for v, y in enumerate(right):
                a, b = self.facts[x], self.facts[y]
                extra = count_extra(a, b, self.ratio, self.evidence)
                if extra is None or not a.same_time(b):
                    return False
                if a.claim.article_id == b.claim.article_id and not restates_count(a, b):
                    extra += self.evidence.shared_term
                if sims[u, v] < floor + extra:
                    return False
        return True

    def try_merge(self, a: int, b: int, floor: float, counted: bool = False) -> None:
        """Merge the groups rooted at ``a`` and ``b`` if they stay coherent (``counted``:
        the pair proposing it gives one count, the strongest link there is).

        A failed merge is tried again, once, when such a pair proposes it at a lower floor:
        two claims giving 11,000 and 12,000 troops may bring together what two wordier
        claims of the same groups could not."""
        key = (a, b) if a < b else (b, a)
        if key in self.failed:
            if not counted or floor >= self.failed[key] or key in self.retried:
                return
            self.retried.add(key)
        left = _spread(self.members.get(a, [a]), self._SAMPLE)
        right = _spread(self.members.get(b, [b]), self._SAMPLE)
        sims = self.vectors[left] @ self.vectors[right].T
        if float(sims.min()) < floor or not self._coherent(left, right, sims, floor):
            self.failed[key] = floor
            return
        keep, gone = key
        self.members[keep] = self.members.get(keep, [keep]) + self.members.pop(gone, [gone])
        self.parent[gone] = keep


def cluster_facts(
    facts: Sequence[Fact],
    vectors: NDArray[np.float32] | Rows,
    pairs: Pairs,
    *,
    link: float,
    plain_link: float,
    margin: float = 0.1,
    ratio: float = 3.0,
    evidence: Evidence = DEFAULT_EVIDENCE,
    rarity: Mapping[str, float] | None = None,
) -> list[list[int]]:
    """Groups of indices into ``facts`` that state the same fact, every index in one group.

    A pair links at the cosine :func:`~.linking.link_threshold` gives: ``link`` when both
    claims give the same count (same kind, values within ``ratio``; money in any
    currency), ``plain_link`` when neither does and they share a key term, lower by up to
    ``evidence.shared_term`` for a shared rare term (rarity among ``facts``), ``margin``
    lower when the language layer's referents of the count share a word; never across
    counts that cannot be one, disjoint years or event weekdays. Groups join only if every
    pair across them has a cosine of at least the pair's threshold minus ``margin``.
    Groups are sorted lists, ordered by their first index. ``rarity`` gives each term's
    rarity where ``facts`` are a part of a larger set (an incremental comparison).
    ``vectors`` may be :class:`Rows` of a larger matrix.
    """
    groups = _Groups(facts, vectors, ratio, evidence)
    rarity = term_rarity(facts) if rarity is None else rarity
    for i, j, sim in pairs.above(min(link, plain_link) - margin - evidence.shared_term):
        threshold = link_threshold(
            facts[i], facts[j], link, plain_link, margin, ratio, evidence=evidence, rarity=rarity
        )
        if threshold is None or sim < threshold:
            continue
        a, b = groups.find(i), groups.find(j)
        if a != b:
            counted = bool(facts[i].amounts and facts[j].amounts)
            groups.try_merge(a, b, threshold - margin, counted)
    members: dict[int, list[int]] = {}
    for i in range(len(facts)):
        members.setdefault(groups.find(i), []).append(i)
    return sorted(members.values(), key=lambda group: group[0])
