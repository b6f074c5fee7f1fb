"""The store: one SQLite file that remembers articles, claims, runs and model answers.

Scheduled runs (``extractor run``) keep their state here, so a rerun over the same corpus
only extracts what is new or what a changed setting affects. The schema is built by
numbered migrations (:data:`MIGRATIONS`), each recorded in the ``migrations`` table when
it is applied; opening a store applies the missing ones.

Tables::

    migrations    id, name, applied                       one row per applied migration
    articles      id (content hash), source, title, url, published, origin, text
    runs          id, started, ended, status, settings (API key masked), fingerprint,
                  model, prompt_version, counts (RunSummary), usage
    extractions   (article_id, fingerprint) -> run, claims, usage: the article is done
    claims        full Claim JSON + indexed columns, unique on (id, fingerprint)
    comparisons   the Comparison JSON a run computed (runs before the kept clusters of
                  migration 3; read when a store has no clusters yet)
    errors        what went wrong, per article per run
    responses     the response cache (:mod:`extractor.llm.cache`): key -> answer JSON
    compare_config, clusters, cluster_members, claim_vectors, blocking_keys
                  (migration 3; term_counts, migration 4) the comparison kept for
                  incremental runs (:mod:`extractor.runs.cluster_tables`)
    run_changes   (migration 3) what each run found changed (RunChanges JSON)

Everything one article produced (the article, its claims, its errors and the marker that
it is done) is written in ONE transaction by :meth:`Store.save_result`, so a run killed at
any moment leaves each article either fully saved or not at all. The database is in WAL
mode: readers (``extractor export``) never block the writer.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

from ..compare.facts import claim_terms
from ..compare.stage import assemble
from ..errors import StoreError
from ..models import (
    Article,
    ArticleResult,
    Claim,
    Comparison,
)
from .cluster_tables import ClusterTables
from .history import RunHistory, RunRecord, StoredError
from .schema import BOOTSTRAP, MIGRATIONS, READABLE_FROM
from .sqlite import guarded, now, store_error

__all__ = ["MIGRATIONS", "RunRecord", "Store", "StoredError"]

_LINE_ORIGIN = re.compile(r":\d+$")  # a JSON Lines origin: path:line


_INSERT_CLAIM = (
    "INSERT INTO claims (id, fingerprint, article_id, run_id, speaker, stance, prompt_version, "
    'model, start, "end", speaker_start, speaker_end, data) '
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
)


def _claim_row(
    claim: Claim, article_id: str, fingerprint: str, run_id: int | None
) -> tuple[object, ...]:
    """The ``claims`` row of ``claim`` in ``article_id``: its indexed columns and its JSON."""
    c = claim
    return (
        c.id, fingerprint, article_id, run_id, c.speaker, c.stance.value if c.stance else None,
        c.prompt_version, c.model, c.start, c.end, c.speaker_start, c.speaker_end,
        c.model_dump_json(),
    )  # fmt: skip


class Store(ClusterTables, RunHistory):
    """An open store. ``Store(path)`` creates the file and applies missing migrations.

    ``readonly=True`` opens an existing store for reading only (exports, reports) and never
    changes it. Every failure is a :class:`~extractor.errors.StoreError`. One store may be
    shared by threads (the response cache is read by extraction workers): each call holds
    a lock, and a transaction holds it until it commits.
    """

    def __init__(self, path: str | os.PathLike[str], *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self._lock = threading.RLock()
        #: the key terms of claims this store deleted or wrote again since its last
        #: comparison, as they were (still counted; see :meth:`forgotten_terms`)
        self._forgotten: dict[str, frozenset[str]] = {}
        self._db = self._connect()
        try:
            self._migrate()
        except sqlite3.Error as exc:
            self._db.close()
            raise store_error(exc, self.path) from exc
        except StoreError:
            self._db.close()
            raise

    # -- opening ---------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self.readonly:
            if not self.path.is_file():
                raise StoreError(f"no store at {self.path}; `extractor run` creates one")
            return self._connect_readonly()
        if self.path.is_dir():
            raise StoreError(f"the store {self.path} is a directory; give a file name")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the store's directory {self.path.parent}: {exc.strerror or exc}"
            ) from exc
        try:
            db = sqlite3.connect(
                self.path, isolation_level=None, timeout=10.0, check_same_thread=False
            )
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # WAL: a killed process loses nothing
            db.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error as exc:
            raise store_error(exc, self.path) from exc
        return db

    def _connect_readonly(self) -> sqlite3.Connection:
        """``mode=ro``; on a read-only mount, where the WAL's index cannot be created,
        ``immutable=1`` (nothing can change the file there while it is read)."""
        base = f"file:{quote(str(self.path.resolve()))}?mode=ro"
        failure: sqlite3.Error | None = None
        for uri in (base, base + "&immutable=1"):
            try:
                db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            except sqlite3.Error as exc:
                failure = exc
                continue
            try:  # the open is lazy: the first read is what fails
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.OperationalError as exc:
                db.close()
                failure = exc
                continue
            except sqlite3.Error as exc:
                db.close()
                raise store_error(exc, self.path) from exc
            return db
        assert failure is not None
        raise store_error(failure, self.path) from failure

    def check(self) -> None:
        """``PRAGMA quick_check``: raise :class:`StoreError` when the file is damaged.

        A store with damaged pages may still open and answer queries with wrong or missing
        rows; a run checks first and refuses, so no output is rewritten from it.
        """
        try:
            with self._lock:
                rows = [str(row[0]) for row in self._db.execute("PRAGMA quick_check(5)")]
        except sqlite3.Error as exc:
            raise store_error(exc, self.path) from exc
        if rows != ["ok"]:
            raise StoreError(
                f"the store {self.path} is corrupt (quick_check: {'; '.join(rows)}); nothing "
                "was changed: move it away (a new store is created) or restore it from a backup"
            )

    def _migrate(self) -> None:
        if self.readonly:
            exists = self._db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'"
            ).fetchone()
            applied = len(self.migrations()) if exists else 0
            if applied < READABLE_FROM:
                raise StoreError(
                    f"the store {self.path} needs an upgrade; run `extractor run` on it first"
                )
        else:
            self._db.execute(BOOTSTRAP)
            applied = len(self.migrations())
        if applied > len(MIGRATIONS):
            raise StoreError(
                f"the store {self.path} was written by a newer extractor "
                f"(schema {applied}, this version knows {len(MIGRATIONS)}); upgrade extractor"
            )
        if self.readonly:
            return  # an older schema is read as it is (see READABLE_FROM)
        for number, (name, script) in enumerate(MIGRATIONS, start=1):
            if number <= applied:
                continue
            try:  # executescript commits first, so BEGIN/COMMIT make the migration atomic
                self._db.executescript(
                    f"BEGIN IMMEDIATE;\n{script};\n"
                    f"INSERT INTO migrations (id, name, applied) "
                    f"VALUES ({number}, '{name}', '{now()}');\nCOMMIT;"
                )
            except sqlite3.Error:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        """Close the connection (a checkpoint folds the WAL back into the file)."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- reading ---------------------------------------------------------------------------

    @guarded
    def migrations(self) -> list[tuple[int, str, str]]:
        """The applied migrations: (number, name, when)."""
        rows = self._db.execute("SELECT id, name, applied FROM migrations ORDER BY id")
        return [(int(n), str(name), str(when)) for n, name, when in rows]

    @guarded
    def articles(self) -> list[Article]:
        """Every stored article, in the order they were first stored."""
        rows = self._db.execute(
            "SELECT id, source, title, url, published, origin, text FROM articles ORDER BY rowid"
        )
        return [
            Article(
                id=id_,
                source=source,
                title=title,
                url=url,
                published=published,
                origin=origin,
                text=text,
            )  # fmt: skip
            for id_, source, title, url, published, origin, text in rows
        ]

    @guarded
    def articles_at(
        self, *, url: str | None, origin: str | None, other_than: str | None = None
    ) -> list[Article]:
        """The stored articles seen at ``url``, and at the file ``origin`` with no URL stored
        (a text that gained a URL in an edit), other than the article ``other_than``: the
        latest stored first, without their text (:meth:`article_meta`).

        A line of a JSON Lines file (``path:line``) is no address: another article may
        take that line, so it is never matched by origin.
        """
        clauses, values = [], []
        if url:
            clauses.append("url = ?")
            values.append(url)
        if origin and not _LINE_ORIGIN.search(origin):
            clauses.append("(url IS NULL AND origin = ?)")
            values.append(origin)
        if not clauses:
            return []
        rows = self._db.execute(
            f"SELECT id FROM articles WHERE ({' OR '.join(clauses)}) AND id != ? "
            f"ORDER BY rowid DESC",
            (*values, other_than or ""),
        ).fetchall()
        if not rows:
            return []
        meta = self.article_meta(row[0] for row in rows)
        return [meta[row[0]] for row in rows]

    @guarded
    def claims(self, article_id: str | None = None) -> list[Claim]:
        """The current claims, of every article or of one, in article and text order."""
        sql = (
            "SELECT c.data FROM claims c JOIN articles a ON a.id = c.article_id "
            "{where} ORDER BY a.rowid, c.start, c.id"
        )
        if article_id is None:
            rows = self._db.execute(sql.format(where=""))
        else:
            rows = self._db.execute(sql.format(where="WHERE c.article_id = ?"), (article_id,))
        return [Claim.model_validate_json(data) for (data,) in rows]

    @guarded
    def claim_count(self) -> int:
        """How many current claims the store holds (what :meth:`claims` would read)."""
        row = self._db.execute(
            "SELECT count(*) FROM claims c JOIN articles a ON a.id = c.article_id"
        ).fetchone()
        return int(row[0])

    @guarded
    def comparison_size(self) -> int:
        """How many clusters the current comparison has (what :meth:`latest_comparison`
        would read), without reading them."""
        if self.comparison_fingerprint() is not None:
            return self.cluster_count()
        latest = self.latest_comparison()
        return 0 if latest is None else len(latest.clusters)

    @guarded
    def latest_comparison(self) -> Comparison | None:
        """The current comparison: the kept clusters (schema 3 on), else the comparison of
        the latest run that computed one (older stores), if any."""
        if self.comparison_fingerprint() is not None:
            return assemble(self.stored_clusters())
        row = self._db.execute(
            "SELECT data FROM comparisons ORDER BY run_id DESC LIMIT 1"
        ).fetchone()
        return None if row is None else Comparison.model_validate_json(row[0])

    @guarded
    def is_done(self, article_id: str, fingerprint: str) -> bool:
        """Whether ``article_id`` was extracted with the settings of ``fingerprint``."""
        row = self._db.execute(
            "SELECT 1 FROM extractions WHERE article_id = ? AND fingerprint = ?",
            (article_id, fingerprint),
        ).fetchone()
        return row is not None

    @guarded
    def done(self, fingerprint: str | None = None) -> dict[str, str]:
        """Article id -> fingerprint of its current extraction (optionally of one fingerprint)."""
        if fingerprint is None:
            rows = self._db.execute("SELECT article_id, fingerprint FROM extractions")
        else:
            rows = self._db.execute(
                "SELECT article_id, fingerprint FROM extractions WHERE fingerprint = ?",
                (fingerprint,),
            )
        return {str(a): str(f) for a, f in rows}

    # -- writing ---------------------------------------------------------------------------

    @guarded
    def save_result(self, result: ArticleResult, fingerprint: str, run_id: int | None) -> None:
        """Save one article's result in one transaction: article, errors, claims, done marker.

        Only an ``ok`` result marks the article done; its claims then replace every claim
        the article had before (from any fingerprint), so re-extracting after a prompt or
        model change never duplicates claims. A failed or skipped article keeps its older
        claims and is tried again by the next run.
        """
        article = result.article
        with self._transaction() as db:
            if article is not None:
                db.execute(
                    "INSERT INTO articles (id, source, title, url, published, origin, text, "
                    "first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                    "source = excluded.source, title = excluded.title, url = excluded.url, "
                    "published = excluded.published, origin = excluded.origin",
                    (
                        article.id, article.source, article.title, article.url,
                        article.published.isoformat() if article.published else None,
                        article.origin, article.text, now(),
                    ),
                )  # fmt: skip
            db.executemany(
                "INSERT INTO errors (run_id, article_id, origin, line, kind, message) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (run_id, article.id if article else None, e.origin, e.line, e.kind, e.message)
                    for e in result.errors
                ],
            )
            if article is None or result.status != "ok":
                return
            self._claims_leave(db, article.id)
            db.execute("DELETE FROM claims WHERE article_id = ?", (article.id,))
            db.execute("DELETE FROM extractions WHERE article_id = ?", (article.id,))
            db.executemany(
                _INSERT_CLAIM,
                [_claim_row(c, article.id, fingerprint, run_id) for c in result.claims],
            )
            db.execute(
                "INSERT INTO extractions (article_id, fingerprint, run_id, done, claims, usage) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    article.id, fingerprint, run_id, now(), len(result.claims),
                    result.usage.model_dump_json(),
                ),
            )  # fmt: skip

    @guarded
    def update_articles(self, articles: Iterable[Article]) -> None:
        """Store what the inputs now say of articles already extracted (same text and
        outlet, so the same id): title, URL, date, where they were read. A changed date
        marks the article's claims as changed, so the clusters holding them are decided
        again (which report came first decides "superseded")."""
        with self._transaction() as db:
            for article in articles:
                published = article.published.isoformat() if article.published else None
                before = db.execute(
                    "SELECT published FROM articles WHERE id = ?", (article.id,)
                ).fetchone()
                if before is None:
                    continue
                db.execute(
                    "UPDATE articles SET title = ?, url = ?, published = ?, origin = ? "
                    "WHERE id = ?",
                    (article.title, article.url, published, article.origin, article.id),
                )
                if before[0] != published:
                    db.execute(
                        "INSERT INTO claims_changed (claim_id) "
                        "SELECT id FROM claims WHERE article_id = ?",
                        (article.id,),
                    )

    def _claims_leave(self, db: sqlite3.Connection, article_id: str) -> None:
        """Before the article's claims are deleted (or written again): their stored key
        vectors go, as a claim written again under its id may key on another proposition;
        their key terms are remembered, as the comparison counted them."""
        rows = db.execute("SELECT data FROM claims WHERE article_id = ?", (article_id,))
        for (data,) in rows.fetchall():
            claim = Claim.model_validate_json(data)
            if claim.id not in self._forgotten:  # the version last compared
                self._forgotten[claim.id] = frozenset(map(sys.intern, claim_terms(claim)))
        db.execute(
            "DELETE FROM claim_vectors WHERE claim_id IN "
            "(SELECT id FROM claims WHERE article_id = ?)",
            (article_id,),
        )

    def save_clusters(self, *args: Any, **kwargs: Any) -> None:
        """:meth:`ClusterTables.save_clusters`; the counts are the stored claims' again."""
        super().save_clusters(*args, **kwargs)
        self._forgotten.clear()

    def forgotten_terms(self, claim_ids: Iterable[str]) -> dict[str, frozenset[str]]:
        """The key terms of the claims of ``claim_ids`` as they were before this store
        deleted or rewrote them: an incremental comparison takes them off the counts. Kept
        in memory until :meth:`save_clusters` (a process stopped in between leaves the
        counts high, which a full comparison recounts)."""
        return {i: self._forgotten[i] for i in claim_ids if i in self._forgotten}

    @guarded
    def remove_articles(self, article_ids: Iterable[str]) -> dict[str, int]:
        """Remove articles with their claims and done markers, in one transaction.

        Returns article id -> claims removed, for the articles that were stored. Their
        recorded errors stay, as the history of the runs that made them.
        """
        removed: dict[str, int] = {}
        with self._transaction() as db:
            for article_id in article_ids:
                count = db.execute(
                    "SELECT count(*) FROM claims WHERE article_id = ?", (article_id,)
                ).fetchone()[0]
                self._claims_leave(db, article_id)
                db.execute("DELETE FROM claims WHERE article_id = ?", (article_id,))
                db.execute("DELETE FROM extractions WHERE article_id = ?", (article_id,))
                if db.execute("DELETE FROM articles WHERE id = ?", (article_id,)).rowcount:
                    removed[article_id] = int(count)
        return removed

    # -- the response cache (see extractor.llm.cache) -------------------------------------------

    @guarded
    def get_response(self, key: str) -> str | None:
        """The cached model answer stored under ``key``, if any."""
        row = self._db.execute("SELECT data FROM responses WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @guarded
    def put_response(self, key: str, data: str) -> None:
        """Cache a model answer under ``key`` (committed at once, outside any article)."""
        self._db.execute(
            "INSERT OR REPLACE INTO responses (key, created, data) VALUES (?, ?, ?)",
            (key, now(), data),
        )
