"""The rate limiter: budgets never exceeded (on a fake clock), corrections, server pauses."""

from __future__ import annotations

import random
import threading
import time

import pytest

from extractor.llm.ratelimit import RateLimiter, parse_duration, retry_after_seconds


class FakeClock:
    """Time that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def limiter(clock: FakeClock, rpm: int | None = None, tpm: int | None = None) -> RateLimiter:
    return RateLimiter(rpm, tpm, clock=clock, sleep=clock.sleep)


def most_in_any_window(grants: list[tuple[float, int]], period: float = 60.0) -> int:
    """The largest total granted in any window [t, t + period)."""
    return max(sum(n for at, n in grants if start <= at < start + period) for start, _ in grants)


def test_requests_per_minute_is_never_exceeded_and_not_undershot() -> None:
    clock = FakeClock()
    rate = limiter(clock, rpm=10)
    grants = []
    for _ in range(35):
        rate.acquire(0)
        grants.append((clock.now, 1))
    assert most_in_any_window(grants) == 10
    # a burst of 10, then each next 10 exactly one period after the previous ones
    times = sorted({at - 1000.0 for at, _ in grants})
    assert times == pytest.approx([0.0, 60.0, 120.0, 180.0])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tokens_per_minute_is_never_exceeded_with_mixed_request_sizes(seed: int) -> None:
    clock = FakeClock()
    rate = limiter(clock, rpm=50, tpm=2_000)
    pick = random.Random(seed)
    grants: list[tuple[float, int]] = []
    requests: list[tuple[float, int]] = []
    for _ in range(200):
        tokens = pick.randint(1, 600)
        ticket = rate.acquire(tokens)
        grants.append((clock.now, tokens))
        requests.append((clock.now, 1))
        rate.settle(ticket, tokens)  # the estimate was right
        clock.now += pick.choice([0.0, 0.0, 0.5, 3.0])  # sometimes time passes between calls
    assert most_in_any_window(grants) <= 2_000
    assert most_in_any_window(requests) <= 50
    spent = sum(n for _, n in grants)
    elapsed = clock.now - 1000.0
    assert spent / (elapsed / 60 + 1) > 2_000 * 0.6, "it waits no longer than it must"


def test_a_request_bigger_than_the_budget_waits_for_all_of_it_instead_of_forever() -> None:
    clock = FakeClock()
    rate = limiter(clock, tpm=100)
    rate.acquire(40)
    rate.acquire(500)  # capped to the whole budget: waits until the 40 come back
    assert clock.now - 1000.0 == pytest.approx(60.0)


def test_the_real_usage_corrects_the_estimate() -> None:
    clock = FakeClock()
    rate = limiter(clock, tpm=1_000)
    small = rate.acquire(100)
    rate.settle(small, 900)  # the answer cost far more than estimated
    rate.acquire(100)  # only 100 are left now: 900 + 100 fit, but no more
    assert clock.now == 1000.0
    rate.acquire(50)
    assert clock.now - 1000.0 == pytest.approx(60.0)
    over = limiter(FakeClock(), tpm=1_000)
    big = over.acquire(800)
    over.settle(big, 10)  # and a generous estimate gives the rest back at once
    over.acquire(900)
    assert over.open_tickets() == 1


def test_tickets_never_settled_are_forgotten_once_their_grant_is_back() -> None:
    clock = FakeClock()
    rate = limiter(clock, tpm=1_000_000)
    for _ in range(500):  # failed requests, or answers without usage: never settled
        rate.acquire(10)
    assert rate.open_tickets() == 500  # inside the window, a late settle still counts
    clock.now += 60.0
    kept = rate.acquire(10)
    assert rate.open_tickets() == 1
    rate.settle(kept, 999_995)  # the one still in the window is corrected as before
    rate.acquire(10)
    assert clock.now == 1060.0 + 60.0


def test_unlimited_buckets_never_wait() -> None:
    clock = FakeClock()
    rate = limiter(clock)
    for _ in range(1_000):
        rate.acquire(10_000)
    assert clock.slept == []


def test_retry_after_on_a_429_pauses_every_caller() -> None:
    clock = FakeClock()
    rate = limiter(clock)
    rate.observe(429, {"retry-after": "7"})
    rate.acquire(1)
    assert clock.now - 1000.0 == pytest.approx(7.0)
    rate.observe(429, {"retry-after-ms": "250"})
    rate.acquire(1)
    assert clock.now - 1000.0 == pytest.approx(7.25)


def test_exhausted_ratelimit_headers_pause_only_their_bucket() -> None:
    clock = FakeClock()
    rate = limiter(clock)
    rate.observe(200, {"x-ratelimit-remaining-requests": "3", "x-ratelimit-reset-requests": "9s"})
    rate.acquire(1)
    assert clock.now == 1000.0, "requests remain: no pause"
    headers = {
        "x-ratelimit-remaining-tokens": "0",
        "x-ratelimit-reset-tokens": "1m30s",
        "x-ratelimit-remaining-requests": "12",
    }
    rate.observe(200, headers)
    ticket, wait = rate.try_acquire(1)
    assert ticket is None and wait == pytest.approx(90.0)
    rate.acquire(1)
    assert clock.now - 1000.0 == pytest.approx(90.0)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1s", 1.0), ("6m0s", 360.0), ("20ms", 0.02), ("1h2m3.5s", 3723.5), ("2.5", 2.5),
     ("soon", None), ("", None), (None, None)],
)  # fmt: skip
def test_reset_durations(text: str | None, seconds: float | None) -> None:
    assert parse_duration(text) == (None if seconds is None else pytest.approx(seconds))


def test_retry_after_forms() -> None:
    assert retry_after_seconds({"retry-after": "3"}) == 3.0
    assert retry_after_seconds({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert retry_after_seconds({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
    assert retry_after_seconds({"retry-after": "later"}) is None
    assert retry_after_seconds({}) is None


def test_threads_sharing_one_limiter_stay_within_budget() -> None:
    """Real threads on a real clock with a short period; checked on the limiter's own times."""
    period, budget = 0.3, 5
    seen = threading.local()

    def clock() -> float:  # the grant happens at the last time its thread read
        seen.now = time.monotonic()
        return float(seen.now)

    rate = RateLimiter(budget, None, period=period, clock=clock)
    granted: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(4):
            rate.acquire(1)
            with lock:
                granted.append(seen.now)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(granted) == 24
    assert most_in_any_window([(at, 1) for at in granted], period) == budget


def test_the_ray_jobs_limiter_caps_a_servers_pause_like_the_local_one() -> None:
    from extractor.runs.ray_engine import _LimiterActor  # the actor's class, run here without Ray
    from extractor.settings import Settings

    settings = Settings(backend="openai", base_url="http://127.0.0.1:9/v1", retry_max_wait=2.0)
    actor = _LimiterActor(settings)
    actor.observe(429, {"retry-after": "86400"})
    ticket, wait = actor.try_acquire(10)
    assert ticket is None and 0 < wait <= 2.0
    local = RateLimiter.from_settings(settings)
    local.observe(429, {"retry-after": "86400"})
    assert local.try_acquire(10)[1] == pytest.approx(wait, abs=0.5)
