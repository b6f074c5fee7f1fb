"""The store's history: runs, their errors, the comparisons and changes they recorded.

:class:`RunHistory` is the part of :class:`~extractor.runs.store.Store` that reads and
writes the ``runs``, ``errors``, ``comparisons`` and ``run_changes`` tables.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..models import ArticleError, Comparison, RunChanges, RunSummary
from ..settings import Settings
from .sqlite import Connected, guarded, now

__all__ = ["RunHistory", "RunRecord", "StoredError"]


@dataclass(frozen=True)
class RunRecord:
    """One row of the ``runs`` table."""

    id: int
    started: str
    ended: str | None
    status: str
    fingerprint: str
    model: str | None
    prompt_version: str | None
    settings: dict[str, Any]
    summary: RunSummary | None


@dataclass(frozen=True)
class StoredError:
    """One row of the ``errors`` table: an article's error in one run."""

    run_id: int | None
    article_id: str | None
    error: ArticleError


class RunHistory(Connected):
    """Runs, their errors, and what each run compared and found changed."""

    @guarded
    def runs(self) -> list[RunRecord]:
        """Every run, oldest first."""
        rows = self._db.execute(
            "SELECT id, started, ended, status, fingerprint, model, prompt_version, settings, "
            "counts FROM runs ORDER BY id"
        )
        return [
            RunRecord(
                id=int(row[0]),
                started=row[1],
                ended=row[2],
                status=row[3],
                fingerprint=row[4],
                model=row[5],
                prompt_version=row[6],
                settings=json.loads(row[7]),
                summary=RunSummary.model_validate_json(row[8]) if row[8] else None,
            )  # fmt: skip
            for row in rows
        ]

    @guarded
    def errors(self, run_id: int | None = None) -> list[StoredError]:
        """The recorded errors, of every run or of one, in the order they happened."""
        sql = "SELECT run_id, article_id, origin, line, kind, message FROM errors"
        if run_id is None:
            rows = self._db.execute(sql + " ORDER BY id")
        else:
            rows = self._db.execute(sql + " WHERE run_id = ? ORDER BY id", (run_id,))
        return [
            StoredError(
                run_id=run,
                article_id=article,
                error=ArticleError(kind=kind, message=message, origin=origin, line=line),
            )
            for run, article, origin, line, kind, message in rows
        ]

    @guarded
    def begin_run(
        self,
        settings: Settings,
        *,
        fingerprint: str,
        model: str | None = None,
        prompt_version: str | None = None,
    ) -> int:
        """Record the start of a run; returns its id.

        Call it while holding the store's lock: runs still marked ``running`` then belong to
        a process that died, and are marked ``interrupted``.
        """
        with self._transaction() as db:
            db.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            cursor = db.execute(
                "INSERT INTO runs (started, settings, fingerprint, model, prompt_version) "
                "VALUES (?, ?, ?, ?, ?)",
                (now(), json.dumps(settings.public_dict()), fingerprint, model, prompt_version),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    @guarded
    def end_run(self, run_id: int, summary: RunSummary, status: str) -> None:
        """Record how a run ended: its counts, usage and status (ok, partial, failed)."""
        self._db.execute(
            "UPDATE runs SET ended = ?, status = ?, counts = ?, usage = ? WHERE id = ?",
            (now(), status, summary.model_dump_json(), summary.usage.model_dump_json(), run_id),
        )

    @guarded
    def save_comparison(self, run_id: int, comparison: Comparison) -> None:
        """Record the comparison a run computed over the stored claims."""
        self._db.execute(
            "INSERT OR REPLACE INTO comparisons (run_id, created, data) VALUES (?, ?, ?)",
            (run_id, now(), comparison.model_dump_json()),
        )

    @guarded
    def save_changes(self, run_id: int, changes: RunChanges) -> None:
        """Record what a run found changed since the previous one."""
        self._db.execute(
            "INSERT OR REPLACE INTO run_changes (run_id, created, data) VALUES (?, ?, ?)",
            (run_id, now(), changes.model_dump_json()),
        )

    @guarded
    def last_changes_run(self) -> int | None:
        """The latest run that recorded its changes (what "since the last run" means)."""
        if not self._has_table("run_changes"):
            return None
        row = self._db.execute("SELECT max(run_id) FROM run_changes").fetchone()
        return None if row is None or row[0] is None else int(row[0])

    @guarded
    def changes(self, since: int | None = None) -> list[RunChanges]:
        """The changes each run recorded, oldest first; only runs after ``since`` if given.

        A store older than schema 3 (opened read-only) has none.
        """
        if not self._has_table("run_changes"):
            return []
        rows = self._db.execute(
            "SELECT data FROM run_changes WHERE run_id > ? ORDER BY run_id",
            (since if since is not None else 0,),
        ).fetchall()
        return [RunChanges.model_validate_json(row[0]) for row in rows]
