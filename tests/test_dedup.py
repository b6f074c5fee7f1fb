"""Duplicates: exact, near (MinHash LSH + rapidfuzz), paraphrase (real MiniLM), provenance."""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from extractor.compare import compare
from extractor.compare.clustering import neighbour_pairs
from extractor.compare.dedup import DuplicateGroup, deduplicate, normalise_text
from extractor.compare.embeddings import HashingEmbedder, MiniLMEmbedder
from extractor.compare.facts import Fact, make_fact
from extractor.language.quantities import parse_quantities
from extractor.language.stance import detect_stance
from extractor.models import Article, Claim, Relation

BABEL = Article(id="babel-1", source="Babel", published=date(2024, 10, 25), text="")
BREITBART = Article(id="breitbart-1", source="Breitbart", published=date(2024, 11, 22), text="")
INDEPENDENT = Article(id="indy-1", source="The Independent", published=date(2024, 10, 23), text="")
SOURCES = {a.id: a for a in (BABEL, BREITBART, INDEPENDENT)}


@pytest.fixture(scope="module")
def minilm() -> MiniLMEmbedder:
    return MiniLMEmbedder()


def fact(article: Article, text: str, speaker: str = "author", quote: str | None = None) -> Fact:
    quote = quote or text
    c = Claim(
        article_id=article.id,
        text=text,
        quote=quote,
        speaker=speaker,
        quantities=parse_quantities(quote),
        stance=detect_stance(quote),
    )
    return make_fact(c, source=article.source, published=article.published)


def dedup(facts: Sequence[Fact], embedder: object | None = None) -> list[DuplicateGroup]:
    if embedder is None:
        return deduplicate(facts)
    vectors = embedder.encode([f.claim.text for f in facts])  # type: ignore[attr-defined]
    return deduplicate(facts, pairs=neighbour_pairs(vectors))


def sizes(groups: Sequence[DuplicateGroup]) -> list[int]:
    return [1 + len(g.duplicates) for g in groups]


def test_normalise_text_folds_case_punctuation_spaces_and_digit_separators() -> None:
    assert normalise_text("  Pyongyang SENT 10,000 troops — to Russia!! ") == (
        "pyongyang sent 10000 troops to russia"
    )
    assert normalise_text("10 000") == normalise_text("10,000") == "10000"


def test_exact_duplicates_across_articles_keep_provenance() -> None:
    # the quote is the key: the restatements differ, the quotes are the same words
    facts = [
        fact(BREITBART, "Troops went to Russia.", quote="Pyongyang sent 10,000 troops to Russia."),
        fact(BABEL, "Pyongyang sent troops.", quote="pyongyang sent 10,000 troops to Russia"),
        fact(BABEL, "The Kremlin denied it."),
    ]
    groups = dedup(facts)
    assert sizes(groups) == [2, 1]
    group = groups[0]
    assert group.kept.source == "Babel"  # the earliest report is kept
    (duplicate,) = group.duplicates
    assert duplicate.how == "exact" and duplicate.score == 100.0
    assert duplicate.article_id == "breitbart-1"
    assert duplicate.quote == "Pyongyang sent 10,000 troops to Russia."
    assert group.sources == ["Babel", "Breitbart"]
    assert group.indices == (1, 0)


def test_one_restatement_of_two_different_quotes_is_not_a_duplicate() -> None:
    facts = [
        fact(BABEL, "North Korea sent troops.", quote="North Korea sent soldiers to Kursk."),
        fact(BREITBART, "North Korea sent troops.", quote="North Korea sent workers to Moscow."),
    ]
    assert sizes(dedup(facts)) == [1, 1]


def test_the_proposition_is_the_key_when_the_language_layer_gave_one() -> None:
    said = "Officials said on Friday that North Korea has sent 1,500 special forces to Russia."
    wrote = "North Korea has sent 1,500 special forces to Russia, Babel reported."
    facts = [
        make_fact(
            Claim(article_id=a.id, text="x", quote=q, proposition=p, stance=detect_stance(q)),
            source=a.source,
            published=a.published,
        )
        for a, q, p in (
            (BABEL, said, "North Korea has sent 1,500 special forces to Russia."),
            (BREITBART, wrote, "North Korea has sent 1,500 special forces to Russia."),
        )
    ]
    assert facts[0].key == facts[1].key == "North Korea has sent 1,500 special forces to Russia."
    assert sizes(dedup(facts)) == [2]


def test_near_duplicates_are_found_lexically() -> None:
    facts = [
        fact(
            BABEL, "North Korea has sent 1,500 special forces to Russia, officials said on Friday."
        ),
        fact(
            BREITBART, "North Korea has sent 1,500 special forces to Russia, officials said Friday."
        ),
        fact(INDEPENDENT, "Oil prices rose by five percent in October."),
    ]
    groups = dedup(facts)
    assert sizes(groups) == [2, 1]
    assert groups[0].duplicates[0].how == "near"
    assert groups[0].duplicates[0].score >= 90


def test_paraphrases_are_found_with_minilm(minilm: MiniLMEmbedder) -> None:
    facts = [
        fact(BABEL, "North Korea has sent 10,000 troops to Russia."),
        fact(BREITBART, "10,000 North Korean troops have been sent to Russia."),
        fact(INDEPENDENT, "The Kremlin rejected the reports as fake news."),
    ]
    assert sizes(dedup(facts)) == [1, 1, 1]  # not lexically close
    groups = dedup(facts, minilm)
    assert sizes(groups) == [2, 1]
    assert groups[0].duplicates[0].how == "paraphrase"
    assert groups[0].duplicates[0].score >= 88


def test_different_numbers_are_a_discrepancy_not_duplicates(minilm: MiniLMEmbedder) -> None:
    facts = [
        fact(BABEL, "North Korea has sent 10,000 troops to Russia."),
        fact(BREITBART, "North Korea has sent 12,000 troops to Russia."),
    ]
    assert sizes(dedup(facts, minilm)) == [1, 1]
    claims = [f.claim for f in facts]
    comparison = compare(claims, articles=SOURCES, embedder=minilm)
    assert comparison.duplicates == 0
    assert [c.relation for c in comparison.clusters] == [Relation.numeric_discrepancy]


def test_hedges_that_overlap_may_be_duplicates() -> None:
    facts = [
        fact(BABEL, "North Korea has sent nearly 10,000 troops to Russia."),
        fact(BABEL, "North Korea has sent nearly 10,000 troops to Russia!"),
    ]
    assert sizes(dedup(facts)) == [2]


def test_negation_stance_and_speaker_must_match(minilm: MiniLMEmbedder) -> None:
    facts = [
        fact(BABEL, "North Korea has confirmed it sent troops to Russia."),
        fact(BREITBART, "North Korea has not confirmed it sent troops to Russia."),
        fact(BREITBART, "North Korea denied it sent troops to Russia."),
        fact(INDEPENDENT, "North Korea has confirmed it sent troops to Russia.", speaker="NIS"),
    ]
    assert sizes(dedup(facts, minilm)) == [1, 1, 1, 1]


def test_chains_cannot_join_incompatible_numbers() -> None:
    facts = [
        fact(BABEL, "Pyongyang sent 10,000 troops to Russia."),
        fact(BREITBART, "Pyongyang sent about 10,500 troops to Russia."),
        fact(INDEPENDENT, "Pyongyang sent 11,000 troops to Russia."),
    ]
    groups = dedup(facts, HashingEmbedder())
    together = [{f.claim.text for f in (g.kept, *(d.fact for d in g.duplicates))} for g in groups]
    assert not any(
        "Pyongyang sent 10,000 troops to Russia." in t
        and "Pyongyang sent 11,000 troops to Russia." in t
        for t in together
    )


def test_compare_reports_duplicates_with_their_outlets(minilm: MiniLMEmbedder) -> None:
    claims = [
        Claim(
            article_id="babel-1",
            text="North Korea has sent 1,500 special forces to Russia.",
            quote="North Korea has sent 1,500 special forces to Russia.",
            speaker="NIS",
        ),
        Claim(
            article_id="breitbart-1",
            text="North Korea has sent 1,500 special forces to Russia.",
            quote="North Korea has sent 1,500 special forces to Russia.",
            speaker="NIS",
        ),
        Claim(
            article_id="babel-1",
            text="North Korea has sent 1,500 special forces to Russia!",
            quote="North Korea has sent 1,500 special forces to Russia!",
            speaker="NIS",
        ),
    ]
    comparison = compare(claims, articles=SOURCES, embedder=minilm)
    assert comparison.claims == 1 and comparison.duplicates == 2
    (cluster,) = comparison.clusters
    (member,) = cluster.members
    assert member.source == "Babel"
    assert sorted([member.claim_id, *member.duplicates]) == sorted(c.id for c in claims)
    assert cluster.sources == ["Babel", "Breitbart"]
    # the duplicate's outlet counts: two outlets report it, so it is not single-source
    assert cluster.relation is Relation.agree


def test_every_claim_lands_in_exactly_one_group(minilm: MiniLMEmbedder) -> None:
    texts = [
        "North Korea has sent 10,000 troops to Russia.",
        "10,000 North Korean troops have been sent to Russia.",
        "North Korea has sent 10,000 troops to Russia.",
        "North Korea has sent 12,000 troops to Russia.",
        "The Kremlin rejected the reports as fake news.",
    ]
    facts = [
        fact(a, t)
        for a, t in zip([BABEL, BREITBART, INDEPENDENT, BABEL, BABEL], texts, strict=True)
    ]
    groups = dedup(facts, minilm)
    seen = sorted(i for g in groups for i in g.indices)
    assert seen == list(range(len(facts)))
    assert np.isclose(sum(sizes(groups)), len(facts))


def test_one_sentence_syndicated_by_a_thousand_outlets_is_not_a_million_checks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from extractor.compare import dedup as dedup_module
    from extractor.compare import rules

    counts = {"compatible": 0, "conflict": 0}
    compatible, conflict = dedup_module._compatible, rules.amount_conflict

    def counted_compatible(a: Fact, b: Fact) -> bool:
        counts["compatible"] += 1
        return compatible(a, b)

    def counted_conflict(*args: Any, **kwargs: Any) -> Any:
        counts["conflict"] += 1
        return conflict(*args, **kwargs)

    monkeypatch.setattr(dedup_module, "_compatible", counted_compatible)
    monkeypatch.setattr(rules, "amount_conflict", counted_conflict)
    outlets = [Article(id=f"outlet-{n}", source=f"Outlet {n}", text="") for n in range(1000)]
    wire = "North Korea has sent 10,000 troops to Russia, officials said."
    claims = [Claim(article_id=a.id, text=wire, quote=wire, speaker="author") for a in outlets]
    other = "North Korea has sent 12,000 troops to Russia, officials said."
    agency = [Article(id=f"agency-{n}", source=f"Agency {n}", text="") for n in range(2)]
    claims += [Claim(article_id=a.id, text=other, quote=other, speaker="author") for a in agency]
    comparison = compare(claims, articles=outlets + agency, embedder=HashingEmbedder())
    assert comparison.claims == 2 and comparison.duplicates == 1000
    (cluster,) = comparison.clusters
    assert cluster.relation is Relation.numeric_discrepancy
    assert len(cluster.sources) == 1002
    # before: every claim joining the group was checked against all its members (~5 * 10^5)
    assert counts["compatible"] < 5_000
    assert counts["conflict"] < 100


def test_opposite_wording_is_linear_in_the_number_of_texts() -> None:
    from extractor.compare.rules import opposite_wording

    texts = [f"Wheat prices rose in region {n} last month." for n in range(20_000)]
    started = time.perf_counter()
    assert not opposite_wording(texts)
    assert opposite_wording([*texts, "Wheat prices fell last month."])
    # all pairs would be 2 * 10^8 set comparisons: minutes, not this
    assert time.perf_counter() - started < 5.0


def test_minilm_is_loaded_once_per_process_across_instances_and_threads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from extractor.compare import embeddings

    loads: list[int] = []

    class Model:
        def encode(self, texts: list[str], **_: Any) -> NDArray[np.float32]:
            return np.ones((len(texts), 384), dtype=np.float32)

    def load() -> Model:
        loads.append(1)
        time.sleep(0.05)  # a slow load: threads arriving meanwhile must wait for it
        return Model()

    monkeypatch.setattr(embeddings, "_load_minilm", load)
    monkeypatch.setattr(embeddings, "_MINILM", [])
    monkeypatch.setattr(embeddings, "semantic_available", lambda: True)
    with ThreadPoolExecutor(max_workers=8) as pool:
        rows = list(pool.map(lambda _: embeddings.default_embedder().encode(["x"]), range(16)))
    assert MiniLMEmbedder().encode(["a", "b"]).shape == (2, 384)
    assert len(loads) == 1
    assert all(np.isclose(np.linalg.norm(r), 1.0) for r in rows)


def test_minhash_buckets_pair_near_copies_and_leave_unrelated_texts_apart() -> None:
    from extractor.compare.dedup import _bands, _near_candidates

    base = "the ministry said ten thousand soldiers were sent to the northern border region"
    texts = [
        base,
        base.replace("northern", "eastern"),  # one word of fourteen changed
        "harbour workers went on strike over pay and closed the container port for a day",
        base,  # an exact copy is a candidate too
    ]
    pairs = list(_near_candidates(texts, num_perm=64, threshold=0.5, seed=0))
    assert (0, 1) in pairs and (0, 3) in pairs and (1, 3) in pairs
    assert not any(2 in pair for pair in pairs)
    assert pairs == sorted(pairs) and all(i < j for i, j in pairs)
    assert list(_near_candidates(texts, num_perm=64, threshold=0.5, seed=0)) == pairs  # seeded
    assert _bands(64, 0.5) == (16, 4)  # the S-curve's midpoint (1/16) ** (1/4) is 0.5


def test_deduplicate_in_steps_numbers_claims_by_their_groups() -> None:
    """compare_facts runs deduplicate's steps apart: the same groups, and each claim's
    group number is its group's position in that list."""
    from extractor.compare.dedup import (
        group_numbers,
        merge_lexical,
        merge_paraphrases,
        merged_groups,
    )

    texts = [
        "North Korea has sent 10,000 troops to Russia.",
        "Kim Jong Un met Vladimir Putin in Vladivostok.",
        "North Korea has sent 10,000 troops to Russia.",
        "North Korea has sent about 10,000 troops to Russia, officials said.",
        "Kim Jong Un met Vladimir Putin in Vladivostok.",
    ]
    facts = [
        fact(article, text) for article, text in zip([BABEL, BREITBART] * 3, texts, strict=False)
    ]
    vectors = HashingEmbedder().encode([f.key for f in facts])
    pairs = neighbour_pairs(vectors)
    merger = merge_lexical(facts, 90.0, 64, 0.5, 0)
    merge_paraphrases(merger, pairs, 0.9)
    numbers = group_numbers(merger).tolist()
    groups = merged_groups(merger)
    assert [g.indices for g in groups] == [
        g.indices for g in deduplicate(facts, pairs=pairs, paraphrase=0.9)
    ]
    assert len(groups) < len(facts)
    for number, group in enumerate(groups):
        assert all(numbers[i] == number for i in group.indices)


@pytest.mark.parametrize(
    "other",
    [
        "50,000 people were killed in the quake in Norland, officials said.",
        "Hundreds of people were killed in the quake in Norland, officials said.",
    ],
)
def test_a_vague_plural_and_another_number_are_not_one_claim(other: str) -> None:
    """ "thousands" does not deny 12,000 in a discrepancy, but as duplicates the wording's
    own ends count: "thousands" is not 50,000, nor "hundreds"."""
    vague = "Thousands of people were killed in the quake in Norland, officials said."
    articles = [Article(id="a", source="A", text=""), Article(id="b", source="B", text="")]
    claims = [
        Claim(article_id="a", text=vague, quote=vague, speaker="author"),
        Claim(article_id="b", text=other, quote=other, speaker="author"),
    ]
    comparison = compare(claims, articles=articles, embedder=HashingEmbedder())
    assert comparison.duplicates == 0
    assert Relation.agree not in [c.relation for c in comparison.clusters]
