"""Extraction, article by article: read, ask the model, validate, ground, build claims.

Every article yields exactly one :class:`ArticleResult`. Whatever goes wrong with one
article (unreadable input, a model that never validates, a dead server) is recorded in
its result, and the batch goes on.

On the ``openai`` back end, ``Settings.concurrency`` articles are extracted at once by a
pool of threads, under one shared :class:`~extractor.ratelimit.RateLimiter`; results still
come out in input order. The local model runs one request at a time, while the next
articles are read in the background.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Generator, Iterable

from .backends import CompletionBackend, make_backend
from .cache import CachedBackend, ResponseCache
from .concurrency import map_ordered, read_ahead
from .errors import ExtractorError
from .ingest import read_articles
from .models import Article, ArticleError, ArticleResult, Claim, Timings
from .quantities import parse_quantities
from .ratelimit import Limiter, RateLimiter
from .settings import Settings
from .stance import detect_stance
from .strategies.base import Strategy, StrategyOutput
from .strategies.sentence import SentenceStrategy

__all__ = ["extract", "extract_article", "make_strategy"]

log = logging.getLogger(__name__)


def make_strategy(
    settings: Settings,
    backend: CompletionBackend | None = None,
    cache: ResponseCache | None = None,
    limiter: Limiter | None = None,
) -> Strategy:
    """The extraction strategy ``settings`` asks for, over ``backend`` (or the configured one).

    With a ``cache``, model answers are read from it when it has them (see
    :mod:`extractor.cache`). Requests to an OpenAI-compatible server go through ``limiter``.
    """
    if settings.resolved_strategy == "article":
        from .strategies.article import ArticleStrategy

        return ArticleStrategy(settings, cache=cache, limiter=limiter)
    backend = backend or make_backend(settings, limiter)
    if cache is not None:
        backend = CachedBackend(backend, cache, strategy="sentence")
    return SentenceStrategy(backend, settings)


def _claims(article: Article, output: StrategyOutput, strategy: Strategy) -> list[Claim]:
    claims: dict[tuple[int, int], Claim] = {}
    for draft in sorted(output.drafts, key=lambda d: (d.start, d.end)):
        if (draft.start, draft.end) in claims:
            continue  # one claim per quoted span; chunks and re-asks can repeat a sentence
        quote = article.text[draft.start : draft.end]
        claims[(draft.start, draft.end)] = Claim(
            article_id=article.id,
            text=draft.text,
            quote=quote,
            start=draft.start,
            end=draft.end,
            match=draft.match,
            speaker=draft.speaker,
            stance=detect_stance(quote),
            quantities=parse_quantities(quote),
            checkworthy=draft.checkworthy,
            prompt_version=strategy.prompt_version,
            model=strategy.model,
        )
    return list(claims.values())


def _run(article: Article, strategy: Strategy) -> ArticleResult:
    began = time.perf_counter()
    output = StrategyOutput()
    try:
        strategy.run(article, output)
    except Exception as exc:  # one article's failure, expected or not, never ends the batch
        if isinstance(exc, ExtractorError):
            error = ArticleError(kind=exc.kind, message=str(exc), origin=article.origin)
        else:
            log.exception("unexpected error on article %s", article.origin or article.id)
            message = f"internal error ({type(exc).__name__}: {exc}); please report it"
            error = ArticleError(kind="internal", message=message, origin=article.origin)
        return ArticleResult(
            article=article,
            origin=article.origin,
            status="failed",
            rejected=output.rejected,
            errors=[error],
            usage=output.usage,
            timings=Timings(model_s=output.model_s, total_s=time.perf_counter() - began),
        )
    return ArticleResult(
        article=article,
        origin=article.origin,
        claims=_claims(article, output, strategy),
        rejected=output.rejected,
        usage=output.usage,
        timings=Timings(model_s=output.model_s, total_s=time.perf_counter() - began),
    )


def extract_article(
    article: Article,
    settings: Settings | None = None,
    *,
    backend: CompletionBackend | None = None,
    cache: ResponseCache | None = None,
) -> ArticleResult:
    """Extract the grounded claims of one article."""
    settings = settings or Settings()
    return _run(article, make_strategy(settings, backend, cache))


def _failed(error: ArticleError) -> ArticleResult:
    return ArticleResult(article=None, origin=error.origin, status="failed", errors=[error])


def _skipped(article: Article, spent: int, budget: int) -> ArticleResult:
    message = (
        f"skipped: the run's token budget is spent ({spent} of {budget}); "
        "raise EXTRACTOR_MAX_TOKENS_PER_RUN or rerun to continue"
    )
    error = ArticleError(kind="budget", message=message, origin=article.origin)
    return ArticleResult(article=article, origin=article.origin, status="skipped", errors=[error])


class _Batch:
    """What the threads of one ``extract`` call share: the strategy, the budget spent."""

    def __init__(
        self,
        settings: Settings,
        backend: CompletionBackend | None,
        cache: ResponseCache | None,
        limiter: Limiter | None,
    ) -> None:
        self._settings = settings
        self._backend = backend
        self._cache = cache
        self._limiter = limiter or RateLimiter.from_settings(settings)
        self._lock = threading.Lock()
        self._shared: Strategy | None = None
        self._local = threading.local()
        self._spent = 0

    def _strategy(self) -> Strategy:
        strategy: Strategy | None = getattr(self._local, "strategy", None)
        if strategy is None:
            with self._lock:  # the first one loads the model; a config or load error ends the run
                # the article strategy keeps per-call state: one per thread
                if self._shared is None or self._settings.resolved_strategy == "article":
                    self._shared = make_strategy(
                        self._settings, self._backend, self._cache, self._limiter
                    )
                strategy = self._local.strategy = self._shared
        return strategy

    def run(self, item: Article | ArticleError) -> ArticleResult:
        if isinstance(item, ArticleError):
            return _failed(item)
        budget = self._settings.max_tokens_per_run
        with self._lock:
            spent = self._spent
        if budget is not None and spent >= budget:
            return _skipped(item, spent, budget)
        result = _run(item, self._strategy())
        with self._lock:
            self._spent += result.usage.total_tokens
        return result


def extract(
    inputs: Iterable[str | os.PathLike[str] | Article],
    settings: Settings | None = None,
    *,
    backend: CompletionBackend | None = None,
    cache: ResponseCache | None = None,
    limiter: Limiter | None = None,
) -> Generator[ArticleResult, None, None]:
    """Extract claims from files, directories, JSONL feeds or :class:`Article` objects.

    Yields one result per article, in input order, as soon as it is done. The model is
    loaded once, on the first readable article; a :class:`ConfigError` or
    :class:`ModelLoadError` then is raised, since no article could succeed. With a
    ``cache`` (:class:`~extractor.cache.ResponseCache`), answers it holds are not asked again.

    ``settings.workers`` articles are extracted at once (``concurrency`` on the ``openai``
    back end, 1 for the local model), all under one rate ``limiter`` (by default, one built
    from the settings). With a token budget, the articles already running when it is spent
    still finish. Closing the iterator abandons the articles not yet done.
    """
    settings = settings or Settings()
    batch = _Batch(settings, backend, cache, limiter)
    items = read_articles(inputs, settings)
    if settings.workers > 1:
        yield from map_ordered(batch.run, items, settings.workers)
        return
    ahead = read_ahead(items)  # the next articles are read while this one is extracted
    try:
        for item in ahead:
            yield batch.run(item)
    finally:
        ahead.close()
