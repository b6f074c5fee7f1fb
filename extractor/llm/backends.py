"""Model back ends behind one seam, :class:`~extractor.llm.base.CompletionBackend`.

Whoever makes a back end closes it (``close()``, or ``with``): :func:`make_backend`'s
OpenAI-compatible back end holds a client and its sockets, and its local model is a lease
on a model of the process-wide cache below, given back on ``close()``.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..settings import Settings
from .base import Completion, CompletionBackend, CompletionRequest, Scores
from .ratelimit import Limiter

if TYPE_CHECKING:
    from .local import LlamaCppBackend

__all__ = ["Completion", "CompletionBackend", "CompletionRequest", "make_backend"]

#: what loads a local model: path, context size, threads, seed
_Key = tuple[Path, int, int | None, int]
#: loaded local models kept for reuse (each holds its weights and context in memory)
MODELS_KEPT = 2


def _load(key: _Key) -> LlamaCppBackend:
    from .local import LlamaCppBackend

    path, n_ctx, n_threads, seed = key
    return LlamaCppBackend(path, n_ctx=n_ctx, n_threads=n_threads, seed=seed)


class _ModelCache:
    """The local models this process loaded, the ``size`` most recently asked for kept.

    :meth:`lease` hands out a model and counts it in use until the lease is closed. A model
    that falls out of the cache is freed as soon as no lease holds it (at once when none
    does), not at interpreter exit; the ones still kept are freed at exit
    (:meth:`close_all`: llama.cpp's own finaliser fails during interpreter shutdown).
    """

    def __init__(self, size: int, load: Callable[[_Key], LlamaCppBackend] = _load) -> None:
        self._size = size
        self._load = load
        self._lock = threading.Lock()
        self._kept: dict[_Key, LlamaCppBackend] = {}  # least recently asked for first
        self._retired: list[LlamaCppBackend] = []  # out of the cache, still leased
        self._leases: dict[LlamaCppBackend, int] = {}

    def lease(self, key: _Key) -> _LeasedModel:
        with self._lock:  # one load at a time: a second caller waits and reuses it
            model = self._kept.pop(key, None)
            if model is None:
                model = self._load(key)
            self._kept[key] = model
            self._leases[model] = self._leases.get(model, 0) + 1
            while len(self._kept) > self._size:
                self._retired.append(self._kept.pop(next(iter(self._kept))))
            unused = self._take_unused()
        for old in unused:
            old.close()
        return _LeasedModel(model, self._release)

    def _release(self, model: LlamaCppBackend) -> None:
        with self._lock:
            self._leases[model] -= 1
            if not self._leases[model]:
                del self._leases[model]
            unused = self._take_unused()
        for old in unused:
            old.close()

    def _take_unused(self) -> list[LlamaCppBackend]:
        unused = [model for model in self._retired if model not in self._leases]
        self._retired = [model for model in self._retired if model in self._leases]
        return unused

    def loaded(self) -> int:
        """Models in memory: the kept ones and those out of the cache but still leased."""
        with self._lock:
            return len(self._kept) + len(self._retired)

    def close_all(self) -> None:
        with self._lock:
            models = [*self._kept.values(), *self._retired]
            self._kept, self._retired = {}, []
        for model in models:
            model.close()


class _LeasedModel:
    """A :class:`~extractor.llm.local.LlamaCppBackend` of the cache, until closed."""

    name = "local"

    def __init__(self, model: LlamaCppBackend, release: Callable[[LlamaCppBackend], None]) -> None:
        self._model = model
        self._release = release
        self._lock = threading.Lock()
        self._open = True

    @property
    def model(self) -> str:
        return self._model.model

    def complete(self, request: CompletionRequest) -> Completion:
        return self._model.complete(request)

    def score(self, prompt: str, continuations: tuple[str, ...]) -> Scores:
        return self._model.score(prompt, continuations)

    def count_tokens(self, text: str) -> int:
        return self._model.count_tokens(text)

    def close(self) -> None:
        """Give the model back to the cache (idempotent)."""
        with self._lock:
            was_open, self._open = self._open, False
        if was_open:
            self._release(self._model)

    def __enter__(self) -> _LeasedModel:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


_models = _ModelCache(MODELS_KEPT)
atexit.register(_models.close_all)


def make_backend(settings: Settings, limiter: Limiter | None = None) -> CompletionBackend:
    """The completion back end ``settings`` asks for; the caller closes it.

    The ``openai`` back end's requests go through ``limiter`` (by default, one built from
    the settings' rate limits); the local model has none. A loaded local model is reused
    by the next call with the same model settings (the last :data:`MODELS_KEPT` are kept).
    """
    if settings.resolved_backend == "local":
        from .local import packaged_model_path

        path = settings.model_path or packaged_model_path(settings.cache_dir)
        return _models.lease((path, settings.n_ctx, settings.n_threads, settings.seed))
    from .openai_backend import OpenAICompletionBackend
    from .ratelimit import RateLimiter

    return OpenAICompletionBackend(settings, limiter or RateLimiter.from_settings(settings))
