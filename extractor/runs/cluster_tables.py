"""The store's comparison tables: clusters, their members, claim vectors, blocking keys.

What an incremental comparison (:mod:`extractor.runs.comparisons`) reads and writes:

* ``compare_config`` -- the fingerprint of the comparison the clusters were made under;
* ``clusters`` / ``cluster_members`` -- each cluster's JSON, and claim id -> cluster id
  (kept and duplicate claims alike);
* ``claim_vectors`` -- a claim's key embedding, by embedder, so a claim is embedded once;
* ``blocking_keys`` -- key -> cluster: where a new claim looks for clusters it may join;
* ``term_counts`` -- how many compared claims name each key term (and, in
  ``compare_config.claims``, how many claims were counted): a shared name's rarity in the
  whole store, for a run that compares only a few claims.

Only the latest fingerprint's clusters are kept: a recompute under a new one replaces
them all (vectors of the same embedder stay, and are reused).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from ..models import Article, Claim, Cluster
from .sqlite import Connected, guarded, now

__all__ = ["ClusterTables"]

T = TypeVar("T")
_CHUNK = 500  # ids per IN (...) query: well under SQLite's variable limit


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _marks(items: Sequence[Any]) -> str:
    return ",".join("?" * len(items))


class ClusterTables(Connected):
    """Reading and writing the comparison kept for incremental runs (migration 3)."""

    def _rows_in(self, sql: str, values: Iterable[str], *before: object) -> Iterator[Any]:
        """The rows of ``sql`` for every value of ``values``, asked a chunk at a time:
        ``sql`` has ``{marks}`` where the chunk's ``?`` go, after the ``before`` ones."""
        for part in _chunks(sorted(set(values))):
            yield from self._db.execute(sql.format(marks=_marks(part)), (*before, *part))

    @guarded
    def comparison_fingerprint(self) -> str | None:
        """The fingerprint of the stored clusters, or None when none are stored."""
        if not self._has_table("compare_config"):
            return None
        row = self._db.execute(
            "SELECT fingerprint FROM compare_config ORDER BY created DESC, rowid DESC LIMIT 1"
        ).fetchone()
        return None if row is None else str(row[0])

    @guarded
    def stored_clusters(self, ids: Iterable[str] | None = None) -> list[Cluster]:
        """The stored clusters (all, or those of ``ids``), in no particular order."""
        if not self._has_table("clusters"):
            return []
        if ids is None:
            rows = self._db.execute("SELECT data FROM clusters").fetchall()
        else:
            rows = list(self._rows_in("SELECT data FROM clusters WHERE id IN ({marks})", ids))
        return [Cluster.model_validate_json(data) for (data,) in rows]

    @guarded
    def cluster_count(self) -> int:
        """How many clusters are stored."""
        if not self._has_table("clusters"):
            return 0
        return int(self._db.execute("SELECT count(*) FROM clusters").fetchone()[0])

    @guarded
    def term_counts(self, fingerprint: str, terms: Iterable[str]) -> tuple[dict[str, int], int]:
        """How many compared claims name each of ``terms``, and how many were counted."""
        rows = self._rows_in(
            "SELECT term, claims FROM term_counts WHERE fingerprint = ? AND term IN ({marks})",
            terms,
            fingerprint,
        )
        counts = {str(term): int(n) for term, n in rows}
        row = self._db.execute(
            "SELECT claims FROM compare_config WHERE fingerprint = ?", (fingerprint,)
        ).fetchone()
        return counts, int(row[0]) if row is not None else 0

    @guarded
    def changed_claims(self, fingerprint: str) -> tuple[list[Claim], set[str]]:
        """What changed since the last comparison: the stored claims in no cluster of
        ``fingerprint`` (the new ones), and the clusters holding a claim that was deleted
        or written again (pruned, edited, re-extracted)."""
        rows = self._db.execute(
            "SELECT DISTINCT x.claim_id, m.cluster_id, c.data, c.rowid FROM claims_changed x "
            "LEFT JOIN cluster_members m ON m.claim_id = x.claim_id AND m.fingerprint = ? "
            "LEFT JOIN claims c ON c.id = x.claim_id",
            (fingerprint,),
        ).fetchall()
        new = {row[0]: (row[3], row[2]) for row in rows if row[1] is None and row[2]}
        touched = {str(row[1]) for row in rows if row[1] is not None}
        ordered = sorted(new.values(), key=lambda item: int(item[0]))  # as they were stored
        return [Claim.model_validate_json(data) for _, data in ordered], touched

    @guarded
    def key_counts(self, fingerprint: str, keys: Iterable[str]) -> dict[str, int]:
        """Key -> how many clusters are filed under it (keys under none are left out)."""
        rows = self._rows_in(
            "SELECT key, count(*) FROM blocking_keys WHERE fingerprint = ? AND key IN ({marks}) "
            "GROUP BY key",
            keys,
            fingerprint,
        )
        return {str(key): int(count) for key, count in rows}

    @guarded
    def clusters_by_key(self, fingerprint: str, keys: Iterable[str]) -> dict[str, list[str]]:
        """Key -> the clusters filed under it."""
        found: dict[str, list[str]] = {}
        sql = "SELECT key, cluster_id FROM blocking_keys WHERE fingerprint = ? AND key IN ({marks})"
        for key, cluster_id in self._rows_in(sql, keys, fingerprint):
            found.setdefault(str(key), []).append(str(cluster_id))
        return found

    @guarded
    def members_of(self, fingerprint: str, cluster_ids: Iterable[str]) -> dict[str, list[str]]:
        """Cluster id -> the ids of its claims (kept and duplicates)."""
        members: dict[str, list[str]] = {}
        sql = (
            "SELECT cluster_id, claim_id FROM cluster_members WHERE fingerprint = ? "
            "AND cluster_id IN ({marks}) ORDER BY rowid"
        )
        for cluster_id, claim_id in self._rows_in(sql, cluster_ids, fingerprint):
            members.setdefault(str(cluster_id), []).append(str(claim_id))
        return members

    @guarded
    def claims_by_id(self, ids: Iterable[str]) -> list[Claim]:
        """The stored claims of ``ids`` (missing ones are left out)."""
        rows = self._rows_in("SELECT data FROM claims WHERE id IN ({marks}) ORDER BY rowid", ids)
        return [Claim.model_validate_json(data) for (data,) in rows]

    @guarded
    def article_meta(self, ids: Iterable[str] | None = None) -> dict[str, Article]:
        """Articles' outlets and dates (their text left out), by id."""
        sql = "SELECT id, source, title, url, published, origin FROM articles"
        if ids is None:
            rows = self._db.execute(sql).fetchall()
        else:
            rows = list(self._rows_in(sql + " WHERE id IN ({marks})", ids))
        return {
            row[0]: Article(
                id=row[0],
                source=row[1],
                title=row[2],
                url=row[3],
                published=row[4],
                origin=row[5],
                text="",
            )  # fmt: skip
            for row in rows
        }

    @guarded
    def vectors(self, claim_ids: Iterable[str], embedder: str) -> dict[str, NDArray[np.float32]]:
        """The stored key embeddings of ``claim_ids`` under ``embedder`` (those it has)."""
        found: dict[str, NDArray[np.float32]] = {}
        if not self._has_table("claim_vectors"):
            return found
        sql = (
            "SELECT claim_id, vector FROM claim_vectors WHERE embedder = ? "
            "AND claim_id IN ({marks})"
        )
        for claim_id, blob in self._rows_in(sql, claim_ids, embedder):
            found[str(claim_id)] = np.frombuffer(blob, dtype=np.float32)
        return found

    @guarded
    def save_clusters(
        self,
        fingerprint: str,
        config: Mapping[str, Any],
        *,
        run_id: int | None,
        replace: Iterable[str] | None,
        clusters: Sequence[Cluster],
        keys: Mapping[str, Iterable[str]],
        embedder: str,
        vectors: Mapping[str, NDArray[np.float32]],
        terms: Mapping[str, int] | None = None,
        counted: int = 0,
    ) -> None:
        """Replace clusters, in one transaction.

        ``replace`` lists the cluster ids the new ``clusters`` take the place of; ``None``
        replaces every stored cluster (a full recompute, under any fingerprint). ``keys``
        maps a new cluster's id to its blocking keys; ``vectors`` are new claims' vectors.
        ``terms`` and ``counted`` change the term counts by that much (a full recompute:
        set them).
        """
        with self._transaction() as db:
            if replace is None:
                tables = ("clusters", "cluster_members", "blocking_keys", "compare_config")
                for table in (*tables, "term_counts"):
                    db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
                db.execute(
                    "INSERT INTO compare_config (fingerprint, created, config) VALUES (?, ?, ?)",
                    (fingerprint, now(), json.dumps(config, sort_keys=True, default=str)),
                )
            else:
                for part in _chunks(sorted(set(replace))):
                    marks = _marks(part)
                    args = (fingerprint, *part)
                    db.execute(
                        f"DELETE FROM clusters WHERE fingerprint = ? AND id IN ({marks})", args
                    )
                    db.execute(
                        f"DELETE FROM cluster_members WHERE fingerprint = ? AND cluster_id IN "
                        f"({marks})",
                        args,
                    )
                    db.execute(
                        f"DELETE FROM blocking_keys WHERE fingerprint = ? AND cluster_id IN "
                        f"({marks})",
                        args,
                    )
            self._insert_clusters(db, fingerprint, run_id, clusters, keys)
            db.execute("DELETE FROM claims_changed")  # all compared now
            self._count_terms(db, fingerprint, terms or {}, counted)
            db.executemany(
                "INSERT OR REPLACE INTO claim_vectors (claim_id, embedder, dim, vector) "
                "VALUES (?, ?, ?, ?)",
                [
                    (claim_id, embedder, int(vector.shape[0]), vector.astype(np.float32).tobytes())
                    for claim_id, vector in vectors.items()
                ],
            )

    @staticmethod
    def _count_terms(db: Any, fingerprint: str, terms: Mapping[str, int], counted: int) -> None:
        db.executemany(
            "INSERT INTO term_counts (fingerprint, term, claims) VALUES (?, ?, ?) "
            "ON CONFLICT (fingerprint, term) DO UPDATE SET claims = claims + excluded.claims",
            [(fingerprint, term, n) for term, n in sorted(terms.items()) if n],
        )
        gone = sorted(term for term, n in terms.items() if n < 0)
        for part in _chunks(gone):
            db.execute(
                f"DELETE FROM term_counts WHERE fingerprint = ? AND claims <= 0 AND term IN "
                f"({_marks(part)})",
                (fingerprint, *part),
            )
        db.execute(
            "UPDATE compare_config SET claims = claims + ? WHERE fingerprint = ?",
            (counted, fingerprint),
        )

    @staticmethod
    def _insert_clusters(
        db: Any,
        fingerprint: str,
        run_id: int | None,
        clusters: Sequence[Cluster],
        keys: Mapping[str, Iterable[str]],
    ) -> None:
        db.executemany(
            "INSERT OR REPLACE INTO clusters (id, fingerprint, run_id, relation, explanation, "
            "data) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (c.id, fingerprint, run_id, c.relation.value, c.explanation, c.model_dump_json())
                for c in clusters
            ],
        )
        db.executemany(
            "INSERT OR REPLACE INTO cluster_members (cluster_id, fingerprint, claim_id) "
            "VALUES (?, ?, ?)",
            [
                (c.id, fingerprint, claim_id)
                for c in clusters
                for m in c.members
                for claim_id in (m.claim_id, *m.duplicates)
            ],
        )
        db.executemany(
            "INSERT OR IGNORE INTO blocking_keys (key, fingerprint, cluster_id) VALUES (?, ?, ?)",
            [(key, fingerprint, c.id) for c in clusters for key in sorted(keys.get(c.id, ()))],
        )
