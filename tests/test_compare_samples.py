"""The cross-source comparison on claims built from the samples' own sentences.

Each claim's quote is a whole sentence located in the article text (so the test does not
depend on the small model's recall); its text is the same sentence, its speaker the
attributed speaker. Nothing else is filled in: ``compare`` parses quantities and stance.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from extractor.cli import main
from extractor.compare import compare
from extractor.compare.embeddings import MiniLMEmbedder
from extractor.models import Article, ArticleResult, Claim, Cluster, Comparison, Relation

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _read_sample(path: Path) -> Article:
    """A sample with its ``---`` front matter (``source``, ``published``) parsed."""
    _, head, body = path.read_text(encoding="utf-8").split("---\n", 2)
    meta = dict(line.split(": ", 1) for line in head.strip().splitlines())
    return Article.from_text(
        body.strip(), source=meta["source"], published=date.fromisoformat(meta["published"])
    )


def _sentence(article: Article, phrase: str) -> tuple[str, int, int]:
    """The sentence of ``article`` that contains ``phrase``, with its offsets."""
    at = article.text.index(phrase)
    starts = [m.end() for m in re.finditer(r"[.!?”\"]\s+|\n+", article.text[:at])]
    start = starts[-1] if starts else 0
    end_match = re.search(r"[.!?](?=[”\"]?(?:\s|$))", article.text[at + len(phrase) :])
    end = at + len(phrase) + (end_match.end() if end_match else 0)
    if end < len(article.text) and article.text[end] in '”"':
        end += 1
    return article.text[start:end].strip(), start, end


#: (sample number, phrase that locates the sentence, speaker)
CLAIMS = [
    ("000", "as many as 10,000 North Korean soldiers", "Pentagon leaders"),
    ("000", "as many as 10,000 troops to Russia", "author"),
    ("000", "has not confirmed formally any involvement", "author"),
    ("001", "12 thousand soldiers will be sent", "South Korean intelligence"),
    ("001", "1,500 special forces to Russia", "National Intelligence Service of South Korea"),
    ("001", "send a thousand of its troops", "The Wall Street Journal"),
    ("002", "More than 3,000 men were killed", "Volodymyr Zelensky"),
    ("002", "1.5 million artillery shells", "author"),
    ("003", "nearly 10,000 soldiers from North Korea", "Volodymyr Zelensky"),
    ("003", "1,500 special forces troops", "South Korea's National Intelligence Service"),
    ("003", "repeatedly rejected reports of North Korean soldiers", "The Kremlin"),
    ("003", "about 3,000 North Koreans", "Sources on the Ukrainian side"),
    ("003", "about 7,000 containers", "South Korea"),
    ("004", "11,000 deployed North Korean troops", "Western officials"),
    ("004", "has officially confirmed it sent soldiers", "author"),
    ("004", "even praised their “heroism”", "Valery Gerasimov"),
]


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    return {path.name[:3]: _read_sample(path) for path in sorted(SAMPLES.glob("*.txt"))}


@pytest.fixture(scope="module")
def claims(articles: dict[str, Article]) -> list[Claim]:
    built = []
    for number, phrase, speaker in CLAIMS:
        article = articles[number]
        sentence, start, end = _sentence(article, phrase)
        assert article.text[start:end].strip() == sentence
        built.append(Claim(article_id=article.id, text=sentence, quote=sentence, speaker=speaker))
    return built


@pytest.fixture(scope="module")
def embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder()


@pytest.fixture(scope="module")
def comparison(
    claims: list[Claim], articles: dict[str, Article], embedder: MiniLMEmbedder
) -> Comparison:
    return compare(claims, articles=articles.values(), embedder=embedder)


def _containing(comparison: Comparison, *phrases: str) -> Cluster:
    """The one cluster whose members' quotes contain every phrase."""
    found = [
        c for c in comparison.clusters if all(any(p in m.quote for m in c.members) for p in phrases)
    ]
    assert len(found) == 1, f"{phrases} are in {len(found)} clusters"
    return found[0]


def test_the_sentences_are_found(claims: list[Claim]) -> None:
    assert len(claims) == len(CLAIMS)
    assert all(c.quote.endswith((".", "”", '"')) for c in claims)


def test_deployment_size_is_a_numeric_discrepancy(comparison: Comparison) -> None:
    cluster = _containing(
        comparison,
        "12 thousand soldiers",
        "as many as 10,000 North Korean soldiers",
        "nearly 10,000 soldiers",
        "11,000 deployed North Korean troops",
    )
    assert cluster.relation is Relation.numeric_discrepancy
    assert {"Babel", "Breitbart", "The Independent", "Nairobi-datelined outlet"} <= set(
        cluster.sources
    )
    assert "bounds do not overlap" in cluster.explanation
    # claims about other counts stay out of it
    quotes = " ".join(m.quote for m in cluster.members)
    for other in ("1,500 special forces", "3,000", "a thousand of its troops", "shells"):
        assert other not in quotes


def test_special_forces_agree_across_two_outlets(comparison: Comparison) -> None:
    cluster = _containing(
        comparison, "1,500 special forces to Russia", "1,500 special forces troops"
    )
    assert cluster.relation is Relation.agree
    assert sorted(cluster.sources) == ["Babel", "The Independent"]
    assert len(cluster.members) == 2
    assert "1,500" in cluster.explanation


def test_not_confirmed_then_confirmed_is_superseded(comparison: Comparison) -> None:
    cluster = _containing(comparison, "has not confirmed formally", "has officially confirmed")
    assert cluster.relation is Relation.superseded
    assert [m.source for m in cluster.members] == ["Breitbart", "Nairobi-datelined outlet"]
    assert [m.published for m in cluster.members] == [date(2024, 11, 22), date(2025, 4, 28)]
    assert "reverses" in cluster.explanation


def test_without_dates_the_reversal_is_a_contradiction(
    claims: list[Claim], articles: dict[str, Article], embedder: MiniLMEmbedder
) -> None:
    undated = [a.model_copy(update={"published": None}) for a in articles.values()]
    comparison = compare(claims, articles=undated, embedder=embedder)
    cluster = _containing(comparison, "has not confirmed formally", "has officially confirmed")
    assert cluster.relation is Relation.contradiction


def test_kremlin_denial_and_gerasimov_praise(comparison: Comparison) -> None:
    """Reported, not wished for: the two sentences share no words or meaning that code can
    see ("rejected reports of North Korean soldiers" / "praised their heroism", cosine
    about 0.16), so they are not clustered and neither is pulled into another fact."""
    kremlin = _containing(comparison, "fake news")
    gerasimov = _containing(comparison, "heroism")
    assert kremlin.id != gerasimov.id
    assert kremlin.relation is Relation.single_source
    assert gerasimov.relation is Relation.single_source


def test_the_output_is_deterministic(
    claims: list[Claim], articles: dict[str, Article], embedder: MiniLMEmbedder
) -> None:
    again = compare(list(reversed(claims)), articles=articles, embedder=embedder)
    first = compare(claims, articles=articles, embedder=embedder)
    assert again.model_dump() == first.model_dump()


def test_compare_command_reads_minimal_claims_and_a_metadata_side_file(
    claims: list[Claim], articles: dict[str, Article], tmp_path: Path
) -> None:
    """Claims another tool wrote (only article_id, text, quote, speaker) and a side file of
    articles' metadata (no text): the command writes a Comparison and exits 0."""
    claims_path = tmp_path / "claims.jsonl"
    claims_path.write_text(
        "".join(
            json.dumps({k: c.model_dump()[k] for k in ("article_id", "text", "quote", "speaker")})
            + "\n"
            for c in claims
        )
    )
    meta_path = tmp_path / "articles.jsonl"
    meta_path.write_text(
        "".join(
            json.dumps({"id": a.id, "source": a.source, "published": str(a.published)}) + "\n"
            for a in articles.values()
        )
    )
    out = tmp_path / "comparison.json"
    code = main(
        ["compare", str(claims_path), "--articles", str(meta_path), "-o", str(out), "--no-judge"]
    )
    assert code == 0
    comparison = Comparison.model_validate_json(out.read_text())
    relations = {c.relation for c in comparison.clusters}
    assert {Relation.numeric_discrepancy, Relation.agree, Relation.superseded} <= relations
    cluster = _containing(comparison, "has not confirmed formally", "has officially confirmed")
    assert cluster.sources == ["Breitbart", "Nairobi-datelined outlet"]


def test_compare_command_takes_extract_results_and_rejects_garbage(
    claims: list[Claim], articles: dict[str, Article], tmp_path: Path
) -> None:
    by_article: dict[str, list[Claim]] = {}
    for claim in claims:
        by_article.setdefault(claim.article_id, []).append(claim)
    results = tmp_path / "results.jsonl"
    results.write_text(
        "".join(
            ArticleResult(article=a, claims=by_article.get(a.id, [])).model_dump_json() + "\n"
            for a in articles.values()
        )
    )
    out = tmp_path / "comparison.json"
    assert main(["compare", str(results), "-o", str(out), "--no-judge", "--no-table"]) == 0
    comparison = Comparison.model_validate_json(out.read_text())
    assert "Babel" in {s for c in comparison.clusters for s in c.sources}

    bad = tmp_path / "bad.jsonl"
    bad.write_text(results.read_text().splitlines()[0] + "\n{not json\n")
    assert main(["compare", str(bad), "-o", str(out), "--no-judge"]) != 0


def test_compare_command_reads_claims_and_metadata_from_a_store(
    claims: list[Claim], articles: dict[str, Article], tmp_path: Path
) -> None:
    from extractor.runs.store import Store

    db = tmp_path / "extractor.db"
    with Store(db) as store:
        for article in articles.values():
            mine = [c for c in claims if c.article_id == article.id]
            store.save_result(ArticleResult(article=article, claims=mine), "test", None)
    out = tmp_path / "comparison.json"
    assert main(["compare", "--store", str(db), "-o", str(out), "--no-judge"]) == 0
    comparison = Comparison.model_validate_json(out.read_text())
    cluster = _containing(comparison, "has not confirmed formally", "has officially confirmed")
    assert cluster.relation is Relation.superseded
    assert cluster.sources == ["Breitbart", "Nairobi-datelined outlet"]
    assert main(["compare", "-o", str(out)]) == 2  # neither files nor a store


#: the facts of CLAIMS, by index, as a reader of the five articles groups them
GOLD = [{0, 1, 3, 8, 13}, {4, 9}, {2, 14}, {5}, {6}, {7}, {10}, {11}, {12}, {15}]


def pairwise_f1(predicted: list[set[int]], gold: list[set[int]]) -> float:
    def pairs(groups: list[set[int]]) -> set[tuple[int, int]]:
        return {(a, b) for g in groups for a in g for b in g if a < b}

    got, want = pairs(predicted), pairs(gold)
    if not got or not want:
        return 0.0
    precision, recall = len(got & want) / len(got), len(got & want) / len(want)
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def test_clusters_match_the_samples_facts(claims: list[Claim], comparison: Comparison) -> None:
    assert sum(map(len, GOLD)) == len(CLAIMS)
    index = {c.id: n for n, c in enumerate(claims)}
    predicted = [
        {index[i] for m in c.members for i in (m.claim_id, *m.duplicates)}
        for c in comparison.clusters
    ]
    assert pairwise_f1(predicted, GOLD) >= 0.8
    relations = {
        frozenset(g): c.relation for g, c in zip(predicted, comparison.clusters, strict=True)
    }
    assert relations[frozenset(GOLD[0])] is Relation.numeric_discrepancy
    assert relations[frozenset(GOLD[1])] is Relation.agree
    assert relations[frozenset(GOLD[2])] is Relation.superseded


# -- on the embedded model's own extractions ---------------------------------------------------

#: ``extractor extract samples/ --results ...`` with the embedded gemma-3-270m, 2026-12-06
#: (120 claims, ``make run``'s out/results.jsonl; re-record when the extraction prompts or
#: the language layer change)
RECORDED = Path(__file__).resolve().parent / "recorded" / "samples_extracted.jsonl"


@pytest.fixture(scope="module")
def extracted(embedder: MiniLMEmbedder) -> Comparison:
    results = [
        ArticleResult.model_validate_json(line)
        for line in RECORDED.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    claims = [claim for result in results for claim in result.claims]
    assert len(results) == 5 and len(claims) > 50
    return compare(claims, articles=[r.article for r in results], embedder=embedder)


def test_extracted_deployment_sizes_are_one_discrepancy_across_outlets(
    extracted: Comparison,
) -> None:
    cluster = _containing(
        extracted, "12 thousand soldiers", "as many as 10,000 North Korean soldiers", "11,000"
    )
    assert cluster.relation is Relation.numeric_discrepancy
    assert len(set(cluster.sources)) >= 3
    # "they didn't move them" is in it as an affirmation of the 10,000, not a denial
    assert any("didn’t move them" in m.quote for m in cluster.members)
    # Zelensky's "thousands of soldiers" is the same count, vaguer: in it, and no second
    # discrepancy gathers the claims that say "thousands"
    assert any("sending thousands of soldiers" in m.quote for m in cluster.members)
    assert [c.relation for c in extracted.clusters].count(Relation.numeric_discrepancy) == 1
    # the discrepancy it names is 12,000 against 10,000, not "thousands" against 10,000
    assert "12 thousand soldiers" in cluster.explanation


def test_extracted_special_forces_agree(extracted: Comparison) -> None:
    cluster = _containing(extracted, "1,500 special forces")
    assert cluster.relation is Relation.agree
    assert {"Babel", "The Independent"} <= set(cluster.sources)


def test_extracted_denial_is_superseded_by_the_confirmation(extracted: Comparison) -> None:
    cluster = _containing(extracted, "has not confirmed formally", "has officially confirmed")
    assert cluster.relation is Relation.superseded
    assert cluster.sources == ["Breitbart", "Nairobi-datelined outlet"]
