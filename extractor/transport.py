"""Transport retries for OpenAI-compatible servers: 429, 5xx, timeouts, dropped connections.

One tenacity policy, used around every HTTP call the package makes: exponential backoff
with jitter, or the server's ``Retry-After`` when it sends one, capped by
``Settings.retry_max_wait`` and bounded by ``Settings.max_retries``. The openai client is
built with ``max_retries=0`` so its own retries never stack on top of these. Every
attempt is counted in a :class:`Meter`.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import openai
from tenacity import (
    RetryCallState,
    RetryError,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from .errors import TransportError
from .settings import Settings

__all__ = ["Meter", "call_with_retries", "is_retryable", "make_openai_client", "retry_after"]

T = TypeVar("T")


@dataclass
class Meter:
    """Calls, retries and tokens spent, counted as they happen."""

    requests: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def add_usage(self, usage: Any) -> None:
        """Add an OpenAI ``usage`` object (or None, when the server sent none)."""
        if usage is not None:
            self.prompt_tokens += int(getattr(usage, "prompt_tokens", 0) or 0)
            self.completion_tokens += int(getattr(usage, "completion_tokens", 0) or 0)


def make_openai_client(settings: Settings) -> openai.OpenAI:
    """An ``openai.OpenAI`` client for ``settings.base_url``, with the SDK's retries off."""
    key = settings.api_key.get_secret_value() if settings.api_key else "no-key"
    return openai.OpenAI(
        base_url=settings.base_url,
        api_key=key,
        organization=settings.organization,
        default_headers=dict(settings.extra_headers) or None,
        timeout=settings.request_timeout,
        max_retries=0,  # deliberate: tenacity (call_with_retries) owns retrying
    )


def is_retryable(exc: BaseException) -> bool:
    """Rate limits, server errors, timeouts and connection errors are worth another try."""
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code == 429 or exc.status_code >= 500
    return isinstance(exc, openai.APITimeoutError | openai.APIConnectionError)


def retry_after(exc: BaseException | None) -> float | None:
    """Seconds the server asked us to wait (``Retry-After``, seconds or HTTP date), if any."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    value = headers.get("retry-after-ms")
    if value is not None:
        try:
            return max(0.0, float(value) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return None if parsed is None else max(0.0, parsed.timestamp() - time.time())


class _WaitRetryAfterOrBackoff:
    """The server's Retry-After when given, else exponential backoff with jitter; capped."""

    def __init__(self, cap: float) -> None:
        self._cap = cap
        self._backoff = wait_exponential_jitter(multiplier=0.5, max=cap, jitter=0.5)

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after(exc)
        return min(self._cap, asked) if asked is not None else self._backoff(state)


def call_with_retries(
    call: Callable[[], T],
    settings: Settings,
    meter: Meter,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``call`` under the transport retry policy, counting every attempt in ``meter``."""

    def count(state: RetryCallState) -> None:
        meter.retries += 1

    retrying = Retrying(
        retry=retry_if_exception(is_retryable),
        stop=stop_after_attempt(settings.max_retries + 1),
        wait=_WaitRetryAfterOrBackoff(settings.retry_max_wait),
        before_sleep=count,
        sleep=sleep,
        reraise=False,
    )

    def attempt() -> T:
        meter.requests += 1
        return call()

    try:
        return retrying(attempt)
    except RetryError as exc:
        last = exc.last_attempt.exception()
        raise TransportError(
            f"{settings.base_url} failed after {settings.max_retries + 1} attempts: "
            f"{_describe(last)}"
        ) from last
    except openai.APIStatusError as exc:  # not retryable: 400, 401, 404, ...
        raise TransportError(f"{settings.base_url} refused the request: {_describe(exc)}") from exc


def _describe(exc: BaseException | None) -> str:
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code} {exc.message}"
    return f"{type(exc).__name__}: {exc}"
