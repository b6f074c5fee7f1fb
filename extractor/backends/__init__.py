"""Model back ends behind one seam, :class:`~extractor.backends.base.CompletionBackend`."""

from __future__ import annotations

import atexit
from functools import lru_cache
from pathlib import Path

from ..ratelimit import Limiter
from ..settings import Settings
from .base import Completion, CompletionBackend, CompletionRequest

__all__ = ["Completion", "CompletionBackend", "CompletionRequest", "make_backend"]


@lru_cache(maxsize=2)
def _load_local(path: Path, n_ctx: int, n_threads: int | None, seed: int) -> CompletionBackend:
    from .local import LlamaCppBackend

    backend = LlamaCppBackend(path, n_ctx=n_ctx, n_threads=n_threads, seed=seed)
    # llama.cpp's own finaliser fails when it runs during interpreter shutdown
    atexit.register(backend.close)
    return backend


def make_backend(settings: Settings, limiter: Limiter | None = None) -> CompletionBackend:
    """The completion back end ``settings`` asks for. A loaded local model is reused.

    The ``openai`` back end's requests go through ``limiter`` (by default, one built from
    the settings' rate limits); the local model has none.
    """
    if settings.resolved_backend == "local":
        from .local import packaged_model_path

        path = settings.model_path or packaged_model_path(settings.cache_dir)
        return _load_local(path, settings.n_ctx, settings.n_threads, settings.seed)
    from ..ratelimit import RateLimiter
    from .openai_backend import OpenAICompletionBackend

    return OpenAICompletionBackend(settings, limiter or RateLimiter.from_settings(settings))
