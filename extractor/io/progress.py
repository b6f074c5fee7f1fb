"""Progress of a batch: articles done of the total, claims, tokens, rate and time left.

:func:`count_articles` counts what :func:`~extractor.ingest.articles.read_articles` will yield
at most, cheaply (a directory walk, a line count for JSONL), so the bar knows its total.
:func:`with_progress` passes results through unchanged while drawing the bar.
:class:`Rate` is the figures the bar and the run summary share.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..ingest.articles import SUFFIXES
from ..models import Article, ArticleResult, RunSummary

__all__ = ["Rate", "count_articles", "summary_line", "with_progress"]


def count_articles(inputs: Iterable[str | os.PathLike[str] | Article]) -> int | None:
    """How many results reading ``inputs`` gives at most (one per file, JSONL line or
    article; a copy of an article read before is read once, which only a read can tell).

    ``None`` when it cannot tell (an unreadable path; the bar then has no total).
    """
    total = 0
    try:
        for item in inputs:
            if isinstance(item, Article):
                total += 1
            elif os.path.isdir(item):
                total += sum(_count_file(path) for path in _files(Path(item)))
            else:
                total += _count_file(Path(item))
    except OSError:
        return None
    return total


def _files(directory: Path) -> Iterator[Path]:
    for root, dirs, names in os.walk(directory):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if not name.startswith(".") and Path(name).suffix.lower() in SUFFIXES:
                yield Path(root) / name


def _count_file(path: Path) -> int:
    if path.suffix.lower() != ".jsonl" or not path.is_file():
        return 1  # an article, or the one error saying why it is not
    with path.open("rb") as stream:
        return max(1, sum(1 for line in stream if line.strip()))


@dataclass
class Rate:
    """Articles, claims and tokens done so far, and how fast."""

    articles: int = 0
    claims: int = 0
    tokens: int = 0
    began: float = field(default_factory=time.perf_counter)

    def add(self, result: ArticleResult) -> None:
        self.articles += 1
        self.claims += len(result.claims)
        self.tokens += result.usage.total_tokens

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.began

    def describe(self) -> str:
        """``"12 claims · 3,400 tokens · 1.25 articles/s · 380 tokens/s"``."""
        seconds = max(self.seconds, 1e-9)
        return (
            f"{self.claims:,} claims · {self.tokens:,} tokens · "
            f"{self.articles / seconds:.2f} articles/s · {self.tokens / seconds:,.0f} tokens/s"
        )


def with_progress(
    results: Iterable[ArticleResult], *, total: int | None, console: Any
) -> Iterator[ArticleResult]:
    """Yield ``results`` unchanged while a transient bar on ``console`` shows the rate."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        SpinnerColumn(),
        TextColumn("extracting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("articles · {task.description}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    rate = Rate()
    with Progress(*columns, transient=True, console=console) as progress:
        task = progress.add_task(rate.describe(), total=total)
        for result in results:
            rate.add(result)
            grown = None if total is None else max(total, rate.articles)
            progress.update(task, completed=rate.articles, total=grown, description=rate.describe())
            yield result


def summary_line(summary: RunSummary) -> str:
    """The batch's one-line summary, as ``extractor extract`` prints it at the end."""
    return (
        f"extractor: {summary.articles} articles ({summary.ok} ok, {summary.failed} failed, "
        f"{summary.skipped} skipped), {summary.claims} claims, {summary.rejected} rejected "
        f"answers, {summary.errors} errors, {summary.usage.total_tokens} tokens in "
        f"{summary.usage.requests} requests, {summary.seconds:.1f} s"
        f" ({summary.articles / max(summary.seconds, 1e-9):.2f} articles/s, "
        f"{summary.usage.total_tokens / max(summary.seconds, 1e-9):,.0f} tokens/s)"
    )
