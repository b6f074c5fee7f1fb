"""The response cache: a model answer is asked for once, then read from the store.

An answer is cached under a key made of everything that decides it: the back end, the
model, the strategy, the prompt template with its version, a hash of the exact prompt
text (or chat request), and the decoding settings (temperature, seed, max tokens, stop).
A rerun over an unchanged corpus therefore makes no model call, and a changed prompt
version or model misses the cache only where it changes a request.

Two hooks use it:

* :class:`CachedBackend` wraps any :class:`~extractor.llm.base.CompletionBackend`
  (the ``sentence`` strategy, the comparison judge); a hit comes back as a
  :class:`~extractor.llm.base.Completion` with ``cached=True``, which the strategies
  count in ``Usage.cached`` (and not as a request).
* :class:`ChatCache` is what the ``article`` strategy asks before each chat completion.

Answers live wherever a :class:`ResponseStore` keeps them: a scheduled run's is the
store's ``responses`` table (:class:`~extractor.runs.store.Store`).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from typing import Any, Protocol

from openai.types.chat import ChatCompletion

from .base import (
    Completion,
    CompletionBackend,
    CompletionRequest,
    Scores,
    Wrapper,
    close_backend,
    scorer,
)

__all__ = ["CachedBackend", "ChatCache", "ResponseCache", "ResponseStore", "cache_key"]


class ResponseStore(Protocol):
    """Where answers are kept: the runs layer's store is one (this layer does not import it)."""

    def get_response(self, key: str) -> str | None: ...

    def put_response(self, key: str, data: str) -> None: ...


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_key(**parts: Any) -> str:
    """A stable key over ``parts`` (JSON-able values; anything else by its ``str``)."""
    return _sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str))


class ResponseCache:
    """Model answers by key, in a store. Counts its hits and misses; safe across threads."""

    def __init__(self, store: ResponseStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> str | None:
        """The answer cached under ``key``, or None."""
        found = self._store.get_response(key)
        with self._lock:
            if found is None:
                self.misses += 1
            else:
                self.hits += 1
        return found

    def put(self, key: str, data: str) -> None:
        """Cache ``data`` under ``key``."""
        self._store.put_response(key, data)


class CachedBackend(Wrapper):
    """A :class:`CompletionBackend` that answers from the cache when it can."""

    def __init__(
        self, backend: CompletionBackend, cache: ResponseCache, *, strategy: str = "sentence"
    ) -> None:
        super().__init__(backend)
        self._cache = cache
        self._strategy = strategy

    def close(self) -> None:
        """Close the back end it wraps, when that has ``close()``: wrap what you would close."""
        close_backend(self._backend)

    def __enter__(self) -> CachedBackend:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def key(self, request: CompletionRequest) -> str:
        """The cache key of ``request`` on this back end."""
        return cache_key(
            kind="completion",
            backend=self.name,
            model=self.model,
            strategy=self._strategy,
            prompt_version=request.prompt_version,
            prompt=_sha256(request.prompt),
            temperature=request.temperature,
            seed=request.seed,
            max_tokens=request.max_tokens,
            stop=list(request.stop),
        )

    def complete(self, request: CompletionRequest) -> Completion:
        key = self.key(request)
        found = self._cache.get(key)
        if found is not None:
            data = json.loads(found)
            return Completion(
                text=data["text"],
                prompt_tokens=data.get("prompt_tokens", 0),
                completion_tokens=data.get("completion_tokens", 0),
                requests=0,
                retries=0,
                cached=True,
                finish_reason=data.get("finish_reason"),
            )
        completion = self._backend.complete(request)
        answer = {
            "text": completion.text,
            "prompt_tokens": completion.prompt_tokens,
            "completion_tokens": completion.completion_tokens,
            "finish_reason": completion.finish_reason,
        }
        self._cache.put(key, json.dumps(answer, ensure_ascii=False))
        return completion

    def score(self, prompt: str, continuations: tuple[str, ...]) -> Scores:
        """Scores from the cache, else from the wrapped back end (which must score)."""
        key = cache_key(
            kind="score",
            backend=self.name,
            model=self.model,
            strategy=self._strategy,
            prompt=_sha256(prompt),
            continuations=list(continuations),
        )
        found = self._cache.get(key)
        if found is not None:
            return Scores(values=tuple(json.loads(found)["values"]), cached=True)
        score = scorer(self._backend)
        if score is None:
            raise TypeError(f"back end {self.name!r} cannot score continuations")
        scores = score(prompt, continuations)
        self._cache.put(key, json.dumps({"values": list(scores.values)}))
        return scores

    @property
    def can_score(self) -> bool:
        return scorer(self._backend) is not None


class ChatCache:
    """The ``article`` strategy's hook: chat completions by request, first asks and re-asks.

    The key covers the whole request (model, messages, temperature, seed, max tokens,
    response format), plus the strategy and prompt version.
    """

    def __init__(
        self,
        cache: ResponseCache,
        *,
        prompt_version: str,
        backend: str = "openai",
        strategy: str = "article",
    ) -> None:
        self._cache = cache
        self._prompt_version = prompt_version
        self._backend = backend
        self._strategy = strategy

    def key(self, request: Mapping[str, Any]) -> str:
        """The cache key of a ``chat.completions.create`` call with ``request`` as arguments."""
        return cache_key(
            kind="chat",
            backend=self._backend,
            model=request.get("model"),
            strategy=self._strategy,
            prompt_version=self._prompt_version,
            temperature=request.get("temperature"),
            seed=request.get("seed"),
            max_tokens=request.get("max_tokens"),
            request=cache_key(**request),
        )

    def lookup(self, request: Mapping[str, Any]) -> ChatCompletion | None:
        """The cached response to ``request``, or None."""
        found = self._cache.get(self.key(request))
        return None if found is None else ChatCompletion.model_validate_json(found)

    def save(self, request: Mapping[str, Any], response: Any) -> None:
        """Cache ``response`` (a ``ChatCompletion``) to ``request``."""
        if isinstance(response, ChatCompletion):
            self._cache.put(self.key(request), response.model_dump_json())
