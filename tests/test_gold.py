"""The gold format (extractor.evaluation.gold) and the gold set in tests/gold/."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from extractor import InputError
from extractor.evaluation.gold import GoldClaim, GoldQuantity, GoldSet, load_gold
from extractor.extraction.grounding import strip_quote
from extractor.models import Article, Relation

from .conftest import ROOT

GOLD = ROOT / "tests" / "gold" / "gold.jsonl"
TEXT = "Alpha said 10 troops came. Beta said about 20 ships left. Alpha said 10 troops came."


@pytest.fixture(scope="module")
def gold() -> GoldSet:
    return load_gold(GOLD)


def test_every_gold_quote_is_verbatim_and_once_in_its_article(gold: GoldSet) -> None:
    for claim in gold.claims:
        text = gold.article_of(claim).text
        assert text.count(claim.quote) == 1, claim.id
        start, end = gold.span(claim)
        assert text[start:end] == strip_quote(claim.quote), claim.id


def test_the_gold_set_covers_two_overlapping_articles(gold: GoldSet) -> None:
    assert len(gold.articles) == 2
    assert 20 <= len(gold.claims) <= 40
    per_article = Counter(claim.article for claim in gold.claims)
    assert set(per_article) == set(gold.articles)
    by_id = {claim.id: claim for claim in gold.claims}
    for cluster in gold.clusters:
        articles = {by_id[claim_id].article for claim_id in cluster.claims}
        if cluster.relation is Relation.single_source:
            assert len(articles) == 1, cluster.id
        else:
            assert len(articles) == 2, cluster.id
    assert {c.relation for c in gold.clusters} >= {Relation.agree, Relation.numeric_discrepancy}


def test_the_gold_articles_are_the_samples_as_extract_reads_them(gold: GoldSet) -> None:
    from extractor import Settings, read_articles

    samples = {a.id for a in read_articles([ROOT / "samples"], Settings()) if hasattr(a, "id")}
    assert {article.id for article in gold.articles.values()} <= samples


def _write(tmp_path: Path, records: list[dict[str, Any]], text: str = TEXT) -> Path:
    (tmp_path / "a.txt").write_text("---\nsource: A\n---\n" + text + "\n", encoding="utf-8")
    path = tmp_path / "gold.jsonl"
    lines = [{"type": "article", "path": "a.txt"}, *records]
    path.write_text("\n".join(json.dumps(r) for r in lines) + "\n", encoding="utf-8")
    return path


def _claim(
    claim_id: str = "c1", quote: str = "about 20 ships left", **extra: Any
) -> dict[str, Any]:
    return {"type": "claim", "id": claim_id, "article": "a.txt", "quote": quote, **extra}


def test_a_small_gold_file_loads_with_spans_and_defaults(tmp_path: Path) -> None:
    cluster = {"type": "cluster", "id": "k", "claims": ["c1", "c2"], "relation": "agree"}
    gold = load_gold(
        _write(
            tmp_path,
            [
                _claim(speaker="Beta", stance="reported", quantity={"value": 20}),
                _claim("c2", "“Beta said ABOUT 20   ships”", quantity={"value": 20, "upper": None}),
                cluster,
            ],
        )
    )
    first, second = gold.claims
    assert TEXT[slice(*gold.span(first))] == "about 20 ships left"
    assert TEXT[slice(*gold.span(second))] == "Beta said about 20 ships"  # normalized match
    assert first.quantity == GoldQuantity(value=20, lower=20, upper=20)
    assert second.quantity is not None and second.quantity.upper is None
    assert second.speaker == "author"
    assert gold.clusters[0].relation is Relation.agree


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([_claim(quote="twenty ships")], "quote not found"),
        ([_claim(quote="Alpha said 10 troops came")], "more than once"),
        ([_claim(), _claim()], "duplicate claim id"),
        ([_claim(article="b.txt")], "no article named 'b.txt'"),
        ([{"type": "cluster", "id": "k", "claims": ["zz"], "relation": "agree"}], "no claim"),
        (
            [
                _claim(),
                {"type": "cluster", "id": "k", "claims": ["c1"], "relation": "agree"},
                {"type": "cluster", "id": "l", "claims": ["c1"], "relation": "agree"},
            ],
            "in two clusters",
        ),
        ([_claim(confidence=1)], "Extra inputs"),
        ([{"type": "opinion", "id": "x"}], "does not match any of the expected tags"),
        ([{"type": "cluster", "id": "k", "claims": ["c1"], "relation": "same"}], "relation"),
        ([_claim(quantity={"value": 20, "lower": 30})], "exceeds the value"),
    ],
)
def test_bad_gold_is_an_input_error_naming_the_problem(
    tmp_path: Path, records: list[dict[str, Any]], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        load_gold(_write(tmp_path, records))


def test_bad_lines_and_missing_articles_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text('{"type": "article", "path": "a.txt"}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputError, match="gold line 1: article .*a.txt"):
        load_gold(path)
    _write(tmp_path, [])
    path.write_text('{"type": "article", "path": "a.txt"}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"gold.jsonl:2: not a gold record"):
        load_gold(path)
    with pytest.raises(InputError, match="cannot read the gold file"):
        load_gold(tmp_path / "nowhere.jsonl")


def test_an_article_from_a_jsonl_feed_is_picked_by_line(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"text": "First article text.", "source": "A"})
        + "\n"
        + json.dumps({"text": "Second article says 5 ships sank.", "source": "B"})
        + "\n",
        encoding="utf-8",
    )
    path = tmp_path / "gold.jsonl"
    path.write_text(
        json.dumps({"type": "article", "path": "feed.jsonl", "line": 2})
        + "\n"
        + json.dumps(_claim(article="feed.jsonl:2", quote="5 ships sank"))
        + "\n",
        encoding="utf-8",
    )
    gold = load_gold(path)
    assert gold.articles["feed.jsonl:2"].source == "B"


def test_gold_set_can_be_built_in_code() -> None:
    article = Article.from_text(TEXT, source="A")
    gold = GoldSet(
        articles={"a": article},
        claims=[GoldClaim(id="c", article="a", quote="Beta said about 20 ships left")],
    )
    assert gold.span(gold.claims[0]) == (27, 56)
