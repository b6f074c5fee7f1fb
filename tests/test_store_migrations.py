"""Store migrations after the first: old stores keep working, new claims keep their spans."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from extractor.models import (
    Article,
    ArticleResult,
    Claim,
    Comparison,
    RunChanges,
    Usage,
    content_hash,
)
from extractor.runs.store import MIGRATIONS, Store
from extractor.settings import Settings

REPEATED = "Officials said 300 homes burned. The fire spread. Officials said 300 homes burned."


def _schema_one_store(path: Path, article: Article, claim: Claim) -> None:
    """A store as the first release wrote it: schema 1, one article and one claim."""
    with closing(sqlite3.connect(path)) as db:
        db.executescript(MIGRATIONS[0][1])
        db.executescript(
            "CREATE TABLE migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
            "applied TEXT NOT NULL);"
        )
        db.execute(
            "INSERT INTO migrations VALUES (1, ?, '2026-11-23T00:00:00')", (MIGRATIONS[0][0],)
        )
        db.execute(
            "INSERT INTO articles (id, source, text, first_seen) VALUES (?, ?, ?, ?)",
            (article.id, article.source, article.text, "2026-11-23T00:00:00"),
        )
        data = claim.model_dump(
            mode="json", exclude={"speaker_start", "speaker_end", "cue", "proposition"}
        )
        db.execute(
            'INSERT INTO claims (id, fingerprint, article_id, speaker, start, "end", data) '
            "VALUES (?, 'f', ?, ?, ?, ?, ?)",
            (
                claim.id,
                article.id,
                claim.speaker,
                claim.start,
                claim.end,
                Claim.model_validate(data).model_dump_json(),
            ),
        )
        db.commit()


def test_a_schema_one_store_is_read_and_upgraded(tmp_path: Path) -> None:
    article = Article.from_text(REPEATED, source="Wire", origin="a.txt")
    old_id = content_hash(article.id, "Officials said 300 homes burned.", "300 homes burned.")
    claim = Claim(
        id=old_id, article_id=article.id, text="300 homes burned.",
        quote="Officials said 300 homes burned.", start=0, end=32, speaker="Officials",
    )  # fmt: skip
    path = tmp_path / "old.sqlite"
    _schema_one_store(path, article, claim)
    with Store(path, readonly=True) as store:  # read as it is, without an upgrade
        assert [c.id for c in store.claims()] == [old_id]
        assert len(store.migrations()) == 1
    with Store(path) as store:
        assert len(store.migrations()) == len(MIGRATIONS)
        assert [c.id for c in store.claims()] == [old_id]  # old ids stay valid
    with closing(sqlite3.connect(path)) as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(claims)")}
    assert {"speaker_start", "speaker_end"} <= columns


def test_a_repeated_sentence_is_two_claims_in_the_store(tmp_path: Path) -> None:
    article = Article.from_text(REPEATED, source="Wire", origin="a.txt")
    sentence = "Officials said 300 homes burned."
    starts = [0, REPEATED.rindex(sentence)]
    claims = [
        Claim(
            article_id=article.id,
            text="300 homes burned.",
            quote=sentence,
            start=s,
            end=s + len(sentence),
            speaker="Officials",
            speaker_start=s,
            speaker_end=s + 9,
            prompt_version="p.v1",
            model="m",
        )  # fmt: skip
        for s in starts
    ]
    assert claims[0].id != claims[1].id  # ids are span-based
    with Store(tmp_path / "s.sqlite") as store:
        store.save_result(ArticleResult(article=article, claims=claims, usage=Usage()), "f", None)
        stored = store.claims()
    assert [c.start for c in stored] == starts
    assert all(c.speaker_start == c.start for c in stored)


def schema_two_store(path: Path, comparison: Comparison) -> None:
    """A store as schema 2 left it (before clusters were kept), holding one run's
    ``comparison`` whole and nothing else."""
    with closing(sqlite3.connect(path)) as db:
        db.executescript(
            MIGRATIONS[0][1] + ";" + MIGRATIONS[1][1] + ";"
            "CREATE TABLE migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
            "applied TEXT NOT NULL);"
        )
        for number, (name, _) in enumerate(MIGRATIONS[:2], start=1):
            db.execute(
                "INSERT INTO migrations VALUES (?, ?, '2026-11-30T00:00:00')", (number, name)
            )
        db.execute(
            "INSERT INTO comparisons (run_id, created, data) VALUES (1, 'then', ?)",
            (comparison.model_dump_json(),),
        )
        db.commit()


def test_a_schema_two_store_is_upgraded_to_keep_clusters_and_changes(tmp_path: Path) -> None:
    path = tmp_path / "v2.sqlite"
    schema_two_store(path, Comparison(claims=7))
    with Store(path, readonly=True) as store:  # an older schema is read as it is
        assert len(store.migrations()) == 2
        assert store.changes() == []
        assert store.comparison_fingerprint() is None and store.stored_clusters() == []
        old = store.latest_comparison()
        assert old is not None and old.claims == 7, "its last run's comparison is read"
    with Store(path) as store:
        assert [m[0] for m in store.migrations()] == list(range(1, len(MIGRATIONS) + 1))
        latest = store.latest_comparison()
        assert latest is not None and latest.claims == 7, "kept until clusters are stored"
        run_id = store.begin_run(Settings(), fingerprint="f")
        store.save_changes(run_id, RunChanges(run_id=str(run_id)))
        assert [c.run_id for c in store.changes()] == [str(run_id)]
        assert store.changes(since=run_id) == []
