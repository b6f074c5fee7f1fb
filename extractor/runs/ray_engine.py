"""The Ray engine: extraction as a Ray Data job, on this machine or on a cluster.

::

    read_articles (driver) -> from_items -> map_batches(extract) on a pool of actors
        -> results streamed back to the driver, in input order    (extract_ray)
        -> or claims written as Parquet by the workers            (write_claims_parquet)

Each actor of the pool runs the ordinary threaded pipeline (:func:`extractor.extract`)
over its batch, ``Settings.concurrency`` requests in flight each, and every request of
every actor first asks one shared :class:`~extractor.llm.ratelimit.RateLimiter` held by a Ray
actor, so the requests-per-minute and tokens-per-minute budgets, and the pauses the
server asks for, hold for the whole job. The results are the ones a single process gives
on the same inputs.

Where it runs is Ray's choice: ``ray.init()`` joins the cluster named by ``RAY_ADDRESS``
when it is set, and starts a local instance otherwise. When this module started Ray, it
stops it at the end (or on Ctrl-C).

Install with ``pip install 'extractor[ray]'``.
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ConfigError, ModelLoadError
from ..extraction.pipeline import extract, failed_result
from ..ingest.articles import read_articles
from ..llm.backends import make_backend
from ..llm.openai_backend import require_endpoint
from ..llm.ratelimit import RateLimiter
from ..models import Article, ArticleError, ArticleResult
from ..settings import Settings

__all__ = ["extract_ray", "write_claims_parquet"]

#: articles per batch handed to one actor
BATCH_SIZE = 8
_RATE_HEADERS = ("x-ratelimit-", "retry-after")


def _ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise ConfigError("--engine ray needs Ray: pip install 'extractor[ray]'") from exc
    return ray


class _LimiterActor:
    """The job's one rate limiter, as a Ray actor (calls are served one at a time)."""

    def __init__(self, settings: Settings) -> None:
        # the local limiter's limits, and its cap on a server's pause: without it, one
        # "Retry-After: 86400" would stall every worker of the job for a day
        self._limiter = RateLimiter.from_settings(settings)

    def try_acquire(self, tokens: int) -> tuple[int | None, float]:
        return self._limiter.try_acquire(tokens)

    def settle(self, ticket: int, tokens: int) -> None:
        self._limiter.settle(ticket, tokens)

    def observe(self, status: int, headers: dict[str, str]) -> None:
        self._limiter.observe(status, headers)


class _RemoteLimiter:
    """A :class:`~extractor.llm.ratelimit.Limiter` that asks the job's limiter actor."""

    def __init__(self, actor: Any) -> None:
        self._actor = actor

    def acquire(self, tokens: int) -> int:
        ray = _ray()
        while True:
            ticket, wait = ray.get(self._actor.try_acquire.remote(tokens))
            if ticket is not None:
                return int(ticket)
            time.sleep(wait)

    def settle(self, ticket: int, tokens: int) -> None:
        self._actor.settle.remote(ticket, tokens)  # no need to wait for it

    def observe(self, status: int, headers: Mapping[str, str]) -> None:
        relevant = {k.lower(): v for k, v in headers.items() if k.lower().startswith(_RATE_HEADERS)}
        if relevant:
            self._actor.observe.remote(status, relevant)


class _ExtractBatch:
    """The map_batches function: one actor of the pool, extracting batches of articles."""

    def __init__(self, settings: Settings, limiter: Any) -> None:
        self._settings = settings
        self._limiter = _RemoteLimiter(limiter)
        self._backend = None
        if settings.resolved_strategy == "sentence":  # one client (or model) per actor
            self._backend = make_backend(settings, self._limiter)

    def __call__(self, batch: dict[str, NDArray[Any]]) -> dict[str, NDArray[Any]]:
        articles = [Article.model_validate_json(str(text)) for text in batch["article"]]
        try:
            results = list(
                extract(articles, self._settings, backend=self._backend, limiter=self._limiter)
            )
        except ModelLoadError as exc:
            # Ray hands the driver a wrapped error without its cause: send it as a result
            # of kind "model_load", which the driver raises as the in-process engine does
            results = [
                ArticleResult(
                    article=a,
                    origin=a.origin,
                    status="failed",
                    errors=[ArticleError(kind=exc.kind, message=str(exc), origin=a.origin)],
                )  # fmt: skip
                for a in articles
            ]
        lines = [result.model_dump_json() for result in results]
        return {"index": batch["index"], "result": np.array(lines, dtype=object)}


def extract_ray(
    inputs: Iterable[str | os.PathLike[str] | Article],
    settings: Settings | None = None,
    *,
    workers: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> Iterator[ArticleResult]:
    """Like :func:`extractor.extract`, as a Ray Data job: one result per article, in order.

    ``workers`` actors extract at once (default: the CPUs of the Ray cluster), each with
    ``settings.concurrency`` requests in flight on the ``openai`` back end. The token budget
    (``max_tokens_per_run``) is not supported here.
    """
    settings = settings or Settings()
    with _session(settings) as ray:
        yield from _extract_on_ray(ray, inputs, settings, workers, batch_size)


@contextmanager
def _session(settings: Settings) -> Iterator[Any]:
    """Check what can be checked here, then join (or start, and at the end stop) Ray."""
    if settings.max_tokens_per_run is not None:
        raise ConfigError("max_tokens_per_run is not supported with --engine ray; unset it")
    if settings.resolved_backend == "openai":
        require_endpoint(settings)  # fail here, not in every actor
    ray = _ray()
    started = not ray.is_initialized()
    if started:  # RAY_ADDRESS names a cluster; without it, a local instance
        ray.init(logging_level=logging.WARNING, log_to_driver=False, include_dashboard=False)
    try:
        yield ray
    finally:
        if started:
            ray.shutdown()


def _rows(
    inputs: Iterable[str | os.PathLike[str] | Article], settings: Settings
) -> tuple[list[dict[str, Any]], dict[int, ArticleResult]]:
    """The readable articles as dataset rows, and the failed results of the others."""
    failed: dict[int, ArticleResult] = {}
    rows: list[dict[str, Any]] = []
    for index, item in enumerate(read_articles(inputs, settings)):
        if isinstance(item, ArticleError):
            failed[index] = failed_result(item)
        else:
            rows.append({"index": index, "article": item.model_dump_json()})
    return rows, failed


def _results(
    ray: Any, rows: list[dict[str, Any]], settings: Settings, workers: int | None, batch_size: int
) -> Any:
    """The dataset of ``{"index", "result"}`` rows: the extraction, not yet run."""
    blocks = -(-len(rows) // batch_size)
    workers = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
    limiter = ray.remote(num_cpus=0)(_LimiterActor).remote(settings)
    with warnings.catch_warnings():  # Ray's own deprecated defaults warn on first use
        warnings.simplefilter("ignore", DeprecationWarning)
        context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # no per-dataset INFO lines
    dataset = ray.data.from_items(rows, override_num_blocks=blocks)
    return dataset.map_batches(
        _ExtractBatch,
        fn_constructor_kwargs={"settings": settings, "limiter": limiter},
        batch_size=batch_size,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=min(workers, blocks)),
    )


def _extract_on_ray(
    ray: Any,
    inputs: Iterable[str | os.PathLike[str] | Article],
    settings: Settings,
    workers: int | None,
    batch_size: int,
) -> Iterator[ArticleResult]:
    rows, waiting = _rows(inputs, settings)  # waiting: done, for the ones before them
    total = len(waiting) + len(rows)
    done = 0
    if rows:
        for row in _results(ray, rows, settings, workers, batch_size).iter_rows():
            result = ArticleResult.model_validate_json(str(row["result"]))
            for error in result.errors:
                if error.kind == ModelLoadError.kind:  # a worker could not load a model
                    raise ModelLoadError(error.message)
            waiting[int(row["index"])] = result
            while done in waiting:
                yield waiting.pop(done)
                done += 1
    while done < total:
        yield waiting.pop(done)
        done += 1


def _claims_table(batch: dict[str, NDArray[Any]]) -> Any:
    """map_batches: results -> one row per claim, in the columns of ``extractor export``."""
    import pyarrow as pa

    from ..io.export import CLAIM_COLUMNS, arrow_schema, claim_cells

    claims = [
        claim
        for line in batch["result"]
        for claim in ArticleResult.model_validate_json(str(line)).claims
    ]
    return pa.Table.from_pylist(claim_cells(claims), schema=arrow_schema(pa, CLAIM_COLUMNS))


def write_claims_parquet(
    inputs: Iterable[str | os.PathLike[str] | Article],
    path: str,
    settings: Settings | None = None,
    *,
    workers: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> list[ArticleResult]:
    """Run the job and let the workers write the claims as Parquet files under ``path``.

    ``path`` is a directory, local or any filesystem Ray writes to (``s3://...``). The
    columns are those of ``extractor export --format parquet`` (quantities as JSON text),
    so :func:`~extractor.io.export.read_claims_export` reads them back. Returns the results of
    the articles that could not be read (nothing of theirs is in the files).
    """
    settings = settings or Settings()
    with _session(settings) as ray:
        rows, failed = _rows(inputs, settings)
        if rows:
            results = _results(ray, rows, settings, workers, batch_size)
            results.map_batches(_claims_table, batch_format="numpy").write_parquet(path)
    return [failed[index] for index in sorted(failed)]
