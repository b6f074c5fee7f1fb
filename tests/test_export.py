"""Exports: claims and the comparison as JSONL, CSV and Parquet, read back into the models."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from extractor.cli import main
from extractor.compare import compare
from extractor.compare.embeddings import HashingEmbedder
from extractor.io.export import (
    CLAIM_COLUMNS,
    MEMBER_FIELDS,
    read_claims_export,
    read_comparison_export,
    write_claims,
    write_comparison,
)
from extractor.language.quantities import parse_quantities
from extractor.language.stance import detect_stance
from extractor.models import (
    Article,
    ArticleResult,
    Claim,
    ClusterMember,
    Comparison,
    MatchKind,
    Stance,
)
from extractor.runs.store import Store
from extractor.settings import Settings

FORMATS = ["jsonl", "csv", "parquet"]
REPORTS = [
    ("Wire A", date(2024, 11, 1), "The Pentagon said 10,000 North Korean troops arrived in Kursk."),
    ("Wire B", date(2024, 11, 2), "Seoul said 12,000 North Korean troops arrived in Kursk."),
    ("Wire C", None, "The Kremlin denied that North Korean troops arrived in Kursk."),
    (
        "Wire A",
        date(2024, 11, 3),
        "Heavy rain flooded “more than 300” homes in Marlow, locals said.",
    ),
]


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "store.sqlite"
    with Store(path) as opened:
        run = opened.begin_run(Settings(), fingerprint="f")
        claims = []
        for source, published, text in REPORTS:
            article = Article.from_text(text, source=source, published=published)
            claim = Claim(
                article_id=article.id, text=text, quote=text, start=0, end=len(text),
                match=MatchKind.exact, speaker="author", stance=detect_stance(text),
                quantities=parse_quantities(text), checkworthy=0.85,
                prompt_version="extract_sentence.v1", model="fake",
            )  # fmt: skip
            claims.append(claim)
            opened.save_result(ArticleResult(article=article, claims=[claim]), "f", run)
        comparison = compare(claims, articles=opened.articles(), embedder=HashingEmbedder())
        opened.save_comparison(run, comparison)
    return path


def test_the_columns_cover_the_models() -> None:
    assert set(CLAIM_COLUMNS) == set(Claim.model_fields)
    assert set(MEMBER_FIELDS) == set(ClusterMember.model_fields)


@pytest.mark.parametrize("format", FORMATS)
def test_claims_round_trip(store: Path, tmp_path: Path, format: str) -> None:
    out = tmp_path / f"claims.{format}"
    assert main(["export", "--store", str(store), "--format", format, "-o", str(out)]) == 0
    with Store(store, readonly=True) as opened:
        expected = opened.claims()
    assert any(c.quantities for c in expected) and any(c.stance == Stance.denied for c in expected)
    assert read_claims_export(out, format) == expected


@pytest.mark.parametrize("format", FORMATS)
def test_the_comparison_round_trips(store: Path, tmp_path: Path, format: str) -> None:
    out = tmp_path / f"comparison.{format}"
    argv = ["export", "--store", str(store), "--what", "comparison", "--format", format]
    assert main([*argv, "-o", str(out)]) == 0
    with Store(store, readonly=True) as opened:
        expected = opened.latest_comparison()
    assert expected is not None and expected.clusters
    assert read_comparison_export(out, format) == expected


def test_csv_is_flat_and_readable(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "comparison.csv"
    argv = ["export", "--store", str(store), "--what", "comparison", "--format", "csv"]
    assert main([*argv, "-o", str(out)]) == 0
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert {row["relation"] for row in rows} >= {"numeric_discrepancy"}
    assert all(isinstance(json.loads(row["sources"]), list) for row in rows)


def test_claims_go_to_stdout_by_default(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--store", str(store)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(REPORTS)
    Claim.model_validate_json(lines[0])


def test_an_empty_export_still_has_its_columns(tmp_path: Path) -> None:
    out = tmp_path / "none.parquet"
    assert write_claims([], out, "parquet") == 0
    assert read_claims_export(out, "parquet") == []


def test_export_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.sqlite"
    assert main(["export", "--store", str(missing)]) == 2
    assert "no store" in capsys.readouterr().err
    Store(tmp_path / "empty.sqlite").close()
    argv = ["export", "--store", str(tmp_path / "empty.sqlite"), "--what", "comparison"]
    assert main(argv) == 2
    assert "no comparison" in capsys.readouterr().err
    argv = ["export", "--store", str(tmp_path / "empty.sqlite"), "--format", "parquet"]
    assert main(argv) == 2
    assert "stdout" in capsys.readouterr().err


def _stored_comparison(store: Path) -> Comparison:
    with Store(store, readonly=True) as opened:
        comparison = opened.latest_comparison()
    assert comparison is not None
    return comparison


@pytest.mark.parametrize("format", FORMATS)
def test_an_unchecked_cluster_stays_unchecked_in_every_format(
    store: Path, tmp_path: Path, format: str
) -> None:
    comparison = _stored_comparison(store)
    first = comparison.clusters[0].model_copy(update={"checked": False})
    comparison = comparison.model_copy(update={"clusters": [first, *comparison.clusters[1:]]})
    out = tmp_path / f"comparison.{format}"
    write_comparison(comparison, out, format)  # type: ignore[arg-type]
    back = read_comparison_export(out, format)  # type: ignore[arg-type]
    assert [c.checked for c in back.clusters] == [c.checked for c in comparison.clusters]
    assert back.clusters[0].checked is False


@pytest.mark.parametrize("format", ["csv", "parquet"])
def test_an_export_written_before_the_checked_column_still_reads(
    store: Path, tmp_path: Path, format: str
) -> None:
    comparison = _stored_comparison(store)
    out = tmp_path / f"comparison.{format}"
    write_comparison(comparison, out, format)  # type: ignore[arg-type]
    if format == "csv":
        with out.open(encoding="utf-8", newline="") as stream:
            rows = list(csv.DictReader(stream))
        names = [name for name in rows[0] if name != "checked"]
        with out.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, fieldnames=names, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    else:
        import pyarrow.parquet as pq

        table = pq.read_table(out)
        pq.write_table(table.drop_columns(["checked"]), out)
    back = read_comparison_export(out, format)  # type: ignore[arg-type]
    assert [c.id for c in back.clusters] == [c.id for c in comparison.clusters]
    assert all(c.checked for c in back.clusters)
