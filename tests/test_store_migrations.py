"""Store migrations after the first: old stores keep working, new claims keep their spans."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from extractor.models import Article, ArticleResult, Claim, Usage, content_hash
from extractor.runs.store import MIGRATIONS, Store

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
