"""Plain text completion over any OpenAI-compatible ``/v1/completions`` endpoint.

This is the ``sentence`` strategy's back end for small base models served remotely
(llama.cpp server, vLLM, Ollama). The ``article`` strategy talks to ``/v1/chat/completions``
through instructor instead (:mod:`extractor.extraction.article`).
"""

from __future__ import annotations

import openai

from ..errors import ConfigError
from ..settings import Settings
from .base import Completion, CompletionRequest
from .ratelimit import Limiter
from .tokens import estimate_tokens
from .transport import Meter, call_with_retries, check_text_completion, make_openai_client

__all__ = ["OpenAICompletionBackend", "require_endpoint"]


def require_endpoint(settings: Settings) -> tuple[str, str]:
    """The base URL and model name, or a ConfigError saying which setting is missing."""
    if not settings.base_url:
        raise ConfigError("the openai back end needs a base URL: set EXTRACTOR_BASE_URL")
    if not settings.model:
        raise ConfigError("the openai back end needs a model name: set EXTRACTOR_MODEL")
    return settings.base_url, settings.model


class OpenAICompletionBackend:
    """``/v1/completions`` with transport retries; usage from the server's answer."""

    name = "openai"

    def __init__(self, settings: Settings, limiter: Limiter | None = None) -> None:
        _, self._model = require_endpoint(settings)
        self._settings = settings
        self._limiter = limiter
        self._client = make_openai_client(settings, limiter)

    @property
    def model(self) -> str:
        return self._model

    @property
    def client(self) -> openai.OpenAI:
        """The client it asks; the article strategy asks its chat endpoint through it."""
        return self._client

    def close(self) -> None:
        """Close the client and its keep-alive connections (idempotent)."""
        self._client.close()

    def __enter__(self) -> OpenAICompletionBackend:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def complete(self, request: CompletionRequest) -> Completion:
        meter = Meter()
        response = call_with_retries(
            lambda: self._client.completions.create(
                model=self._model,
                prompt=request.prompt,
                max_tokens=request.max_tokens,
                stop=list(request.stop) or None,
                temperature=request.temperature,
                seed=request.seed,
            ),
            self._settings,
            meter,
            check=check_text_completion,  # no choices, or no text: retried
            limiter=self._limiter,
            tokens=estimate_tokens(request.prompt) + request.max_tokens,
        )
        meter.add_usage(getattr(response, "usage", None))
        choice = response.choices[0]
        return Completion(
            text=choice.text,
            prompt_tokens=meter.prompt_tokens,
            completion_tokens=meter.completion_tokens,
            requests=meter.requests,
            retries=meter.retries,
            finish_reason=choice.finish_reason,
        )
