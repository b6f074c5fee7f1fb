"""What a run would do, and which stored articles no input holds any more.

:func:`plan_job` is ``extractor run --dry-run``: the articles a run would extract and
prune, read without extracting or writing anything. :func:`gone_articles` is the pruning
rule both share: an article whose input could not be read this time is not gone.
"""

from __future__ import annotations

import os
from collections import Counter
from contextlib import ExitStack

from ..ingest.articles import read_articles
from ..models import Article, ArticleError
from .fingerprint import extraction_fingerprint
from .jobs import Job
from .results import JobResult, PendingArticle, PrunedArticle
from .store import Store

__all__ = ["gone_articles", "plan_job", "under_unreadable"]


def under_unreadable(origin: str | None, unreadable: list[str]) -> bool:
    """Whether ``origin`` is, or is inside, an input that could not be read this time."""
    if origin is None:
        return False
    return any(origin == bad or origin.startswith((bad + os.sep, bad + ":")) for bad in unreadable)


def gone_articles(stored: list[Article], seen: set[str], unreadable: list[str]) -> list[Article]:
    """The stored articles no input holds any more.

    An article whose input could not be read this time (a missing mount, a broken file) is
    not gone: it is kept until its input is read again.
    """
    return [
        article
        for article in stored
        if article.id not in seen and not under_unreadable(article.origin, unreadable)
    ]


def plan_job(job: Job) -> JobResult:
    """What :func:`run_job` would extract (and prune), without extracting or writing anything."""
    fingerprint = extraction_fingerprint(job.settings)
    result = JobResult(status="dry_run", store=str(job.store), fingerprint=fingerprint)
    done: set[str] = set()
    stored: list[Article] = []
    counts: Counter[str] = Counter()
    #: older texts at an input's address: a silent edit (or pending one) takes them, not pruning
    replaced: set[str] = set()
    seen: set[str] = set()
    with ExitStack() as stack:
        store = None
        if job.store.is_file():
            store = stack.enter_context(Store(job.store, readonly=True))
            done = set(store.done(fingerprint))
            if job.prune:
                stored = store.articles()
                counts = Counter(claim.article_id for claim in store.claims())
        for item in read_articles(job.inputs, job.settings):
            result.found += 1
            if isinstance(item, ArticleError):
                result.unreadable.append(item)
                continue
            if store is not None and job.prune:
                older = store.articles_at(url=item.url, origin=item.origin, other_than=item.id)
                replaced.update(p.id for p in older)
            if item.id in done or item.id in seen:
                result.already_done += 1
                seen.add(item.id)
            else:
                seen.add(item.id)
                result.pending.append(
                    PendingArticle(
                        id=item.id, source=item.source, title=item.title, origin=item.origin
                    )
                )
    bad = [error.origin for error in result.unreadable if error.origin is not None]
    result.pruned = [
        PrunedArticle(id=a.id, source=a.source, origin=a.origin, claims=counts[a.id])
        for a in gone_articles(stored, seen | replaced, bad)
    ]
    return result
