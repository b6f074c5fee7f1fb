"""Client-side rate limits: requests per minute and tokens per minute, shared by all threads.

:class:`RateLimiter` holds two buckets. Each holds one minute's budget, and whatever a
request takes from it comes back exactly one period later (a sliding window), so no
60-second window ever spends more than the limit: a bucket of 60 requests per minute lets
60 requests go at once, then the 61st a minute after the first. A request takes one from
the requests bucket and its *estimated* tokens from the tokens bucket before it is sent
(prompt estimate plus ``max_tokens``); once the answer's usage is known, :meth:`settle`
replaces the estimate with the real count, so a wrong estimate corrects the following
requests.

The server has the last word. Its ``x-ratelimit-remaining-requests`` /
``x-ratelimit-remaining-tokens`` headers at zero pause the matching bucket until
``x-ratelimit-reset-*`` (``"1s"``, ``"6m0s"``, ``"20ms"``), and a ``429`` with
``Retry-After`` pauses both, for every thread, not only the one that was refused. This
works with no configured limit too: the buckets are then unlimited but can be paused.

The clock and the sleep are injectable, so tests run the limiter on a fake clock.
A ``None`` limit means unlimited.
"""

from __future__ import annotations

import email.utils
import itertools
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from ..settings import Settings

__all__ = ["Limiter", "RateLimiter", "parse_duration", "retry_after_seconds"]

#: the window every per-minute budget is counted over
PERIOD = 60.0
#: a wait shorter than this is not worth sleeping for; the next try is granted
_EPSILON = 1e-6


class Limiter(Protocol):
    """What the transport asks before each request and tells after it.

    :class:`RateLimiter` implements it in one process; the Ray engine implements it over an
    actor, so that all workers share one budget.
    """

    def acquire(self, tokens: int) -> int:
        """Block until one request of about ``tokens`` tokens may go; returns a ticket."""
        ...

    def settle(self, ticket: int, tokens: int) -> None:
        """The request of ``ticket`` really cost ``tokens`` (from the answer's usage)."""
        ...

    def observe(self, status: int, headers: Mapping[str, str]) -> None:
        """Read a response's rate-limit headers (and ``Retry-After`` on a 429)."""
        ...


@dataclass
class _Grant:
    at: float
    amount: int


class _Bucket:
    """One sliding-window budget: at most ``limit`` in any ``period`` seconds."""

    def __init__(self, limit: int | None, period: float) -> None:
        self.limit = limit
        self.period = period
        self.paused_until = float("-inf")
        self._grants: deque[_Grant] = deque()
        self._used = 0

    def _expire(self, now: float) -> None:
        while self._grants and self._grants[0].at + self.period <= now:
            self._used -= self._grants.popleft().amount

    def wait(self, amount: int, now: float) -> float:
        """Seconds until ``amount`` fits (0.0: it fits now)."""
        paused = max(0.0, self.paused_until - now)
        if self.limit is None:
            return paused
        self._expire(now)
        amount = min(amount, self.limit)  # bigger than the whole budget: wait for all of it
        excess = self._used + amount - self.limit
        if excess <= 0:
            return paused
        for grant in self._grants:  # oldest first: when enough of them have come back
            excess -= grant.amount
            if excess <= 0:
                return max(paused, grant.at + self.period - now)
        raise AssertionError("unreachable: the grants add up to the used budget")

    def take(self, amount: int, now: float) -> _Grant | None:
        if self.limit is None:
            return None
        grant = _Grant(now, min(amount, self.limit))
        self._grants.append(grant)
        self._used += grant.amount
        return grant

    def correct(self, grant: _Grant, amount: int, now: float) -> None:
        """Replace a grant's amount; a grant already back in the bucket stays back."""
        self._expire(now)
        if grant.at + self.period > now:
            self._used += amount - grant.amount
        grant.amount = amount

    def pause(self, until: float) -> None:
        self.paused_until = max(self.paused_until, until)


class RateLimiter:
    """Requests-per-minute and tokens-per-minute buckets, safe to share between threads."""

    def __init__(
        self,
        requests_per_minute: int | None = None,
        tokens_per_minute: int | None = None,
        *,
        period: float = PERIOD,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        max_pause: float | None = None,
    ) -> None:
        #: the longest pause a server's headers can impose (None: as long as it asks)
        self._max_pause = max_pause
        self._requests = _Bucket(requests_per_minute, period)
        self._tokens = _Bucket(tokens_per_minute, period)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tickets = itertools.count(1)
        self._open: dict[int, _Grant] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter:
        """The limits of ``settings`` (``requests_per_minute``, ``tokens_per_minute``); a
        server's pause is capped by ``retry_max_wait``, like its ``Retry-After``."""
        return cls(
            settings.requests_per_minute,
            settings.tokens_per_minute,
            max_pause=settings.retry_max_wait,
        )

    def try_acquire(self, tokens: int) -> tuple[int | None, float]:
        """Take the budget of one request now if it fits: ``(ticket, 0.0)``, else the wait.

        Never blocks. ``(None, seconds)`` means: try again in ``seconds``.
        """
        with self._lock:
            now = self._clock()
            wait = max(self._requests.wait(1, now), self._tokens.wait(tokens, now))
            if wait > _EPSILON:
                return None, wait
            self._requests.take(1, now)
            grant = self._tokens.take(tokens, now)
            ticket = next(self._tickets)
            self._forget_expired(now)
            if grant is not None:
                self._open[ticket] = grant
            return ticket, 0.0

    def _forget_expired(self, now: float) -> None:
        """Drop the open tickets whose grant is back in the bucket: a request that failed, or
        whose answer had no usage, is never settled, and settling it now would change nothing."""
        period = self._tokens.period
        while self._open:
            ticket, grant = next(iter(self._open.items()))  # oldest first: tickets only grow
            if grant.at + period > now:
                return
            del self._open[ticket]

    def acquire(self, tokens: int) -> int:
        """Block until a request of about ``tokens`` tokens fits both budgets."""
        while True:
            ticket, wait = self.try_acquire(tokens)
            if ticket is not None:
                return ticket
            self._sleep(wait)

    def settle(self, ticket: int, tokens: int) -> None:
        """Correct the estimate of ``ticket`` with the tokens the request really cost."""
        with self._lock:
            grant = self._open.pop(ticket, None)
            if grant is not None:
                self._tokens.correct(grant, tokens, self._clock())

    def pause(self, seconds: float, *, requests: bool = True, tokens: bool = True) -> None:
        """Let no request go for ``seconds`` (on one bucket, or both), at most ``max_pause``."""
        if self._max_pause is not None:
            seconds = min(seconds, self._max_pause)  # "Retry-After: 86400" must not stall a run
        with self._lock:
            until = self._clock() + seconds
            if requests:
                self._requests.pause(until)
            if tokens:
                self._tokens.pause(until)

    def observe(self, status: int, headers: Mapping[str, str]) -> None:
        """Pause on ``Retry-After`` (429) and on exhausted ``x-ratelimit-remaining-*``."""
        if status == 429:
            wait = retry_after_seconds(headers)
            if wait is not None:
                self.pause(wait)
        for kind in ("requests", "tokens"):
            remaining = _number(headers.get(f"x-ratelimit-remaining-{kind}"))
            if remaining is None or remaining > 0:
                continue
            reset = parse_duration(headers.get(f"x-ratelimit-reset-{kind}"))
            if reset is not None:
                self.pause(reset, requests=kind == "requests", tokens=kind == "tokens")

    def open_tickets(self) -> int:
        """Tickets whose usage is not settled yet (a gauge for tests and progress)."""
        with self._lock:
            return len(self._open)


_DURATION = re.compile(r"(?P<value>\d+(?:\.\d+)?)(?P<unit>ms|h|m|s)")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(value: str | None) -> float | None:
    """Seconds of a reset header: ``"1s"``, ``"6m0s"``, ``"20ms"``, ``"1h2m3.5s"`` or ``"2.5"``."""
    if value is None:
        return None
    value = value.strip()
    number = _number(value)
    if number is not None:
        return max(0.0, number)
    parts = list(_DURATION.finditer(value))
    if not parts or "".join(part.group(0) for part in parts) != value:
        return None
    return sum(float(part["value"]) * _UNITS[part["unit"]] for part in parts)


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Seconds the server asked to wait: ``retry-after-ms``, or ``Retry-After`` (s or date)."""
    millis = _number(headers.get("retry-after-ms"))
    if millis is not None:
        return max(0.0, millis / 1000)
    value = headers.get("retry-after")
    if value is None:
        return None
    seconds = _number(value)
    if seconds is not None:
        return max(0.0, seconds)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None
