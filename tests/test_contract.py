"""The public surface: exported names, JSON Schemas in sync, model invariants."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

import extractor
from extractor.models import Article, Claim, Quantity, Usage
from extractor.schema import schema_documents

from .conftest import ROOT


def test_public_names_are_pinned() -> None:
    assert sorted(extractor.__all__) == sorted(
        [
            "Article", "ArticleError", "ArticleResult", "BackendError", "BudgetExceeded",
            "Cancelled", "Claim", "Cluster", "ClusterMember", "Comparison", "ConfigError",
            "ExtractionError", "ExtractorError", "InputError", "MatchKind", "ModelLoadError",
            "PromptError", "Quantity", "Rejection", "Relation", "RunSummary", "Settings",
            "Stance", "StoreError", "StoreLocked", "Timings", "TransportError", "Usage",
            "__version__", "extract", "extract_article", "read_articles",
            "EvalReport", "GoldSet", "evaluate", "load_gold",
            "ClaimFile", "CompareOptions", "CompletionJudge", "compare",
            "load_articles_metadata", "read_claims", "read_results",
            "render_report",
            "Job", "JobResult", "ResponseCache", "Store", "export", "load_job", "plan_job",
            "run_job",
        ]
    )  # fmt: skip
    for name in extractor.__all__:
        assert hasattr(extractor, name), name


@pytest.mark.parametrize("filename", sorted(schema_documents()))
def test_schema_file_matches_the_models(filename: str) -> None:
    path = ROOT / "schemas" / filename
    assert path.is_file(), f"run `make schemas` to write {path}"
    assert path.read_text(encoding="utf-8") == schema_documents()[filename], (
        f"{path} is out of date: run `make schemas`"
    )


def test_no_stray_schema_files() -> None:
    on_disk = {p.name for p in (ROOT / "schemas").glob("*.json")}
    assert on_disk <= set(schema_documents()), on_disk - set(schema_documents())


def test_models_forbid_unknown_fields() -> None:
    with pytest.raises(ValidationError, match="extra"):
        Claim.model_validate({"article_id": "a", "text": "t", "quote": "q", "confidence": 0.9})


def test_claim_id_is_stable_and_content_derived() -> None:
    one = Claim(article_id="a1", text="10,000 troops arrived.", quote="10,000 troops arrived")
    two = Claim(article_id="a1", text="10,000 troops arrived.", quote="10,000 troops arrived")
    other = Claim(article_id="a1", text="12,000 troops arrived.", quote="12,000 troops arrived")
    assert one.id == two.id != other.id
    assert json.loads(one.model_dump_json())["id"] == one.id


def test_claim_span_must_be_ordered_and_complete() -> None:
    with pytest.raises(ValidationError, match="together"):
        Claim(article_id="a", text="t", quote="q", start=3)
    with pytest.raises(ValidationError, match="reversed"):
        Claim(article_id="a", text="t", quote="q", start=5, end=5)


def test_quantity_bounds_must_be_ordered() -> None:
    with pytest.raises(ValidationError, match="exceeds"):
        Quantity(raw="x", value=5, lower=6, upper=4)


def test_article_id_is_a_content_hash_over_nfc_text() -> None:
    composed = Article.from_text("Caf\u00e9 owners said 3 shops closed.", source="s")
    decomposed = Article.from_text("Cafe\u0301 owners said 3 shops closed.", source="s")
    assert composed.text == decomposed.text
    assert composed.id == decomposed.id
    assert Article.from_text("Other text.", source="s").id != composed.id


def test_usage_adds_up_and_totals() -> None:
    total = Usage(prompt_tokens=10, completion_tokens=2, requests=1) + Usage(
        prompt_tokens=5, completion_tokens=1, requests=2, retries=1, reasks=1
    )
    assert (total.total_tokens, total.requests, total.retries, total.reasks) == (18, 3, 1, 1)


def test_every_error_of_the_hierarchy_is_public() -> None:
    """The README says everything public is in ``extractor.__all__``; so is every error."""
    import extractor.errors

    assert set(extractor.errors.__all__) <= set(extractor.__all__)
