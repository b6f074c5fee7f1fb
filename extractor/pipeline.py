"""Extraction, article by article: read, ask the model, validate, ground, build claims.

Every article yields exactly one :class:`ArticleResult`. Whatever goes wrong with one
article (unreadable input, a model that never validates, a dead server) is recorded in
its result, and the batch goes on.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Iterator

from .backends import CompletionBackend, make_backend
from .errors import ExtractorError
from .ingest import read_articles
from .models import Article, ArticleError, ArticleResult, Claim, Timings, Usage
from .quantities import parse_quantities
from .settings import Settings
from .stance import detect_stance
from .strategies.base import Strategy, StrategyOutput
from .strategies.sentence import SentenceStrategy

__all__ = ["extract", "extract_article", "make_strategy"]

log = logging.getLogger(__name__)


def make_strategy(settings: Settings, backend: CompletionBackend | None = None) -> Strategy:
    """The extraction strategy ``settings`` asks for, over ``backend`` (or the configured one)."""
    if settings.resolved_strategy == "article":
        from .strategies.article import ArticleStrategy

        return ArticleStrategy(settings)
    return SentenceStrategy(backend or make_backend(settings), settings)


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
    article: Article, settings: Settings | None = None, *, backend: CompletionBackend | None = None
) -> ArticleResult:
    """Extract the grounded claims of one article."""
    settings = settings or Settings()
    return _run(article, make_strategy(settings, backend))


def _failed(error: ArticleError) -> ArticleResult:
    return ArticleResult(article=None, origin=error.origin, status="failed", errors=[error])


def _skipped(article: Article, spent: int, budget: int) -> ArticleResult:
    message = (
        f"skipped: the run's token budget is spent ({spent} of {budget}); "
        "raise EXTRACTOR_MAX_TOKENS_PER_RUN or rerun to continue"
    )
    error = ArticleError(kind="budget", message=message, origin=article.origin)
    return ArticleResult(article=article, origin=article.origin, status="skipped", errors=[error])


def extract(
    inputs: Iterable[str | os.PathLike[str] | Article],
    settings: Settings | None = None,
    *,
    backend: CompletionBackend | None = None,
) -> Iterator[ArticleResult]:
    """Extract claims from files, directories, JSONL feeds or :class:`Article` objects.

    Yields one result per article, in input order, as soon as it is done. The model is
    loaded once, on the first readable article; a :class:`ConfigError` or
    :class:`ModelLoadError` then is raised, since no article could succeed.
    """
    settings = settings or Settings()
    strategy: Strategy | None = None
    spent = Usage()
    budget = settings.max_tokens_per_run
    for item in read_articles(inputs, settings):
        if isinstance(item, ArticleError):
            yield _failed(item)
            continue
        if budget is not None and spent.total_tokens >= budget:
            yield _skipped(item, spent.total_tokens, budget)
            continue
        if strategy is None:  # a config or model-load error here is the run's, not the article's
            strategy = make_strategy(settings, backend)
        result = _run(item, strategy)
        spent = spent + result.usage
        yield result
