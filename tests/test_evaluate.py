"""Metrics of extractor.evaluation.score on tiny hand-checked cases, and the ``eval`` command."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from extractor import Claim, EvalReport, evaluate, load_gold
from extractor.cli import main
from extractor.errors import InputError
from extractor.evaluation.gold import GoldClaim, GoldCluster, GoldQuantity, GoldSet
from extractor.evaluation.score import (
    cluster_pair_score,
    grounding_rate,
    load_aliases,
    match_claims,
    normalize_speaker,
    relation_accuracy,
    render_eval_table,
    same_quantity,
    same_speaker,
)
from extractor.language.quantities import parse_quantities
from extractor.models import (
    Article,
    ArticleResult,
    Cluster,
    ClusterMember,
    Comparison,
    Quantity,
    Relation,
    Stance,
)

from .conftest import ROOT

GOLD = ROOT / "tests" / "gold" / "gold.jsonl"
GOLD_ALIASES = load_aliases(ROOT / "tests" / "gold" / "aliases.json")
TEXT = "Alpha said 10 troops came. Beta said about 20 ships left. Gamma said “no troops” came."
ARTICLE = Article.from_text(TEXT, source="A")
OTHER = Article.from_text("Delta said 5 planes flew.", source="B")
WORDS = Article.from_text("one two three four five six seven eight nine ten.", source="C")
ARTICLES = {"a": ARTICLE, "b": OTHER, "w": WORDS}


def claim(phrase: str, article: Article = ARTICLE, *, offsets: bool = True, **extra: Any) -> Claim:
    """A claim quoting ``phrase`` (placed at its first occurrence unless ``offsets=False``)."""
    start = article.text.index(phrase)
    where = {"start": start, "end": start + len(phrase)} if offsets else {}
    return Claim(article_id=article.id, text=phrase, quote=phrase, **where, **extra)


def at(article: Article, start: int, end: int) -> Claim:
    quote = article.text[start:end]
    return Claim(article_id=article.id, text=quote, quote=quote, start=start, end=end)


def gold_claim(claim_id: str, quote: str, article: str = "a", **extra: Any) -> GoldClaim:
    return GoldClaim(id=claim_id, article=article, quote=quote, **extra)


def gold_set(*claims: GoldClaim, clusters: Sequence[GoldCluster] = ()) -> GoldSet:
    return GoldSet(articles=ARTICLES, claims=list(claims), clusters=list(clusters))


def cluster(relation: Relation, *members: Claim, duplicates: Sequence[Claim] = ()) -> Cluster:
    def member(c: Claim, dups: Sequence[Claim]) -> ClusterMember:
        return ClusterMember(
            claim_id=c.id,
            article_id=c.article_id,
            speaker=c.speaker,
            stance=Stance.asserted,
            text=c.text,
            quote=c.quote,
            duplicates=[d.id for d in dups],
        )

    return Cluster(
        id="-".join(c.id for c in members),
        relation=relation,
        explanation="test",
        members=[member(c, duplicates if n == 0 else ()) for n, c in enumerate(members)],
        sources=["A"],
    )


# -- grounding -----------------------------------------------------------------------------


def test_grounding_counts_exact_and_normalized_quotes_at_their_offsets() -> None:
    exact = claim("Alpha said 10 troops came.")
    normalized = claim("Gamma said “no troops” came.").model_copy(
        update={"quote": 'GAMMA said  "no troops" came.'}
    )
    elsewhere = claim("Beta said about 20 ships left.").model_copy(
        update={"quote": "Alpha said 10 troops came."}
    )
    unplaced = claim("Beta said about 20 ships", offsets=False)
    fuzzy_only = Claim(article_id=ARTICLE.id, text="t", quote="Beta said about 20 ship left")
    invented = Claim(article_id=ARTICLE.id, text="t", quote="Beta said 30 ships left")
    unknown = Claim(article_id="no-such-article", text="t", quote="Alpha said 10 troops came.")
    past_the_end = Claim(article_id=ARTICLE.id, text="t", quote="came.", start=85, end=200)
    rate = grounding_rate(
        [exact, normalized, elsewhere, unplaced, fuzzy_only, invented, unknown, past_the_end],
        {ARTICLE.id: ARTICLE},
    )
    assert (rate.correct, rate.total) == (3, 8)
    assert rate.value == pytest.approx(3 / 8)


def test_grounding_of_no_claims_is_undefined() -> None:
    rate = grounding_rate([], {})
    assert (rate.correct, rate.total, rate.value) == (0, 0, None)


# -- claim matching ------------------------------------------------------------------------


def test_no_claims_finds_nothing() -> None:
    gold = gold_set(gold_claim("g1", "Alpha said 10 troops"), gold_claim("g2", "Delta said", "b"))
    report = evaluate(gold, [])
    assert (report.claim.precision, report.claim.recall, report.claim.f1) == (None, 0.0, 0.0)
    assert report.missed == ["g1", "g2"]
    assert report.speaker.value is None and report.grounding.value is None


def test_claims_without_gold_are_all_unmatched() -> None:
    claims = [claim("Alpha said 10 troops came."), claim("Delta said", OTHER)]
    report = evaluate(gold_set(), claims)
    assert (report.claim.precision, report.claim.recall, report.claim.f1) == (0.0, None, 0.0)
    assert report.unmatched == [c.id for c in claims]
    assert evaluate(gold_set(), []).claim.f1 is None


def test_a_claim_finds_a_gold_claim_from_half_the_shorter_span() -> None:
    gold = gold_set(gold_claim("g", "one two three four", "w"))  # span 0..18
    assert WORDS.text[9:27] == "hree four five six"
    half, less = at(WORDS, 9, 27), at(WORDS, 10, 28)  # 9 and 8 of 18 characters shared
    (found,) = match_claims(gold, [half])
    assert found.overlap == 0.5
    assert match_claims(gold, [less]) == []


def test_a_short_quote_inside_a_long_gold_quote_counts_by_the_shorter_span() -> None:
    gold = gold_set(gold_claim("g", "Beta said about 20 ships left."))
    (found,) = match_claims(gold, [claim("about 20 ships")])
    assert found.overlap == 1.0


def test_one_claim_never_finds_two_gold_claims() -> None:
    gold = gold_set(
        gold_claim("g1", "Alpha said 10 troops came"), gold_claim("g2", "Beta said about 20")
    )
    both = claim("Alpha said 10 troops came. Beta said about 20 ships left.")
    report = evaluate(gold, [both])
    assert [(m.gold_id, m.claim_id) for m in report.matches] == [("g1", both.id)]
    assert report.missed == ["g2"]
    assert (report.claim.precision, report.claim.recall) == (1.0, 0.5)


def test_matching_is_greedy_by_overlap_then_one_to_one() -> None:
    gold = gold_set(gold_claim("g1", "Beta said about 20 ships left."))
    partial = claim("20 ships left. Gamma")  # 14 of 20 characters: 0.7
    exact = claim("Beta said about 20 ships left.")
    found = match_claims(gold, [partial, exact])
    assert [(m.gold.id, m.claim.id, m.overlap) for m in found] == [("g1", exact.id, 1.0)]
    overlapping = gold_set(
        gold_claim("g1", "Alpha said 10 troops came."), gold_claim("g2", "Beta said about 20")
    )
    # the long claim overlaps both fully; the short one only g2: each gold claim is found once
    long, short = claim("Alpha said 10 troops came. Beta said about 20"), claim("Beta said")
    found = match_claims(overlapping, [long, short])
    assert [(m.gold.id, m.claim.id) for m in found] == [("g1", long.id), ("g2", short.id)]


def test_claims_of_other_articles_are_ignored_and_unplaced_claims_are_grounded() -> None:
    gold = gold_set(gold_claim("g1", "Beta said about 20 ships left."))
    stray = Claim(article_id="another-article", text="t", quote="Beta said about 20 ships left.")
    unplaced = claim("Beta said about 20 ships", offsets=False)
    report = evaluate(gold, [stray, unplaced])
    assert (report.claims, report.ignored) == (1, 1)
    assert [m.claim_id for m in report.matches] == [unplaced.id]


# -- speakers, quantities, stance ----------------------------------------------------------


@pytest.mark.parametrize(
    ("gold", "extracted"),
    [
        ("author", "Author"),
        ("Volodymyr Zelensky", "President Zelenskyy"),
        ("Volodymyr Zelensky", "Ukrainian President Volodymyr Zelenskiy"),
        ("Volodymyr Zelensky", "Mr Zelensky"),
        ("National Intelligence Service", "NIS"),
        ("National Intelligence Service", "South Korea’s spy agency"),
        ("National Intelligence Service", "the National Intelligence Service of South Korea"),
        ("US Department of Defense", "the Pentagon"),
        ("US Department of Defense", "U.S. Department of Defense"),
        ("Kremlin", "Dmitry Peskov"),
        ("Kim Jong Un", "North Korean leader Kim Jong-un"),
        ("Andrei Lankov", "Mr Lankov"),
        ("Mark Rutte", "Nato secretary general Mark Rutte"),
        ("Valery Gerasimov", "Gen. Valery Gerasimov"),
        ("Benjamin Young", "Yang"),
    ],
)
def test_speakers_match_across_case_titles_punctuation_and_aliases(
    gold: str, extracted: str
) -> None:
    assert same_speaker(gold, extracted, GOLD_ALIASES)
    assert same_speaker(extracted, gold, GOLD_ALIASES)


@pytest.mark.parametrize(
    ("gold", "extracted"),
    [
        ("North Korea", "South Korea"),
        ("Volodymyr Zelensky", "Vladimir Putin"),
        ("Kim Hong-kyun", "Kim Yong-Hyun"),
        ("author", "Kremlin"),
        ("National Intelligence Service", "US Department of Defense"),
    ],
)
def test_different_speakers_do_not_match(gold: str, extracted: str) -> None:
    assert not same_speaker(gold, extracted, GOLD_ALIASES)


def test_normalize_speaker_shows_the_canonical_name() -> None:
    assert normalize_speaker("The Pentagon", GOLD_ALIASES) == "us department of defense"
    assert normalize_speaker("Gen. Valery Gerasimov") == "valery gerasimov"
    assert normalize_speaker("South Korea's NIS", GOLD_ALIASES) == "national intelligence service"
    assert normalize_speaker("  ") == ""


def test_without_an_alias_file_no_corpus_names_are_known() -> None:
    assert not same_speaker("US Department of Defense", "the Pentagon")
    assert same_speaker("Mark Rutte", "Nato secretary general Mark Rutte")


def test_a_bad_alias_file_is_a_clear_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "aliases.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(InputError, match="not a speaker alias file"):
        load_aliases(bad)


def q(value: float, lower: float | None, upper: float | None) -> Quantity:
    return Quantity(raw="x", value=value, lower=lower, upper=upper)


def test_quantities_need_the_value_and_the_bounds_of_the_hedge() -> None:
    as_many_as = GoldQuantity(value=10_000, lower=0, upper=10_000)
    at_least = GoldQuantity(value=10_000, lower=10_000, upper=None)
    exact = GoldQuantity(value=10_000)
    assert (exact.lower, exact.upper) == (10_000, 10_000)
    assert same_quantity(as_many_as, q(10_000, 0, 10_000))
    assert not same_quantity(as_many_as, q(10_000, 10_000, None))  # same number, other hedge
    assert same_quantity(at_least, q(10_000, 10_000, None))
    assert not same_quantity(at_least, q(10_000, 10_000, 10_000))  # unbounded only matches None
    assert not same_quantity(exact, q(10_000, 0, 10_000))
    assert same_quantity(exact, q(10_000, None, None))  # no bounds given: an exact number
    assert same_quantity(exact, q(10_050, 10_050, 10_050))  # within 1%
    assert not same_quantity(exact, q(10_200, 10_200, 10_200))
    assert not same_quantity(exact, q(12_000, 12_000, 12_000))


def test_parsed_hedges_match_gold_written_from_the_quantities_table() -> None:
    (nearly,) = parse_quantities("nearly 10,000 soldiers")
    (about,) = parse_quantities("about 3,000 North Koreans")
    (thousands,) = parse_quantities("thousands of soldiers")
    assert same_quantity(GoldQuantity(value=10_000, lower=9_000, upper=10_000), nearly)
    assert same_quantity(GoldQuantity(value=3_000, lower=2_700, upper=3_300), about)
    assert same_quantity(GoldQuantity(value=2_000, lower=2_000, upper=9_999), thousands)
    assert not same_quantity(GoldQuantity(value=3_000), about)


def test_speaker_quantity_and_stance_are_scored_on_matched_claims() -> None:
    gold = gold_set(
        gold_claim(
            "g1",
            "Alpha said 10 troops came.",
            speaker="Alpha",
            stance=Stance.reported,
            quantity=GoldQuantity(value=10),
        ),
        gold_claim("g2", "Beta said about 20 ships left.", speaker="Beta", quantity=about(20)),
        gold_claim("g3", "Gamma said “no troops” came.", speaker="Gamma", stance=Stance.denied),
    )
    claims = [
        claim("Alpha said 10 troops came.", speaker="ALPHA", stance=Stance.reported,
              quantities=[q(3, 3, 3), q(10, 10, 10)]),
        claim("Beta said about 20 ships left.", speaker="Beta", quantities=[q(20, 20, 20)]),
        claim("Gamma said “no troops” came.", speaker="Delta", stance=None),
    ]  # fmt: skip
    report = evaluate(gold, claims)
    assert (report.speaker.correct, report.speaker.total) == (2, 3)
    assert (report.quantity.correct, report.quantity.total) == (1, 2)
    assert (report.stance.correct, report.stance.total) == (1, 2)
    assert [(m.speaker, m.quantity, m.stance) for m in report.matches] == [
        (True, True, True),
        (True, False, None),
        (False, None, False),
    ]


def about(value: float) -> GoldQuantity:
    return GoldQuantity(value=value, lower=0.9 * value, upper=1.1 * value)


# -- comparison ----------------------------------------------------------------------------


def comparison_case() -> tuple[GoldSet, list[Claim], Comparison]:
    a, b, c = (claim(s) for s in ("Alpha said", "Beta said", "Gamma said"))
    d = claim("Delta said", OTHER)
    gold = gold_set(
        gold_claim("a", "Alpha said"),
        gold_claim("b", "Beta said"),
        gold_claim("c", "Gamma said"),
        gold_claim("d", "Delta said", "b"),
        gold_claim("e", "five six seven", "w"),
        clusters=[
            GoldCluster(id="abc", claims=["a", "b", "c"], relation=Relation.agree),
            GoldCluster(id="d", claims=["d"], relation=Relation.numeric_discrepancy),
            GoldCluster(id="e", claims=["e"], relation=Relation.agree),
        ],
    )
    comparison = Comparison(
        clusters=[
            cluster(Relation.agree, a, b),
            cluster(Relation.single_source, c, duplicates=[d]),  # d merged into c
        ]
    )
    return gold, [a, b, c, d], comparison


def test_cluster_pairs_are_scored_over_gold_claim_pairs() -> None:
    gold, claims, comparison = comparison_case()
    matches = match_claims(gold, claims)
    score = cluster_pair_score(gold, comparison, matches)
    # gold pairs ab, ac, bc; predicted ab, cd (d through the duplicate): 1 right
    assert (score.matched, score.predicted, score.gold) == (1, 2, 3)
    assert (score.precision, score.recall, score.f1) == (0.5, pytest.approx(1 / 3), 0.4)


def test_relation_is_read_from_the_cluster_holding_most_of_the_gold_cluster() -> None:
    gold, claims, comparison = comparison_case()
    accuracy = relation_accuracy(gold, comparison, match_claims(gold, claims))
    # abc -> the agree cluster (2 of 3): right; d -> single_source: wrong; e not found: wrong
    assert (accuracy.correct, accuracy.total) == (1, 3)


def test_without_a_comparison_its_metrics_are_none() -> None:
    gold, claims, comparison = comparison_case()
    report = evaluate(gold, claims)
    assert report.cluster_pairs is None and report.relation is None
    assert report.metrics()["relation_accuracy"] is None
    with_comparison = evaluate(gold, claims, comparison).metrics()
    assert with_comparison["cluster_pair_f1"] == 0.4
    assert with_comparison["relation_accuracy"] == pytest.approx(1 / 3)


# -- the real gold set, scored against itself ----------------------------------------------


def perfect(gold: GoldSet) -> tuple[list[Claim], Comparison]:
    """What a perfect system would emit: gold quotes, speakers, stances, quantities, clusters."""
    claims: dict[str, Claim] = {}
    for g in gold.claims:
        article, (start, end) = gold.article_of(g), gold.span(g)
        quantity = g.quantity
        claims[g.id] = Claim(
            article_id=article.id,
            text=g.text or g.quote,
            quote=article.text[start:end],
            start=start,
            end=end,
            speaker=g.speaker,
            stance=g.stance,
            quantities=[]
            if quantity is None
            else [Quantity(raw="x", value=quantity.value, lower=quantity.lower,
                           upper=quantity.upper)],
        )  # fmt: skip
    clustered = {i for c in gold.clusters for i in c.claims}
    clusters = [cluster(c.relation, *(claims[i] for i in c.claims)) for c in gold.clusters]
    clusters += [
        cluster(Relation.single_source, claims[g.id]) for g in gold.claims if g.id not in clustered
    ]
    return list(claims.values()), Comparison(clusters=clusters)


def test_a_perfect_system_scores_one_everywhere_on_the_gold_set() -> None:
    gold = load_gold(GOLD)
    claims, comparison = perfect(gold)
    report = evaluate(gold, claims, comparison)
    assert report.metrics() == dict.fromkeys(report.metrics(), 1.0)
    assert report.missed == [] and report.unmatched == []
    assert EvalReport.model_validate_json(report.model_dump_json()) == report


def test_the_table_shows_every_metric() -> None:
    gold = load_gold(GOLD)
    claims, comparison = perfect(gold)
    console = Console(record=True, width=140)
    console.print(render_eval_table(evaluate(gold, claims, comparison)))
    text = console.export_text()
    assert "claims found" in text and "relation right" in text and "100.0%" in text
    console.print(render_eval_table(evaluate(gold, [])))
    assert "no comparison" in console.export_text()


# -- the command ---------------------------------------------------------------------------


def _write_jsonl(path: Path, items: Iterable[Claim]) -> Path:
    path.write_text("".join(item.model_dump_json() + "\n" for item in items), encoding="utf-8")
    return path


def test_eval_command_scores_claims_and_comparison_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claims, comparison = perfect(load_gold(GOLD))
    claims_file = _write_jsonl(tmp_path / "claims.jsonl", claims)
    comparison_file = tmp_path / "comparison.json"
    comparison_file.write_text(comparison.model_dump_json(), encoding="utf-8")
    out = tmp_path / "out" / "eval.json"
    code = main(
        ["eval", "--gold", str(GOLD), "--claims", str(claims_file),
         "--comparison", str(comparison_file), "--json", str(out)]
    )  # fmt: skip
    assert code == 0
    report = EvalReport.model_validate(json.loads(out.read_text()))
    assert report.claim.f1 == 1.0 and report.relation is not None
    assert "claims found" in capsys.readouterr().out


def test_eval_command_extracts_from_the_gold_articles_without_claims(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gold = load_gold(GOLD)
    claims, _ = perfect(gold)
    seen: list[str] = []

    def fake_extract(inputs: Iterable[Article], settings: Any) -> Iterator[ArticleResult]:
        for article in inputs:
            seen.append(article.id)
            mine = [c for c in claims if c.article_id == article.id]
            yield ArticleResult(article=article, claims=mine)

    monkeypatch.setattr("extractor.cli.extract", fake_extract)
    out = tmp_path / "eval.json"
    code = main(["eval", "--gold", str(GOLD), "--no-compare", "--json", str(out)])
    assert code == 0
    assert sorted(seen) == sorted(a.id for a in gold.articles.values())
    report = EvalReport.model_validate_json(out.read_text())
    assert report.claim.recall == 1.0 and report.cluster_pairs is None


def test_eval_command_reports_a_bad_gold_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "gold.jsonl"
    bad.write_text('{"type": "claim"}\n', encoding="utf-8")
    assert main(["eval", "--gold", str(bad), "--claims", str(bad)]) == 2
    assert "not a gold record" in capsys.readouterr().err
