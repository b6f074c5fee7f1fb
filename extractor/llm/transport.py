"""Transport retries for OpenAI-compatible servers: 429, 5xx, timeouts, dropped connections.

One tenacity policy, used around every HTTP call the package makes: exponential backoff
with jitter, or the server's ``Retry-After`` when it sends one, capped by
``Settings.retry_max_wait`` and bounded by ``Settings.max_retries``. The openai client is
built with ``max_retries=0`` so its own retries never stack on top of these. Every
attempt is counted in a :class:`Meter`.

An HTTP 200 whose body is not what the endpoint promises (cut-off JSON, no choices, a
choice without its text) is a :class:`MalformedResponse`, retried like a 5xx: proxies
and overloaded servers produce them, and they are not the model's fault. Error messages
never carry the API key, even when a server echoes it back.

With a :class:`~extractor.llm.ratelimit.Limiter`, every attempt first takes its budget from it
(one request, the estimated tokens), the answer's usage settles the estimate, and every
response's rate-limit headers reach it through an httpx response hook on the client.
"""

from __future__ import annotations

import json
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

from ..errors import TransportError
from ..settings import Settings
from .ratelimit import Limiter, retry_after_seconds

__all__ = [
    "MalformedResponse",
    "Meter",
    "call_with_retries",
    "check_chat_completion",
    "check_text_completion",
    "is_retryable",
    "make_openai_client",
    "retry_after",
]

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
            self.prompt_tokens += _count(getattr(usage, "prompt_tokens", 0))
            self.completion_tokens += _count(getattr(usage, "completion_tokens", 0))


def _count(value: object) -> int:
    """A token count from a server's ``usage``; anything but a non-negative int counts 0."""
    return value if isinstance(value, int) and value > 0 else 0


class MalformedResponse(Exception):
    """An HTTP 200 whose body is not the shape the endpoint promises (retryable)."""


def check_text_completion(response: Any) -> None:
    """Raise :class:`MalformedResponse` unless ``response`` has a first choice with text."""
    choice = _first_choice(response)
    if not isinstance(getattr(choice, "text", None), str):
        raise MalformedResponse("the server answered a choice without 'text'")


def check_chat_completion(response: Any) -> None:
    """Raise :class:`MalformedResponse` unless ``response`` has a first message with content."""
    message = getattr(_first_choice(response), "message", None)
    if not isinstance(getattr(message, "content", None), str):
        raise MalformedResponse("the server answered a choice without 'message.content'")


def _first_choice(response: Any) -> Any:
    choices = getattr(response, "choices", None)
    if not isinstance(choices, list):
        raise MalformedResponse(f"the server answered {type(response).__name__}, not a completion")
    if not choices:
        raise MalformedResponse("the server answered no choices")
    return choices[0]


class _HttpClient(openai.DefaultHttpxClient):
    """The SDK's default HTTP client, closed (its sockets with it) when collected, as the
    SDK's own is."""

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown: nothing left to close
            pass


def make_openai_client(settings: Settings, limiter: Limiter | None = None) -> openai.OpenAI:
    """An ``openai.OpenAI`` client for ``settings.base_url``, with the SDK's retries off.

    With a ``limiter``, it sees every response's headers (:meth:`Limiter.observe`).
    """
    key = settings.api_key.get_secret_value() if settings.api_key else "no-key"
    http_client = None
    if limiter is not None:

        def observe(response: Any) -> None:  # an httpx(2) response, whichever openai uses
            limiter.observe(response.status_code, response.headers)

        http_client = _HttpClient(event_hooks={"response": [observe]})
    return openai.OpenAI(
        base_url=settings.base_url,
        api_key=key,
        organization=settings.organization,
        default_headers=dict(settings.extra_headers) or None,
        timeout=settings.request_timeout,
        max_retries=0,  # deliberate: tenacity (call_with_retries) owns retrying
        http_client=http_client,
    )


def is_retryable(exc: BaseException) -> bool:
    """Rate limits, server errors, timeouts, connection errors and malformed answers are
    worth another try."""
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code == 429 or exc.status_code >= 500
    return isinstance(exc, openai.APITimeoutError | openai.APIConnectionError | MalformedResponse)


def retry_after(exc: BaseException | None) -> float | None:
    """Seconds the server asked us to wait (``Retry-After``, seconds or HTTP date), if any."""
    headers = getattr(getattr(exc, "response", None), "headers", None)
    return None if headers is None else retry_after_seconds(headers)


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
    check: Callable[[T], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    limiter: Limiter | None = None,
    tokens: int = 0,
) -> T:
    """Run ``call`` under the transport retry policy, counting every attempt in ``meter``.

    ``check`` inspects each answer and raises :class:`MalformedResponse` when it is
    unusable; that attempt is then retried like a 5xx. The :class:`TransportError` raised
    when the retries run out carries the requests and retries spent. With a ``limiter``,
    each attempt waits for its budget first (``tokens`` is the estimate) and settles it
    with the answer's usage.
    """

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
        ticket = None if limiter is None else limiter.acquire(tokens)
        meter.requests += 1
        try:
            response = call()
        except json.JSONDecodeError as exc:  # a 200 cut off mid-body
            raise MalformedResponse(f"the server's answer is not valid JSON ({exc.msg})") from exc
        if limiter is not None and ticket is not None:
            _settle(limiter, ticket, getattr(response, "usage", None))
        if check is not None:
            check(response)
        return response

    def failed(message: str, cause: BaseException | None) -> TransportError:
        text = _redact(f"{settings.base_url} {message}: {_describe(cause)}", settings)
        return TransportError(text, requests=meter.requests, retries=meter.retries)

    try:
        return retrying(attempt)
    except RetryError as exc:
        last = exc.last_attempt.exception()
        raise failed(f"failed after {meter.requests} attempts", last) from last
    except openai.APIStatusError as exc:  # not retryable: 400, 401, 404, ...
        raise failed("refused the request", exc) from exc


def _settle(limiter: Limiter, ticket: int, usage: Any) -> None:
    """Tell ``limiter`` what the request really cost, when the server said."""
    counts = [getattr(usage, name, None) for name in ("prompt_tokens", "completion_tokens")]
    if usage is not None and all(isinstance(n, int) and n >= 0 for n in counts):
        limiter.settle(ticket, sum(n for n in counts if isinstance(n, int)))


def _describe(exc: BaseException | None) -> str:
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code} {exc.message}"
    if isinstance(exc, MalformedResponse):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _redact(text: str, settings: Settings) -> str:
    """``text`` without the API key (some servers echo it in their error messages)."""
    key = settings.api_key.get_secret_value() if settings.api_key else ""
    return text.replace(key, "***") if len(key) >= 4 else text
