"""Duplicate claims, within and across articles, merged with their provenance kept.

Three ways two claims can be the same claim:

* ``exact`` -- equal text after folding case, punctuation, digit separators and spaces;
* ``near`` -- lexically close: candidates from MinHash LSH over word-bigram shingles
  (signatures and bands in NumPy, a few hundred bytes a claim), confirmed by rapidfuzz
  ``token_set_ratio`` and the same key entity terms (names), so "sent to Kursk" and
  "sent to Kharkiv" stay apart;
* ``paraphrase`` -- embeddings with cosine at or above the paraphrase threshold
  (candidates from :func:`extractor.compare.clustering.neighbour_pairs`).

Whatever the way, duplicates must also share a named entity (when both name any), have
the same speaker, the same polarity (a
denial never duplicates an assertion; the same negation), no antonyms between them
("rose"/"fell") and compatible quantities:
"10,000 troops" and "12,000 troops" in the same words are a discrepancy, not a duplicate.
A group is merged only when every pair across it passes these checks, so chains cannot
join incompatible claims. The checks read only a claim's *profile* (polarity, negation,
speaker, amounts, antonyms, key terms), so a merge compares the distinct profiles of the
two groups, not every pair of claims: one sentence syndicated by 1,000 outlets is one
profile, not 10^6 checks. The kept claim is the earliest (date, then source, then id).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz

from .clustering import Pairs
from .facts import Fact, amounts_compatible, member_order
from .rules import antonym_words, opposite_wording

__all__ = ["Duplicate", "DuplicateGroup", "deduplicate", "normalise_text"]

MatchHow = Literal["exact", "near", "paraphrase"]

_DIGIT_SEPARATOR = re.compile(r"(?<=\d)[,\u00a0\u202f\u2009 ](?=\d{3}(?!\d))")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise_text(text: str) -> str:
    """Casefolded text with punctuation and whitespace folded, ``10,000`` as ``10000``."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _DIGIT_SEPARATOR.sub("", text)
    return _NOT_WORD.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A claim merged into another: which claim, from which article, and how it matched."""

    fact: Fact
    how: MatchHow
    score: float  #: 100 for exact, token_set_ratio for near, cosine * 100 for paraphrase

    @property
    def claim_id(self) -> str:
        return self.fact.claim.id

    @property
    def article_id(self) -> str:
        return self.fact.claim.article_id

    @property
    def quote(self) -> str:
        return self.fact.claim.quote


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """The kept claim and the claims merged into it (possibly none)."""

    kept: Fact
    duplicates: tuple[Duplicate, ...]
    #: positions in the input of the kept claim, then of each duplicate
    indices: tuple[int, ...]

    @property
    def sources(self) -> list[str]:
        """Every outlet of the group, kept claim first, without repeats."""
        seen = dict.fromkeys([self.kept.source, *(d.fact.source for d in self.duplicates)])
        return list(seen)


def _exact_key(fact: Fact) -> tuple[str, int, bool]:
    """What an exact duplicate must share beyond its text: speaker, polarity, negation."""
    return _speaker(fact), int(fact.polarity), fact.negated


def _speaker(fact: Fact) -> str:
    return _normal_speaker(fact.claim.speaker)


@lru_cache(maxsize=4096)
def _normal_speaker(speaker: str) -> str:
    """A speaker as compared: a few names recur in every claim, one string each."""
    return normalise_text(speaker)


#: what :func:`_compatible` reads of a claim: claims with one profile are interchangeable
Profile = tuple[object, ...]


def _profile(fact: Fact) -> Profile:
    return (
        fact.polarity,
        fact.negated,
        _speaker(fact),
        fact.amounts,
        antonym_words(fact.key),
        fact.terms,
    )


def _compatible(a: Fact, b: Fact) -> bool:
    return (
        a.polarity == b.polarity
        and a.negated == b.negated
        and _speaker(a) == _speaker(b)
        and len(a.amounts) == len(b.amounts)
        and amounts_compatible(a.amounts, b.amounts)
        and not opposite_wording([a.key, b.key])
        and (not a.terms or not b.terms or bool(a.terms & b.terms))
    )


def _shingles(text: str) -> list[bytes]:
    words = text.split()
    grams = [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)] or words
    return [gram.encode("utf-8") for gram in dict.fromkeys(grams)]


_PRIME = np.uint64((1 << 61) - 1)
_TEXTS_PER_BLOCK = 256


def _signatures(
    texts: Sequence[str], num_perm: int, seed: int, rows: int
) -> list[NDArray[np.uint32]]:
    """MinHash signatures of the texts' word-bigram shingles, ``num_perm // rows`` LSH
    bands of ``(len(texts), rows)`` each (a band can be let go of once read).

    Each permutation is ``(a * crc32(shingle) + b) mod (2**61 - 1)`` with ``a`` and ``b``
    drawn below the prime, the product wrapping at 2**64 as in the usual MinHash code
    (``a`` must span the prime for the permutations to be independent); a block of texts
    is hashed at once and reduced per text, so memory stays at one small block.
    """
    rng = np.random.default_rng(seed)
    a = rng.integers(1, int(_PRIME), size=num_perm, dtype=np.uint64)
    b = rng.integers(0, int(_PRIME), size=num_perm, dtype=np.uint64)
    out = [np.empty((len(texts), rows), dtype=np.uint32) for _ in range(num_perm // rows)]
    for start in range(0, len(texts), _TEXTS_PER_BLOCK):
        block = [_shingles(t) or [b""] for t in texts[start : start + _TEXTS_PER_BLOCK]]
        hashes = np.fromiter(
            (zlib.crc32(s) for shingles in block for s in shingles), dtype=np.uint64
        )
        offsets = np.cumsum([0] + [len(shingles) for shingles in block[:-1]])
        permuted = hashes[:, None] * a[None, :]
        permuted += b
        permuted %= _PRIME
        reduced = np.minimum.reduceat(permuted, offsets, axis=0)
        for band, part in enumerate(out):
            part[start : start + len(block)] = reduced[:, band * rows : (band + 1) * rows]
    return out


def _bands(num_perm: int, threshold: float) -> tuple[int, int]:
    """(bands, rows) with ``bands * rows <= num_perm`` whose S-curve
    ``1 - (1 - s**rows)**bands`` is steepest near ``threshold`` (its midpoint closest)."""
    best, best_gap = (1, num_perm), 1.0
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        midpoint = (1.0 / bands) ** (1.0 / rows)
        gap = abs(midpoint - threshold)
        if gap < best_gap:
            best, best_gap = (bands, rows), gap
    return best


#: in one LSH bucket, each text is paired with the next this many (in bucket order): a
#: bucket of n near-copies gives about n * this pairs, not n**2 / 2, and union-find still
#: joins them all
_BUCKET_WINDOW = 32
_PAIR_CHUNK = 65_536


def _bucket_pairs(band: NDArray[np.uint32]) -> Iterator[NDArray[np.int64]]:
    """Per window step, the pairs ``low * n + high`` of texts in one bucket of ``band``."""
    n, rows = band.shape
    keys = band.view(np.dtype((np.void, band.dtype.itemsize * rows))).ravel()
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    run = np.concatenate(([0], np.cumsum(ordered[1:] != ordered[:-1])))
    del keys, ordered
    for step in range(1, _BUCKET_WINDOW + 1):
        same = np.flatnonzero(run[:-step] == run[step:])
        if same.shape[0] == 0:
            break
        left, right = order[same], order[same + step]
        yield np.minimum(left, right) * n + np.maximum(left, right)


def _unique_in_place(values: NDArray[np.int64]) -> NDArray[np.int64]:
    """The distinct ``values`` (sorted), compacted to the front a chunk at a time."""
    kept, last = 0, None
    for start in range(0, values.shape[0], _PAIR_CHUNK):
        chunk = values[start : start + _PAIR_CHUNK].copy()
        new = np.empty(chunk.shape[0], dtype=bool)
        new[0] = last is None or chunk[0] != last
        np.not_equal(chunk[1:], chunk[:-1], out=new[1:])
        fresh, last = chunk[new], chunk[-1]
        values[kept : kept + fresh.shape[0]] = fresh
        kept += fresh.shape[0]
    return values[:kept]


def _near_candidates(
    texts: Sequence[str], *, num_perm: int, threshold: float, seed: int
) -> Iterator[tuple[int, int]]:
    """Pairs (i < j), in order, that share a MinHash LSH bucket (one band of equal
    signature rows).

    The pairs are counted first, then written band by band into one array, each band's
    signatures let go of once read, and sorted and made unique in place: no copy of the
    largest array of the deduplication."""
    if len(texts) < 2:
        return
    bands, rows = _bands(num_perm, threshold)
    signatures = _signatures(texts, num_perm, seed + 1, rows)[:bands]
    found = np.empty(
        sum(pairs.shape[0] for band in signatures for pairs in _bucket_pairs(band)),
        dtype=np.int64,
    )
    used = 0
    while signatures:
        for pairs in _bucket_pairs(signatures.pop(0)):
            found[used : used + pairs.shape[0]] = pairs
            used += pairs.shape[0]
    found.sort()  # in place: np.unique would sort a copy
    unique = _unique_in_place(found)
    for start in range(0, unique.shape[0], _PAIR_CHUNK):  # no list of all pairs
        chunk = unique[start : start + _PAIR_CHUNK]
        yield from zip((chunk // len(texts)).tolist(), (chunk % len(texts)).tolist(), strict=True)


class _Merger:
    """Union-find over claim indices that merges two groups only if all pairs are compatible."""

    def __init__(self, facts: Sequence[Fact]) -> None:
        self.facts = facts
        self.parent = list(range(len(facts)))
        self.members: dict[int, list[int]] = {}
        #: per group root, one member for each distinct profile in the group
        self.profiles: dict[int, dict[Profile, int]] = {}
        self.how: dict[int, tuple[MatchHow, float]] = {}
        #: pairs of claims checked for compatibility (the cost of merging)
        self.checks = 0

    def _profiles(self, root: int) -> dict[Profile, int]:
        return self.profiles.get(root) or {_profile(self.facts[root]): root}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def merge(self, i: int, j: int, how: MatchHow, score: float) -> None:
        a, b = self.find(i), self.find(j)
        if a == b:
            return
        left, right = self._profiles(a), self._profiles(b)
        for x in left.values():
            for y in right.values():
                self.checks += 1
                if not _compatible(self.facts[x], self.facts[y]):
                    return
        # the smaller group joins the larger: merging n claims one by one stays linear
        members, other = self.members.pop(a, [a]), self.members.pop(b, [b])
        if len(members) < len(other):
            members, other = other, members
        members.extend(other)
        profiles, extra = (left, right) if len(left) >= len(right) else (right, left)
        profiles.update((p, x) for p, x in extra.items() if p not in profiles)
        # a group of several already recorded its matches; a lone claim records this one
        for x in (a, b):
            self.how.setdefault(x, (how, score))
        root, gone = min(a, b), max(a, b)
        self.parent[gone] = root
        self.members[root] = members
        self.profiles[root] = profiles
        self.profiles.pop(gone, None)


def deduplicate(
    facts: Sequence[Fact],
    *,
    pairs: Pairs | None = None,
    paraphrase: float = 0.88,
    near_ratio: float = 90.0,
    minhash_perm: int = 64,
    minhash_jaccard: float = 0.5,
    seed: int = 0,
) -> list[DuplicateGroup]:
    """Merge duplicate claims; every fact ends up in exactly one group.

    ``pairs`` are embedding neighbours (see :func:`extractor.compare.clustering.neighbour_pairs`);
    without them, paraphrases are not looked for. Groups come in the order of their kept
    claim's first appearance in ``facts``.
    """
    merger = merge_lexical(facts, near_ratio, minhash_perm, minhash_jaccard, seed)
    if pairs is not None:
        merge_paraphrases(merger, pairs, paraphrase)
    return merged_groups(merger)


def merge_lexical(
    facts: Sequence[Fact], near_ratio: float, minhash_perm: int, minhash_jaccard: float, seed: int
) -> _Merger:
    """The first steps of :func:`deduplicate`: exact duplicates, then near ones (between
    distinct texts); :func:`merge_paraphrases` is the last. Apart, a caller can let go of
    one step's memory before the embedding neighbours are found."""
    merger = _Merger(facts)
    #: per distinct text, the first claim of each (speaker, polarity, negation): a list
    #: of indices, not a dict by key (the key is the claim's), is a quarter of the memory
    first_of: dict[str, list[int]] = {}
    for i, fact in enumerate(facts):
        text = normalise_text(fact.key)
        same = first_of.get(text)
        if same is None:
            first_of[text] = [i]
            continue
        key = _exact_key(fact)
        earlier = next((j for j in same if _exact_key(facts[j]) == key), None)
        if earlier is None:
            same.append(i)
        else:
            merger.merge(earlier, i, "exact", 100.0)
    distinct = list(first_of)
    for u, v in _near_candidates(
        distinct, num_perm=minhash_perm, threshold=minhash_jaccard, seed=seed
    ):
        right = {_exact_key(facts[j]): j for j in first_of[distinct[v]]}
        for i in first_of[distinct[u]]:
            j = right.get(_exact_key(facts[i]), -1)
            if j < 0 or facts[i].terms != facts[j].terms:
                continue  # "... sent to Kursk" and "... sent to Kharkiv" are different claims
            score = fuzz.token_set_ratio(distinct[u], distinct[v])
            if score >= near_ratio:
                merger.merge(i, j, "near", float(score))
    return merger


def merge_paraphrases(merger: _Merger, pairs: Pairs, paraphrase: float) -> None:
    """The last step of :func:`deduplicate`: embedding neighbours of cosine >= ``paraphrase``."""
    for i, j, sim in pairs.above(paraphrase):
        merger.merge(i, j, "paraphrase", round(100.0 * sim, 1))


def group_numbers(merger: _Merger) -> NDArray[np.int32]:
    """Each claim's group number, the groups numbered as :func:`merged_groups` lists them
    (by their root, the group's first claim in the input)."""
    n = len(merger.parent)
    roots = np.fromiter((merger.find(i) for i in range(n)), dtype=np.int64, count=n)
    number = np.cumsum(roots == np.arange(n)) - 1
    return number[roots].astype(np.int32)


def merged_groups(merger: _Merger) -> list[DuplicateGroup]:
    """The groups of :func:`deduplicate` once its steps have merged."""
    return _groups(merger.facts, merger)


def _groups(facts: Sequence[Fact], merger: _Merger) -> list[DuplicateGroup]:
    groups: list[DuplicateGroup] = []
    for i in range(len(facts)):
        root = merger.find(i)
        if root != i:
            continue
        members = merger.members.get(root, [root])
        ordered = sorted(members, key=lambda m: (member_order(facts[m]), m))
        duplicates = tuple(Duplicate(facts[m], *merger.how[m]) for m in ordered[1:])
        groups.append(DuplicateGroup(facts[ordered[0]], duplicates, tuple(ordered)))
    return groups
