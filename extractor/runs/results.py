"""What a scheduled run (or dry run) reports: its one JSON line, and an interrupted run.

:class:`JobResult` is the JSON line ``extractor run`` prints (schema:
``schemas/job_result.json``); :class:`RunInterrupted` carries it when a signal stops a run.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..models import ArticleError, RunSummary
from .interrupts import EXIT_OK, EXIT_PARTIAL, Interrupted

__all__ = ["JobResult", "PendingArticle", "PrunedArticle", "RunInterrupted"]


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
    compared: bool = Field(
        default=False,
        description="Whether this run changed the comparison (see summary.changes.work).",
    )
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
