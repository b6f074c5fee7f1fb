"""Scheduled runs: extract what is new into the store, compare, write the outputs.

:func:`run_job` is what ``extractor run`` does:

1. take the store's lock (another run holding it: :class:`~extractor.errors.StoreLocked`);
2. read the inputs; skip every article already extracted with the same
   :func:`extraction_fingerprint` (the settings that decide its claims);
3. extract the others, model answers going through the response cache, and save each
   article's result in one transaction as soon as it is done;
4. an article whose text changed at the same URL or path (a silent edit) replaces the
   older text, whose claims leave the store; the edit is recorded with the claims it
   added and removed;
5. bring the comparison up to date: only the new claims and the clusters they touch are
   compared again (:mod:`.comparisons`; a changed comparison configuration recomputes
   everything);
6. record what changed since the previous run (:mod:`.changes`: new facts, new
   discrepancies, revised numbers, superseded denials, silent edits), in the store, the
   JSON line and the report;
7. write the outputs (claims JSONL, comparison JSON, HTML report) atomically.

A run killed at any point loses at most the article it was working on; the next run
picks up there, and the cache spares it the model calls it already made.
"""

from __future__ import annotations

import itertools
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ..compare import CompletionJudge
from ..compare.embeddings import Embedder, HashingEmbedder, MiniLMEmbedder, default_embedder
from ..errors import StoreError, StoreLocked
from ..extraction.pipeline import extract, failed_result
from ..ingest.articles import read_articles
from ..llm.backends import CompletionBackend, make_backend
from ..llm.cache import CachedBackend, ResponseCache
from ..models import (
    Article,
    ArticleError,
    ArticleResult,
    Comparison,
    SilentEdit,
    Usage,
)
from .changes import find_changes, silent_edit
from .comparisons import ComparisonUpdate, update_comparison
from .fingerprint import (
    CLAIM_SETTINGS,
    extraction_fingerprint,
    model_label,
    prompt_content,
    prompt_version,
)
from .interrupts import exit_code
from .jobs import Job
from .outputs import check_outputs, write_outputs
from .plan import gone_articles, plan_job, under_unreadable
from .results import JobResult, PendingArticle, PrunedArticle, RunInterrupted
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
    store: Store,
    run_id: int,
    cache: ResponseCache,
    backend: CompletionBackend | None,
    full: bool,
) -> tuple[ComparisonUpdate, Usage]:
    """Bring the store's clusters up to date, and what the judge spent on it."""
    judge, label = None, None
    if job.settings.use_judge:
        # a back end made here is the judge's to close; a passed one stays its owner's
        meta = store.article_meta()
        judge = CompletionJudge(
            CachedBackend(backend or make_backend(job.settings), cache, strategy="compare"),
            prompt=job.settings.compare_prompt,
            sources={article.id: article.source for article in meta.values()},
            seed=job.settings.seed,
            owns_backend=backend is None,
        )
        label = f"{model_label(job.settings)} {prompt_content(job.settings.compare_prompt)}"
    try:
        update = update_comparison(
            store, embedder=_embedder(job.embedder), judge=judge, judge_label=label,
            run_id=run_id, full=full,
        )  # fmt: skip
    finally:
        if judge is not None:
            judge.close()
    return update, judge.usage if judge is not None else Usage()


def _prune(store: Store, gone: list[Article]) -> list[PrunedArticle]:
    removed = store.remove_articles(article.id for article in gone)
    return [
        PrunedArticle(id=a.id, source=a.source, origin=a.origin, claims=removed[a.id])
        for a in gone
        if a.id in removed
    ]


def _meta(article: Article) -> tuple[object, ...]:
    """What an input may change of an article without changing its text or outlet."""
    return (article.title, article.url, article.published, article.origin)


class _Reader:
    """The inputs of one run: what is new, what was seen, what could not be read, and
    which new articles replace another text at the same URL or path (silent edits)."""

    def __init__(self, job: Job, store: Store, fingerprint: str, result: JobResult) -> None:
        self.job, self.store, self.fingerprint, self.result = job, store, fingerprint, result
        self.unreadable: list[ArticleResult] = []
        self.seen: set[str] = set()
        #: new article id -> the stored texts at its address, the latest first
        self.edited: dict[str, list[Article]] = {}
        self.done: set[str] = set()  #: articles extracted before or by this run
        #: articles extracted before whose title, URL, date or place the inputs now change
        self.restated: list[Article] = []

    def __iter__(self) -> Iterator[Article]:  # may run in a reader thread: only reads the store
        for item in read_articles(self.job.inputs, self.job.settings):
            self.result.found += 1
            if isinstance(item, ArticleError):
                self.unreadable.append(failed_result(item))
                continue
            self.seen.add(item.id)
            # an older text at the same address: an edit, also when the new text was
            # extracted by a run that stopped before it recorded the edit
            older = self.store.articles_at(url=item.url, origin=item.origin, other_than=item.id)
            if older:
                self.edited[item.id] = older
            if self.store.is_done(item.id, self.fingerprint):
                self.result.already_done += 1
                self.done.add(item.id)
                stored = self.store.article_meta([item.id]).get(item.id)
                if stored is not None and _meta(stored) != _meta(item):
                    self.restated.append(item)  # a corrected date, a new URL or place
                continue
            yield item

    def unreadable_origins(self) -> list[str]:
        """The inputs that could not be read this time: what was stored from them stays."""
        return [r.origin for r in self.unreadable if r.origin is not None]

    def pending(self) -> set[str]:
        """The older texts of edits whose new text is not extracted yet: they stay."""
        return {
            p.id for new_id, older in self.edited.items() if new_id not in self.done for p in older
        }

    def _replaced(self, older: list[Article], unreadable: list[str]) -> list[Article]:
        """The older texts an extracted new one replaces: not one that is still an input of
        this run (two files of one URL), nor one under an input that could not be read."""
        return [
            p for p in older if p.id not in self.seen and not under_unreadable(p.origin, unreadable)
        ]

    def silent_edits(self, saved: set[str]) -> list[SilentEdit]:
        """The edits whose new text is extracted, each against the latest older text; every
        older text it replaces leaves the store (a text edited twice between two runs that
        finished, the second run stopped)."""
        self.done |= saved
        unreadable = self.unreadable_origins()
        edits, gone = [], []
        for new_id, older in self.edited.items():
            replaced = self._replaced(older, unreadable) if new_id in self.done else []
            if not replaced:
                continue  # the new text failed: the older ones stay until it is extracted
            previous = replaced[0]
            edits.append(
                silent_edit(
                    new_id,
                    previous.id,
                    url=previous.url,
                    path=previous.origin,
                    source=previous.source,
                    new_claims=self.store.claims(new_id),
                    old_claims=self.store.claims(previous.id),
                )  # fmt: skip
            )
            gone += [p.id for p in replaced]
        self.store.remove_articles(dict.fromkeys(gone))
        return edits


def _finish(
    job: Job,
    store: Store,
    reader: _Reader,
    saved: set[str],
    result: JobResult,
    compare_with: tuple[ResponseCache, CompletionBackend | None, bool],
) -> None:
    """After extraction: record silent edits, prune, compare, say what changed, write."""
    store.update_articles(reader.restated)
    edits = reader.silent_edits(saved)  # before pruning, which would take the older texts
    if job.prune:
        kept = reader.seen | reader.pending()
        gone = gone_articles(store.articles(), kept, reader.unreadable_origins())
        result.pruned = _prune(store, gone)
    since = store.last_changes_run()
    assert result.run_id is not None
    update, judged = _compare(job, store, result.run_id, *compare_with)
    result.summary.usage = result.summary.usage + judged
    changes = find_changes(
        update.before, update.after, update.new_claims, silent_edits=edits,
        work=update.work, run_id=result.run_id, since_run_id=since,
        duplicates=update.duplicates,
    )  # fmt: skip
    store.save_changes(result.run_id, changes)
    result.summary.changes = changes
    result.compared = update.work.mode != "none"
    # the outputs are the whole store; read back only what the job's outputs show, so a
    # run with none costs what is new, not what is stored
    wanted = job.outputs.paths()
    report = "report" in wanted
    articles = store.articles() if report else []
    claims = store.claims() if report or "claims" in wanted else []
    comparison = (
        store.latest_comparison() or Comparison() if report or "comparison" in wanted else None
    )
    result.outputs = write_outputs(job, articles, claims, comparison or Comparison(), changes)
    result.claims_in_store = store.claim_count()
    result.clusters = store.comparison_size() if comparison is None else len(comparison.clusters)


def run_job(
    job: Job,
    *,
    backend: CompletionBackend | None = None,
    on_result: Callable[[ArticleResult], None] | None = None,
    full_compare: bool = False,
) -> JobResult:
    """Run ``job`` once (see the module docstring); ``on_result`` sees each new result.

    ``full_compare`` recomputes every cluster instead of only those the new claims touch.
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
            settings, fingerprint=fingerprint, model=model_label(settings),
            prompt_version=prompt_version(settings),
        )  # fmt: skip
        result = JobResult(
            status="partial", run_id=run_id, store=str(job.store), fingerprint=fingerprint
        )
        summary = result.summary
        cache = ResponseCache(store)
        reader = _Reader(job, store, fingerprint, result)
        saved: set[str] = set()
        status = "failed"
        results = extract(iter(reader), settings, backend=backend, cache=cache)
        try:
            for article_result in itertools.chain(results, reader.unreadable):
                store.save_result(article_result, fingerprint, run_id)
                summary.add(article_result)
                if article_result.article is not None and article_result.status == "ok":
                    saved.add(article_result.article.id)
                if on_result is not None:
                    on_result(article_result)
            _finish(job, store, reader, saved, result, (cache, backend, full_compare))
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
