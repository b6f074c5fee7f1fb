"""The store: migrations, one transaction per article, replacement, and clear errors."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from extractor.errors import StoreError
from extractor.models import Article, ArticleError, ArticleResult, Claim, RunSummary, Usage
from extractor.runs.store import MIGRATIONS, Store
from extractor.settings import Settings

TEXT = "Officials said 1,200 soldiers arrived on Monday. The governor said 30 homes burned."


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "store.sqlite"


def _article(text: str = TEXT, source: str = "Wire A") -> Article:
    return Article.from_text(text, source=source, origin="a.txt")


def _result(article: Article, *texts: str, prompt: str = "p.v1") -> ArticleResult:
    claims = []
    for text in texts:
        start = article.text.index(text)
        claims.append(
            Claim(
                article_id=article.id,
                text=text,
                quote=text,
                start=start,
                end=start + len(text),
                speaker="author",
                prompt_version=prompt,
                model="m",
            )  # fmt: skip
        )
    return ArticleResult(article=article, claims=claims, usage=Usage(requests=len(texts)))


FIRST = "Officials said 1,200 soldiers arrived on Monday."
SECOND = "The governor said 30 homes burned."


def test_migrations_are_applied_once_and_recorded(path: Path) -> None:
    with Store(path) as store:
        applied = store.migrations()
    assert [(n, name) for n, name, _ in applied] == [
        (n, name) for n, (name, _) in enumerate(MIGRATIONS, start=1)
    ]
    with Store(path) as store:
        assert store.migrations() == applied
    with closing(sqlite3.connect(path)) as db, db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_result_is_saved_and_read_back(path: Path) -> None:
    article = _article()
    with Store(path) as store:
        run = store.begin_run(Settings(), fingerprint="f1")
        store.save_result(_result(article, FIRST, SECOND), "f1", run)
        assert store.articles() == [article]
        assert [c.quote for c in store.claims()] == [FIRST, SECOND]
        assert store.claims(article.id) == store.claims()
        assert store.is_done(article.id, "f1")
        assert not store.is_done(article.id, "f2")
        assert store.done() == {article.id: "f1"}


def test_re_extraction_replaces_the_articles_claims(path: Path) -> None:
    article = _article()
    with Store(path) as store:
        store.save_result(_result(article, FIRST, SECOND), "f1", None)
        store.save_result(_result(article, FIRST, prompt="p.v2"), "f2", None)
        claims = store.claims()
        assert [(c.quote, c.prompt_version) for c in claims] == [(FIRST, "p.v2")]
        assert store.is_done(article.id, "f2")
        assert not store.is_done(article.id, "f1"), "its claims are gone: it must be redone"
        store.save_result(_result(article, FIRST, prompt="p.v2"), "f2", None)
        assert len(store.claims()) == 1


def test_a_failed_article_keeps_its_claims_and_records_the_error(path: Path) -> None:
    article = _article()
    error = ArticleError(kind="transport", message="503 after 4 retries", origin="a.txt")
    failed = ArticleResult(article=article, status="failed", errors=[error])
    with Store(path) as store:
        store.save_result(_result(article, FIRST), "f1", None)
        run = store.begin_run(Settings(), fingerprint="f2")
        store.save_result(failed, "f2", run)
        assert [c.quote for c in store.claims()] == [FIRST]
        assert not store.is_done(article.id, "f2")
        stored = store.errors(run)
    assert [(e.run_id, e.article_id, e.error) for e in stored] == [(run, article.id, error)]


def test_an_article_is_saved_in_one_transaction(path: Path) -> None:
    article = _article()
    with Store(path) as store:
        pass
    with closing(sqlite3.connect(path)) as db, db:  # the last write of save_result fails
        db.execute(
            "CREATE TRIGGER boom BEFORE INSERT ON extractions "
            "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
        )
    error = ArticleError(kind="x", message="y")
    result = _result(article, FIRST, SECOND).model_copy(update={"errors": [error]})
    with Store(path) as store:
        with pytest.raises(StoreError, match="disk on fire"):
            store.save_result(result, "f1", None)
        assert store.articles() == [] and store.claims() == [] and store.errors() == []
        assert store.done() == {}


def test_runs_are_recorded_with_the_key_masked(path: Path) -> None:
    settings = Settings(api_key="sk-secret", base_url="http://x/v1", model="m")
    with Store(path) as store:
        dead = store.begin_run(settings, fingerprint="f", model="m", prompt_version="p.v1")
        run = store.begin_run(settings, fingerprint="f", model="m", prompt_version="p.v1")
        store.end_run(run, RunSummary(articles=2, ok=2), "ok")
        runs = store.runs()
    assert [(r.id, r.status) for r in runs] == [(dead, "interrupted"), (run, "ok")]
    assert runs[1].settings["api_key"] == "***"
    assert runs[1].summary == RunSummary(articles=2, ok=2)
    assert "sk-secret" not in path.read_bytes().decode("latin-1")


def test_a_read_only_store_is_a_clear_error(path: Path) -> None:
    with Store(path) as store:
        store.save_result(_result(_article(), FIRST), "f1", None)
    with Store(path, readonly=True) as store:
        assert len(store.claims()) == 1
        with pytest.raises(StoreError, match="read-only"):
            store.save_result(_result(_article("Other text said 5 things."), "Other"), "f", None)
    with pytest.raises(StoreError, match="no store"):
        Store(path.with_name("missing.sqlite"), readonly=True)


def _unwritable_journal(path: Path) -> None:
    """Make the WAL of ``path`` impossible to create, for every user, root included.

    A dangling symbolic link in the WAL's place cannot be opened or created through: the
    same failure a read-only mount gives (where ``chmod`` would not stop root).
    """
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
        Path(f"{path}{suffix}").symlink_to(path.parent / "no-such-dir" / f"x{suffix}")


def test_an_unwritable_store_is_a_clear_error(path: Path) -> None:
    Store(path).close()
    _unwritable_journal(path)
    with pytest.raises(StoreError, match="read-only|cannot open"):
        with Store(path) as store:
            store.save_result(_result(_article(), FIRST), "f1", None)


def test_a_store_whose_wal_cannot_be_created_is_still_read(path: Path) -> None:
    with Store(path) as store:
        store.save_result(_result(_article(), FIRST), "f1", None)
    _unwritable_journal(path)
    before = path.read_bytes()
    with Store(path, readonly=True) as store:  # mode=ro fails here; immutable=1 reads
        assert [c.quote for c in store.claims()] == [FIRST]
        assert store.done() == {_article().id: "f1"}
    assert path.read_bytes() == before


def _corrupt_pages(path: Path) -> None:
    """Overwrite the middle of every page but the first: the header stays intact."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for start in range(page, len(data), page):
        data[start + 8 : start + page - 8] = bytes(range(256)) * ((page - 16) // 256) + bytes(
            (page - 16) % 256
        )
    path.write_bytes(bytes(data))


def test_quick_check_catches_damaged_pages(path: Path) -> None:
    with Store(path) as store:
        for n in range(40):
            article = _article(f"Officials said {n} soldiers arrived on Monday. " * 20)
            store.save_result(_result(article, f"Officials said {n} soldiers arrived"), "f", None)
        store.check()  # a sound store passes
    _corrupt_pages(path)
    with pytest.raises(StoreError, match="corrupt"):
        with Store(path) as store:
            store.check()


def test_removed_articles_take_their_claims_and_markers(path: Path) -> None:
    kept, gone = _article(), _article("Other text said 5 things. Nothing else.", "Wire B")
    with Store(path) as store:
        store.save_result(_result(kept, FIRST, SECOND), "f1", None)
        store.save_result(_result(gone, "Other text said 5 things."), "f1", None)
        assert store.remove_articles([gone.id, "never-stored"]) == {gone.id: 1}
        assert store.articles() == [kept]
        assert [c.quote for c in store.claims()] == [FIRST, SECOND]
        assert store.done() == {kept.id: "f1"}


def test_a_corrupt_store_is_a_clear_error(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database, just some bytes\n" * 200)
    with pytest.raises(StoreError, match="corrupt"):
        Store(path)


def test_a_store_from_a_newer_version_is_refused(path: Path) -> None:
    Store(path).close()
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("INSERT INTO migrations VALUES (99, 'future', '2099-01-01')")
    with pytest.raises(StoreError, match="newer"):
        Store(path)


def test_a_directory_is_not_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="directory"):
        Store(tmp_path)
