"""Relations between claims, decided by code: numbers and hedges, stance, time, the judge.

The embedder here is a test double that gives every two different texts the same cosine,
chosen by the test (above the link threshold, below the paraphrase one), so clusters and
relations depend on the rules alone, not on a model.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from rich.console import Console

from extractor.compare import compare, load_articles_metadata, render_table
from extractor.compare.clustering import cluster_facts, neighbour_pairs
from extractor.compare.facts import (
    Amount,
    Fact,
    amount_conflict,
    amounts_compatible,
    make_fact,
    quantity_kind,
)
from extractor.compare.judge import parse_judgement
from extractor.compare.rules import decide
from extractor.errors import InputError, PromptError
from extractor.language.quantities import parse_quantities
from extractor.language.stance import detect_stance
from extractor.llm.prompts import render_prompt
from extractor.models import Article, Claim, Comparison, Quantity, Relation, Stance, content_hash

from .layers import forbidden_imports


class FixedSimilarity:
    """Every two different texts have cosine ``similarity``; equal texts have 1."""

    kind = "semantic"

    def __init__(self, similarity: float = 0.75) -> None:
        self.similarity = similarity

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        distinct = list(dict.fromkeys(texts))
        out = np.zeros((len(texts), len(distinct) + 1), dtype=np.float32)
        out[:, 0] = math.sqrt(self.similarity)
        for row, text in enumerate(texts):
            out[row, 1 + distinct.index(text)] = math.sqrt(1.0 - self.similarity)
        return out


def article(source: str, published: date | None = None, key: str | None = None) -> Article:
    return Article(id=key or f"{source}-{published}", source=source, published=published, text="")


def claim(art: Article, quote: str, speaker: str = "author") -> Claim:
    return Claim(article_id=art.id, text=quote, quote=quote, speaker=speaker)


def run(pairs: Sequence[tuple[Article, str]], **kwargs: object) -> list[Relation]:
    arts = {a.id: a for a, _ in pairs}
    claims = [claim(a, q) for a, q in pairs]
    comparison = compare(claims, articles=arts, embedder=FixedSimilarity(), **kwargs)  # type: ignore[arg-type]
    return [c.relation for c in comparison.clusters]


BREITBART = article("Breitbart", date(2024, 11, 22))
BABEL = article("Babel", date(2024, 10, 25))
INDEPENDENT = article("The Independent", date(2024, 10, 23))
NAIROBI = article("Nairobi outlet", date(2025, 4, 28))


# -- numbers and hedges --------------------------------------------------------------------


def fact_amounts(quote: str) -> tuple[Amount, ...]:
    c = Claim(article_id="a", text=quote, quote=quote, quantities=parse_quantities(quote))
    return make_fact(c, source="s", published=None).amounts


@pytest.mark.parametrize(
    ("left", "right", "compatible"),
    [
        ("as many as 10,000 troops", "nearly 10,000 troops", True),
        ("10,000 troops", "12,000 troops", False),
        ("11,000 troops", "12 thousand troops", False),
        ("1,500 troops", "1,500 troops", True),
        ("about 10,000 troops", "11,000 troops", True),  # about = ±10%
        ("up to 10,000 troops", "12,000 troops", False),
        ("at least 10,000 troops", "12,000 troops", True),  # unbounded above
        ("more than 10,000 troops", "9,000 troops", False),
        ("nearly 10,000 troops", "8,000 troops", False),  # nearly = [0.9v, v]
        ("8-13 ships", "15 ships", False),  # a range is no vague plural
    ],
)
def test_hedged_intervals(left: str, right: str, compatible: bool) -> None:
    assert amounts_compatible(fact_amounts(left), fact_amounts(right)) is compatible


def test_a_vague_plural_conflicts_in_a_discrepancy_only_below_where_it_starts() -> None:
    """ "thousands" does not deny 12,000, but does deny 1,000; two vague plurals keep their
    ends ("hundreds" and "thousands" differ); duplicates are judged on the strict spans."""
    (thousands,) = fact_amounts("thousands of troops")
    (hundreds,) = fact_amounts("hundreds of troops")
    (twelve,) = fact_amounts("12,000 troops")
    (one,) = fact_amounts("1,000 troops")
    assert amount_conflict([thousands], [twelve], 3.0, open_vague=True) is None
    assert amount_conflict([thousands], [twelve], 3.0) is not None  # strict, as dedup reads
    assert amount_conflict([thousands], [one], 3.0, open_vague=True) is not None
    assert amount_conflict([hundreds], [thousands], 3.0, open_vague=True) is not None
    (about,) = fact_amounts("about 8-13 ships")
    assert not about.vague and not one.vague and thousands.vague


def test_a_range_or_vague_plural_is_one_count_with_a_number_near_its_nearer_end() -> None:
    """2,000 and 10,000 are five times apart, but "thousands" names up to 9,999."""
    (thousands,) = fact_amounts("thousands of troops")
    (nearly,) = fact_amounts("nearly 10,000 troops")
    (many,) = fact_amounts("as many as 50,000 troops")
    assert thousands.vague and thousands.stated == (2_000, 9_999)
    assert nearly.stated == (10_000, 10_000)  # a hedge bounds what is true, not what is said
    assert thousands.comparable(nearly, 3.0) and nearly.comparable(thousands, 3.0)
    assert not thousands.comparable(many, 3.0)  # 50,000 is five times 9,999
    (ships,) = fact_amounts("8-13 ships")
    assert not ships.vague and ships.comparable(fact_amounts("30 ships")[0], 3.0)


def test_quantity_kinds_fold_synonyms_and_keep_subtypes() -> None:
    for unit in ("troops", "soldiers", "North Korean soldiers", "forces", "servicemen", "men"):
        assert quantity_kind(unit) == "troops"
    assert quantity_kind("special forces") == "troops/special"
    assert quantity_kind("special forces troops") == "troops/special"
    assert quantity_kind("containers") == "container"
    assert quantity_kind("%") == "%"
    assert quantity_kind(None) is None


def test_open_bounds_become_infinite() -> None:
    q = Quantity(raw="at least 10,000 troops", value=10_000, unit="troops", lower=10_000)
    c = Claim(article_id="a", text="t", quote="t", quantities=[q], stance=Stance.asserted)
    (a,) = make_fact(c, source="s", published=None).amounts
    assert a.lower == 10_000 and a.upper == math.inf
    exact = Quantity(raw="12,000 troops", value=12_000, unit="troops")
    c = Claim(article_id="a", text="t", quote="t", quantities=[exact], stance=Stance.asserted)
    (b,) = make_fact(c, source="s", published=None).amounts
    assert (b.lower, b.upper) == (12_000, 12_000)


# -- relations -----------------------------------------------------------------------------


def test_as_many_as_and_nearly_agree() -> None:
    assert run(
        [
            (BREITBART, "Pentagon leaders said as many as 10,000 North Korean soldiers arrived."),
            (INDEPENDENT, "Zelensky said nearly 10,000 soldiers from North Korea arrived."),
        ]
    ) == [Relation.agree]


def test_ten_thousand_and_twelve_thousand_are_a_discrepancy() -> None:
    arts = [BREITBART, BABEL]
    claims = [
        claim(BREITBART, "Pyongyang sent up to 10,000 troops to Russia.", "Pentagon"),
        claim(BABEL, "Pyongyang sent 12,000 troops to Russia.", "NIS"),
    ]
    comparison = compare(claims, articles=arts, embedder=FixedSimilarity())
    (cluster,) = comparison.clusters
    assert cluster.relation is Relation.numeric_discrepancy
    assert cluster.explanation == (
        "NIS (Babel, 2024-10-25): 12,000 troops “Pyongyang sent 12,000 troops to Russia.”; "
        "Pentagon (Breitbart, 2024-11-22): up to 10,000 troops "
        "“Pyongyang sent up to 10,000 troops to Russia.”: bounds do not overlap"
    )


def test_eleven_thousand_and_twelve_thousand_are_a_discrepancy() -> None:
    assert run(
        [
            (NAIROBI, "Western officials estimate 11,000 North Korean troops were deployed."),
            (BABEL, "South Korean intelligence said 12 thousand soldiers will be deployed."),
        ]
    ) == [Relation.numeric_discrepancy]


def test_same_number_in_two_outlets_agrees() -> None:
    arts = [BABEL, INDEPENDENT]
    claims = [
        claim(BABEL, "The DPRK has already sent 1,500 special forces to Russia.", "NIS"),
        claim(INDEPENDENT, "Pyongyang had shipped 1,500 special forces troops to Russia.", "NIS"),
    ]
    (cluster,) = compare(claims, articles=arts, embedder=FixedSimilarity()).clusters
    assert cluster.relation is Relation.agree
    assert cluster.sources == ["The Independent", "Babel"]  # by date
    assert "1,500 special forces" in cluster.explanation


def test_one_outlet_twice_is_single_source() -> None:
    second = article("Breitbart", date(2024, 12, 1))
    assert run(
        [
            (BREITBART, "Pyongyang sent 10,000 troops to Russia."),
            (second, "Pyongyang sent 12,000 troops to Russia."),
        ]
    ) == [Relation.single_source]


@pytest.mark.parametrize(
    ("denier", "asserter"),
    [
        (article("The Independent"), article("Babel")),  # no dates
        (INDEPENDENT, article("Babel", INDEPENDENT.published)),  # the same day
        (NAIROBI, BABEL),  # the denial comes later
    ],
)
def test_denial_and_assertion_contradict(denier: Article, asserter: Article) -> None:
    assert run(
        [
            (denier, "The Kremlin rejected reports of North Korean troops in Kursk as fake news."),
            (asserter, "North Korean troops are fighting in Kursk."),
        ]
    ) == [Relation.contradiction]


def test_not_confirmed_then_confirmed_is_superseded() -> None:
    arts = [BREITBART, NAIROBI]
    claims = [
        claim(NAIROBI, "North Korea has officially confirmed it sent soldiers to Russia."),
        claim(BREITBART, "North Korea has not confirmed formally that it sent soldiers to Russia."),
    ]
    (cluster,) = compare(claims, articles=arts, embedder=FixedSimilarity()).clusters
    assert cluster.relation is Relation.superseded
    assert [m.source for m in cluster.members] == ["Breitbart", "Nairobi outlet"]
    assert "later" in cluster.explanation and "2025-04-28" in cluster.explanation


def test_a_negation_in_another_clause_does_not_deny_the_number() -> None:
    # "didn't move them" is about where the troops are, not whether 10,000 were readied
    arts = [INDEPENDENT, BREITBART]
    claims = [
        claim(
            INDEPENDENT,
            "They are preparing on their land 10,000 soldiers but they didn't move them "
            "already to Ukraine or to Russia.",
            "Volodymyr Zelensky",
        ),
        claim(
            BREITBART, "As many as 10,000 North Korean soldiers were sent to Russia.", "Pentagon"
        ),
    ]
    (cluster,) = compare(claims, articles=arts, embedder=FixedSimilarity()).clusters
    assert cluster.relation is Relation.agree
    assert "10,000 soldiers" in cluster.explanation


def test_a_denial_in_the_clause_of_the_number_still_denies_it() -> None:
    assert run(
        [
            (
                BREITBART,
                "The ministry denied that 10,000 soldiers were sent, but it gave no details.",
            ),
            (INDEPENDENT, "As many as 10,000 soldiers were sent to Russia, the Pentagon said."),
        ]
    ) == [Relation.contradiction]


def test_superseded_only_when_the_later_claim_affirms_the_denied_proposition() -> None:
    def fact(art: Article, quote: str) -> Fact:
        c = claim(art, quote).model_copy(
            update={"quantities": parse_quantities(quote), "stance": detect_stance(quote)}
        )
        return make_fact(c, source=art.source, published=art.published)

    early = fact(
        INDEPENDENT, "North Korea has not confirmed it sent 1,500 special forces to Russia."
    )
    other = fact(BREITBART, "North Korea sent 6,000 workers to Russia, officials said.")
    same = fact(BREITBART, "North Korea sent 1,500 special forces to Russia, officials said.")
    for later, expected in ((other, False), (same, True)):
        decision = decide(
            [early, later], sources=[early.source, later.source], weakest_similarity=0.9, sure=0.65
        )
        assert (decision.relation is Relation.superseded) is expected
        assert decision.relation is not Relation.contradiction


def test_explanations_cite_both_quotes_with_their_sources_and_dates() -> None:
    undated = article("Aardvark News")
    arts = [BABEL, undated]
    claims = [
        claim(BABEL, "The DPRK has already sent 1,500 special forces to Russia.", "NIS"),
        claim(undated, "Pyongyang had shipped 1,500 special forces troops to Russia."),
    ]
    (cluster,) = compare(claims, articles=arts, embedder=FixedSimilarity()).clusters
    assert cluster.relation is Relation.agree
    assert "NIS (Babel, 2024-10-25): “The DPRK has already sent 1,500" in cluster.explanation
    assert "Aardvark News (undated): “Pyongyang had shipped 1,500" in cluster.explanation


def test_without_dates_the_reversal_is_a_contradiction() -> None:
    assert run(
        [
            (article("Breitbart"), "North Korea has not confirmed that it sent soldiers."),
            (article("Nairobi outlet"), "North Korea has officially confirmed it sent soldiers."),
        ]
    ) == [Relation.contradiction]


def test_confirmed_then_denied_is_a_contradiction_not_superseded() -> None:
    assert run(
        [
            (BREITBART, "North Korea has confirmed it sent soldiers to Russia."),
            (NAIROBI, "North Korea denied that it sent soldiers to Russia."),
        ]
    ) == [Relation.contradiction]


def test_unverified_does_not_contradict_an_affirmation() -> None:
    relations = run(
        [
            (INDEPENDENT, "A video purporting to show it says 1,500 special forces arrived."),
            (BABEL, "Officials said 1,500 special forces arrived."),
        ]
    )
    assert relations == [Relation.agree]


def test_members_ordered_by_date_then_source_undated_last() -> None:
    undated = article("Aardvark News")
    arts = [undated, NAIROBI, BABEL, INDEPENDENT]
    claims = [
        claim(a, f"Pyongyang sent 1,500 troops to Russia, {a.source} says.", a.source) for a in arts
    ]
    (cluster,) = compare(claims, articles=arts, embedder=FixedSimilarity()).clusters
    assert [m.source for m in cluster.members] == [
        "The Independent",
        "Babel",
        "Nairobi outlet",
        "Aardvark News",
    ]


def test_claims_with_only_the_required_fields_get_quantities_and_stance() -> None:
    claims = [
        Claim(article_id="x", text="Pyongyang sent 10,000 troops.", quote="It sent 10,000 troops."),
        Claim(article_id="y", text="Pyongyang sent 12,000 troops.", quote="It sent 12,000 troops."),
    ]
    (cluster,) = compare(claims, embedder=FixedSimilarity()).clusters
    assert cluster.relation is Relation.numeric_discrepancy
    assert cluster.sources == ["x", "y"]  # no metadata: the source is the article id
    assert [m.quantities[0].value for m in cluster.members] == [10_000, 12_000]
    assert all(m.stance is Stance.asserted for m in cluster.members)


def test_given_quantities_and_stance_are_kept() -> None:
    q = Quantity(raw="ten thousand", value=10_000, unit="troops", lower=10_000, upper=10_000)
    c = Claim(
        article_id="x",
        text="It sent troops.",
        quote="It sent troops.",
        quantities=[q],
        stance=Stance.reported,
    )
    (cluster,) = compare([c], embedder=FixedSimilarity()).clusters
    assert cluster.members[0].quantities == [q]
    assert cluster.members[0].stance is Stance.reported


def test_clusters_are_ordered_by_relation_and_have_stable_ids() -> None:
    arts = [BREITBART, BABEL]
    claims = [
        claim(BREITBART, "Pyongyang sent 10,000 troops to Russia."),
        claim(BABEL, "Pyongyang sent 12,000 troops to Russia."),
        claim(BABEL, "Oil prices rose by 5 percent."),
        claim(BREITBART, "The Kremlin denied that the Moscow treaty exists."),
        claim(BABEL, "The Moscow treaty exists."),
    ]
    comparison = compare(claims, articles=arts, embedder=FixedSimilarity())
    assert [c.relation for c in comparison.clusters] == [
        Relation.contradiction,
        Relation.numeric_discrepancy,
        Relation.single_source,
    ]
    discrepancy = comparison.clusters[1]
    assert discrepancy.id == content_hash(*sorted(m.claim_id for m in discrepancy.members))
    assert comparison.claims == 5 and comparison.duplicates == 0


# -- the judge -----------------------------------------------------------------------------


class RecordingJudge:
    prompt_version = "compare_claims.v1"
    model = "test-double"

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.calls: list[list[Claim]] = []

    def __call__(self, claims: list[Claim]) -> tuple[Relation, str] | None:
        self.calls.append(claims)
        return parse_judgement(self.answer)


GREY = FixedSimilarity(0.6)  # links plain claims (0.55) but is not sure of them (0.65)


def test_judge_decides_only_what_code_cannot() -> None:
    judge = RecordingJudge("Relation: contradiction\nReason: one says fighting went on.")
    arts = [BABEL, INDEPENDENT]
    numbers = [
        claim(BABEL, "Pyongyang sent 10,000 troops to Russia."),
        claim(INDEPENDENT, "Pyongyang sent 12,000 troops to Russia."),
    ]
    (cluster,) = compare(numbers, articles=arts, embedder=FixedSimilarity(), judge=judge).clusters
    assert cluster.decided_by == "code" and judge.calls == []

    grey = [
        claim(BABEL, "The ceasefire in Kursk held overnight."),
        claim(INDEPENDENT, "Fighting in Kursk stopped overnight."),
    ]
    comparison = compare(grey, articles=arts, embedder=GREY, judge=judge)
    (cluster,) = comparison.clusters
    assert len(judge.calls) == 1 and len(judge.calls[0]) == 2
    assert cluster.relation is Relation.contradiction
    assert cluster.decided_by == "model"
    assert cluster.explanation == "judge: one says fighting went on."
    assert comparison.prompt_version == "compare_claims.v1"
    assert comparison.model == "test-double"


def test_without_a_judge_the_grey_zone_is_agree_marked_unchecked() -> None:
    grey = [
        claim(BABEL, "The ceasefire in Kursk held overnight."),
        claim(INDEPENDENT, "Fighting in Kursk stopped overnight."),
    ]
    (cluster,) = compare(grey, articles=[BABEL, INDEPENDENT], embedder=GREY).clusters
    assert cluster.relation is Relation.agree and cluster.decided_by == "code"
    assert "unchecked" in cluster.explanation


def test_opposite_wording_goes_to_the_judge_even_with_matching_numbers() -> None:
    judge = RecordingJudge("Relation: contradiction\nReason: rose versus fell.")
    claims = [
        claim(BABEL, "Wheat prices rose by 12 percent last month."),
        claim(INDEPENDENT, "Wheat prices fell by 12 percent last month."),
    ]
    comparison = compare(
        claims, articles=[BABEL, INDEPENDENT], embedder=FixedSimilarity(), judge=judge
    )
    assert [c.relation for c in comparison.clusters] == [Relation.contradiction]
    assert comparison.duplicates == 0  # antonyms are never duplicates


def test_an_unparseable_answer_keeps_the_code_decision() -> None:
    judge = RecordingJudge("I think they agree.")
    grey = [
        claim(BABEL, "The ceasefire in Kursk held overnight."),
        claim(INDEPENDENT, "Fighting in Kursk stopped overnight."),
    ]
    (cluster,) = compare(grey, articles=[BABEL, INDEPENDENT], embedder=GREY, judge=judge).clusters
    assert len(judge.calls) == 1
    assert cluster.decided_by == "code" and cluster.relation is Relation.agree


def test_unrelated_splits_the_cluster_by_source() -> None:
    judge = RecordingJudge("Relation: unrelated\nReason: different regions.")
    grey = [
        claim(BABEL, "The ceasefire in Kursk held overnight."),
        claim(INDEPENDENT, "Fighting in Kursk stopped overnight."),
    ]
    comparison = compare(grey, articles=[BABEL, INDEPENDENT], embedder=GREY, judge=judge)
    assert [c.relation for c in comparison.clusters] == [Relation.single_source] * 2
    assert all(c.decided_by == "model" for c in comparison.clusters)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Relation: agree\nReason: same number.", (Relation.agree, "same number.")),
        ("Relation: contradiction\nReason: x", (Relation.contradiction, "x")),
        (
            "  Relation: unrelated  \n Reason: different facts  \n",
            (Relation.single_source, "different facts"),
        ),
        ("relation: AGREE\nreason: ok", (Relation.agree, "ok")),
    ],
)
def test_parse_judgement_accepts_the_two_lines(text: str, expected: tuple[Relation, str]) -> None:
    assert parse_judgement(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "agree",
        "Relation: agree",
        "Relation: agree\nReason:",
        "Relation: agree\nReason:   \n",
        "Relation: agrees\nReason: x",
        "Relation: numeric_discrepancy\nReason: x",
        "Relation: agree, mostly\nReason: x",
        "Reason: x\nRelation: agree",
        "Relation: agree\nReason: x\nConfidence: high",
        "Sure! Relation: agree\nReason: x",
        "Relation: agree\n\nReason: x",
    ],
)
def test_parse_judgement_is_strict(text: str) -> None:
    assert parse_judgement(text) is None


def test_the_prompt_renders_the_claims() -> None:
    text = render_prompt(
        "compare_claims.v1",
        claims=[
            {"source": "Babel", "speaker": "NIS", "text": "12,000 soldiers will be sent."},
            {"source": "Breitbart", "speaker": "Pentagon", "text": "Up to 10,000 arrived."},
        ],
    )
    assert "1. [Babel] NIS: 12,000 soldiers will be sent." in text
    assert "2. [Breitbart] Pentagon: Up to 10,000 arrived." in text
    assert text.endswith("Claims:\n" + "\n".join(text.splitlines()[-3:-1]) + "\nRelation:")
    assert text.count("Relation:") == 4  # three worked examples, then the question
    with pytest.raises(PromptError):
        render_prompt("compare_claims.v1")


# -- metadata and the table ----------------------------------------------------------------


def test_load_articles_metadata(tmp_path: Path) -> None:
    path = tmp_path / "articles.jsonl"
    rows = [
        {"id": "a1", "source": "Babel", "published": "2024-10-25"},
        {"id": "a2", "source": "Breitbart", "title": "T", "url": "https://x.example"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    meta = load_articles_metadata(path)
    assert meta["a1"].source == "Babel" and meta["a1"].published == date(2024, 10, 25)
    assert meta["a2"].published is None and meta["a2"].title == "T"
    claims = [
        Claim(article_id="a1", text="It sent 12,000 troops.", quote="It sent 12,000 troops."),
        Claim(article_id="a2", text="It sent 10,000 troops.", quote="It sent 10,000 troops."),
    ]
    (cluster,) = compare(claims, articles=meta, embedder=FixedSimilarity()).clusters
    assert cluster.sources == ["Babel", "Breitbart"]

    path.write_text('{"id": "a1", "source": "Babel", "colour": "red"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=":1:"):
        load_articles_metadata(path)
    path.write_text("not json\n", encoding="utf-8")
    with pytest.raises(InputError):
        load_articles_metadata(path)


def test_render_table_shows_members_side_by_side() -> None:
    claims = [
        claim(BREITBART, "Pyongyang sent up to 10,000 troops to Russia.", "Pentagon"),
        claim(BABEL, "Pyongyang sent 12,000 troops to Russia.", "NIS"),
    ]
    comparison = compare(claims, articles=[BREITBART, BABEL], embedder=FixedSimilarity())
    console = Console(width=200, record=True)
    console.print(render_table(comparison))
    out = console.export_text()
    for expected in (
        "numeric_discrepancy",
        "Babel",
        "Breitbart",
        "2024-10-25",
        "NIS",
        "Pentagon",
        "up to 10,000 troops",
        "12,000 troops",
    ):
        assert expected in out
    assert "(unchecked)" not in out
    loose = comparison.clusters[0].model_copy(update={"relation": Relation.agree, "checked": False})
    console = Console(width=200, record=True)
    console.print(render_table(Comparison(clusters=[loose])))
    assert "agree (unchecked)" in console.export_text()


# -- blocking and clustering ---------------------------------------------------------------


def _unit_rows(rows: NDArray[np.float64]) -> NDArray[np.float32]:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_small_inputs_get_exact_nearest_neighbours() -> None:
    vectors = _unit_rows(np.random.default_rng(1).standard_normal((60, 8)))
    pairs = neighbour_pairs(vectors, k=3, floor=-1.0, cell_size=64)
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    expected = set()
    for i, row in enumerate(sims):
        for j in np.argsort(-row)[:3]:
            expected.add((min(i, int(j)), max(i, int(j))))
    assert set(zip(pairs.left.tolist(), pairs.right.tolist(), strict=True)) == expected
    assert np.all(np.diff(pairs.similarity) <= 0)  # strongest first


def test_blocking_finds_near_neighbours_without_all_pairs() -> None:
    rng = np.random.default_rng(2)
    centres = rng.standard_normal((150, 32))
    labels = np.repeat(np.arange(150), 8)
    vectors = _unit_rows(centres[labels] + 0.15 * rng.standard_normal((1200, 32)))
    pairs = neighbour_pairs(vectors, k=10, floor=0.5, cell_size=64, probes=2)
    found = {
        (i, j)
        for i, j in zip(pairs.left.tolist(), pairs.right.tolist(), strict=True)
        if labels[i] == labels[j]
    }
    true_pairs = 150 * 8 * 7 // 2
    assert len(found) / true_pairs > 0.95
    assert len(pairs) < 1200 * 10  # at most k per claim, not n^2


def test_complete_linkage_stops_chains() -> None:
    # A~B and B~C are similar, A and C are not: A and C never share a cluster
    vectors = _unit_rows(np.array([[1.0, 0.0], [0.8, 0.6], [0.28, 0.96]]))
    texts = ["Kursk A.", "Kursk B.", "Kursk C."]
    facts = [
        make_fact(
            Claim(article_id=str(i), text=t, quote=t, stance=Stance.asserted),
            source=str(i),
            published=None,
        )
        for i, t in enumerate(texts)
    ]
    pairs = neighbour_pairs(vectors, k=2, floor=0.0)
    groups = cluster_facts(facts, vectors, pairs, link=0.7, plain_link=0.7, margin=0.1)
    assert groups == [[0, 1], [2]]


def test_claims_with_and_without_counts_link_only_through_a_rare_name() -> None:
    """ "Sent troops to Kursk" states the fact of "sent 10,000 troops to Kursk" when Kursk
    ties them; when every claim names Kursk, it does not tie these two."""
    pair = [
        claim(BABEL, "Pyongyang sent 10,000 troops to Kursk."),
        claim(BREITBART, "Pyongyang sent troops to Kursk."),
    ]
    comparison = compare(pair, articles=[BABEL, BREITBART], embedder=FixedSimilarity(0.95))
    assert [c.relation for c in comparison.clusters] == [Relation.agree]
    others = [
        claim(INDEPENDENT, "Drones struck a depot near Kursk."),
        claim(NAIROBI, "Kursk officials counted 300 drones."),
    ]
    arts = [BABEL, BREITBART, INDEPENDENT, NAIROBI]
    comparison = compare(pair + others, articles=arts, embedder=FixedSimilarity(0.95))
    counted = next(c for c in comparison.clusters if any("10,000" in m.quote for m in c.members))
    assert pair[1].quote not in {m.quote for m in counted.members}


# -- propositions, referents and in-text time ------------------------------------------------


def counted(art: Article, quote: str, referent: str | None) -> Claim:
    quantities = [q.model_copy(update={"referent": referent}) for q in parse_quantities(quote)]
    return claim(art, quote).model_copy(update={"quantities": quantities})


def test_referents_that_share_a_word_support_a_link_that_similarity_alone_would_not() -> None:
    sent = "North Korea sent 10,000 troops to Russia, officials said."
    deployed = "Officials said 12,000 soldiers were deployed in Russia."
    arts = [BABEL, BREITBART]
    for referents, expected in (
        ((None, None), [Relation.single_source] * 2),
        (("troops sent to Russia", "soldiers deployed in Russia"), [Relation.numeric_discrepancy]),
        (("troops sent to Russia", "soldiers killed"), [Relation.single_source] * 2),
    ):
        claims = [counted(BABEL, sent, referents[0]), counted(BREITBART, deployed, referents[1])]
        comparison = compare(claims, articles=arts, embedder=FixedSimilarity(0.45))
        assert [c.relation for c in comparison.clusters] == expected


def test_two_incidents_on_different_days_are_not_one_fact() -> None:
    assert (
        run(
            [
                (BABEL, "The navy captured 23 pirates in the Gulf of Aden on Saturday."),
                (BREITBART, "The navy captured 26 pirates in the Gulf of Aden on Thursday."),
            ]
        )
        == [Relation.single_source] * 2
    )
    assert run(
        [
            (BABEL, "The navy captured 23 pirates in the Gulf of Aden on Saturday."),
            (BREITBART, "The navy captured 26 pirates in the Gulf of Aden."),
        ]
    ) == [Relation.numeric_discrepancy]


def test_the_restatement_is_not_what_is_embedded() -> None:
    seen: list[str] = []

    class Recording(FixedSimilarity):
        def encode(self, texts: list[str]) -> NDArray[np.float32]:
            seen.extend(texts)
            return super().encode(texts)

    quote = "NAIROBI, Kenya — North Korea has officially confirmed it sent soldiers to Russia."
    claims = [
        Claim(article_id=BABEL.id, text="A restatement.", quote=quote),
        Claim(
            article_id=BREITBART.id,
            text="Another restatement.",
            quote="Officials said Pyongyang sent soldiers.",
            proposition="Pyongyang sent soldiers.",
        ),
    ]
    compare(claims, articles=[BABEL, BREITBART], embedder=Recording())
    assert seen == [
        "North Korea has officially confirmed it sent soldiers to Russia.",
        "Pyongyang sent soldiers.",
    ]


# -- the stage's layering ---------------------------------------------------------------------

#: what the comparison stage must never import (see extractor/compare/__init__.py)
FORBIDDEN = {"run", "store", "jobs", "cli", "distributed", "pipeline", "report", "export"}


def test_the_comparison_stage_imports_no_later_layer() -> None:
    package = Path(__file__).resolve().parent.parent / "extractor" / "compare"
    found = forbidden_imports("compare", FORBIDDEN)
    assert len(list(package.glob("*.py"))) >= 10
    assert found == []


def test_the_day_a_report_was_made_does_not_date_the_event() -> None:
    assert run(
        [
            (BABEL, "The Pentagon said on Monday that 10,000 troops were sent to Russia."),
            (
                BREITBART,
                "Seoul's spy agency told lawmakers Wednesday 12,000 troops went to Russia.",
            ),
        ]
    ) == [Relation.numeric_discrepancy]


def test_entities_of_the_quote_count_when_the_proposition_leaves_them_out() -> None:
    claims = [
        Claim(
            article_id=a.id,
            text="x",
            quote=f"Officials in Norland confirmed that the {who} left the capital.",
            proposition=f"The {who} left the capital.",
        )
        for a, who in ((BABEL, "delegation"), (BREITBART, "envoys"))
    ]
    (cluster,) = compare(claims, articles=[BABEL, BREITBART], embedder=FixedSimilarity()).clusters
    assert cluster.relation is Relation.agree and len(cluster.sources) == 2


def test_a_negation_is_read_in_the_clause_of_the_numbers_after_while_not_across_a_list() -> None:
    def negated(quote: str) -> bool:
        c = Claim(article_id="a", text=quote, quote=quote, quantities=parse_quantities(quote))
        return make_fact(c, source="s", published=None).negated

    assert not negated("Pentland sent 10,000 soldiers, while Tessel did not confirm it.")
    assert negated("Officials said 10,000 soldiers, tanks, and shells were not sent.")


def test_a_duplicates_number_is_its_own_outlets_against_a_later_report() -> None:
    """Wire copy: Wire B ran Wire A's 10,000 word for word (a duplicate of it); Wire A then
    says 12,000. Wire B's 10,000 and Wire A's 12,000 are two outlets' numbers."""
    from extractor.compare.embeddings import HashingEmbedder

    first = "Officials said 10,000 soldiers were sent to Norland by Pentland."
    later = "Intelligence officials said 12,000 soldiers were sent to Norland by Pentland."
    items = [("Wire A", 1, first), ("Wire B", 2, first), ("Wire A", 3, later)]
    articles = [
        Article.from_text(text, source=outlet, published=date(2024, 11, day))
        for outlet, day, text in items
    ]
    claims = [Claim(article_id=a.id, text=a.text, quote=a.text) for a in articles]
    result = compare(claims, articles=articles, embedder=HashingEmbedder())
    [cluster] = result.clusters
    assert [len(m.duplicates) for m in cluster.members] == [1, 0]
    assert cluster.relation is Relation.numeric_discrepancy
    assert "Wire B" in cluster.explanation and "12,000" in cluster.explanation
