"""The one seam between strategies and models: text completion.

A back end turns a :class:`CompletionRequest` into a :class:`Completion`. The embedded
llama.cpp model and any OpenAI-compatible ``/v1/completions`` endpoint implement it; the
response cache wraps it. Tests can pass any object with this shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, cast

__all__ = [
    "close_backend",
    "Completion",
    "CompletionBackend",
    "CompletionRequest",
    "ScoringBackend",
    "Scores",
    "Wrapper",
    "scorer",
]


@dataclass(frozen=True)
class CompletionRequest:
    """One plain-text completion call."""

    prompt: str
    max_tokens: int
    stop: tuple[str, ...] = ()
    temperature: float = 0.0
    seed: int = 0
    #: prompt template name and version, e.g. "extract_sentence.v1" (part of the cache key)
    prompt_version: str = ""


@dataclass(frozen=True)
class Completion:
    """What the model answered, and what it cost."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    #: model calls made for this answer, transport retries included (0 when cached)
    requests: int = 1
    retries: int = 0
    cached: bool = False
    finish_reason: str | None = field(default=None)


class CompletionBackend(Protocol):
    """Anything that completes text. ``name`` and ``model`` are recorded with every claim."""

    @property
    def name(self) -> str: ...

    @property
    def model(self) -> str: ...

    def complete(self, request: CompletionRequest) -> Completion: ...


class Wrapper:
    """The base of a back end in front of another (a cache, a gate): the wrapped back
    end's name and model are recorded, not the wrapper's."""

    def __init__(self, backend: CompletionBackend) -> None:
        self._backend = backend

    @property
    def name(self) -> str:
        return self._backend.name

    @property
    def model(self) -> str:
        return self._backend.model


@dataclass(frozen=True)
class Scores:
    """Log-likelihoods of continuations after one prompt, and what computing them cost."""

    #: mean log-probability per token of each continuation, in the order asked
    values: tuple[float, ...]
    prompt_tokens: int = 0
    cached: bool = False


class ScoringBackend(CompletionBackend, Protocol):
    """A back end that can also score given continuations of a prompt (llama.cpp can).

    Choosing among candidates this way lets a small base model pick an answer without
    writing one. Back ends without it are used for completion only; the caller then keeps
    code's own order of the candidates.
    """

    def score(self, prompt: str, continuations: tuple[str, ...]) -> Scores: ...


def close_backend(backend: object) -> None:
    """Close ``backend`` when it has ``close()`` (a back end need not hold anything)."""
    close = getattr(backend, "close", None)
    if callable(close):
        close()


def scorer(backend: object) -> Callable[[str, tuple[str, ...]], Scores] | None:
    """``backend.score`` when the back end can score, else None.

    A wrapper (the response cache, a batch's gate) has ``score`` whatever it wraps and says
    with ``can_score`` whether the back end behind it scores.
    """
    score = getattr(backend, "score", None)
    if not callable(score) or not getattr(backend, "can_score", True):
        return None
    return cast(Callable[[str, tuple[str, ...]], Scores], score)
