"""extractor: typed, grounded claims from news articles, lined up across sources.

The library is the product; the ``extractor`` command is a thin layer over it::

    import extractor

    for result in extractor.extract(["samples/"]):
        for claim in result.claims:
            print(claim.speaker, "|", claim.text)
"""

from __future__ import annotations

import sys as _sys

from .compare import CompareOptions, CompletionJudge, load_articles_metadata
from .compare import compare as _compare_function
from .errors import (
    BackendError,
    BudgetExceeded,
    Cancelled,
    ConfigError,
    ExtractionError,
    ExtractorError,
    InputError,
    ModelLoadError,
    PromptError,
    StoreError,
    StoreLocked,
    TransportError,
)
from .evaluation.gold import GoldSet, load_gold
from .evaluation.score import EvalReport, evaluate
from .extraction.pipeline import extract, extract_article
from .ingest.articles import read_articles
from .io.jsonl import ClaimFile, read_claims, read_results
from .io.report import render_report
from .llm.cache import ResponseCache
from .models import (
    Article,
    ArticleError,
    ArticleResult,
    Claim,
    Cluster,
    ClusterMember,
    Comparison,
    MatchKind,
    Quantity,
    Rejection,
    Relation,
    RunSummary,
    Stance,
    Timings,
    Usage,
)
from .package_function import PackageFunction as _PackageFunction
from .runs.export import export
from .runs.jobs import Job, load_job
from .runs.scheduled import JobResult, plan_job, run_job
from .runs.store import Store
from .settings import Settings

__version__ = "0.1.0"

#: the comparison function, through which ``extractor.compare``'s modules stay importable
#: (``import extractor.compare.embeddings``)
compare = _PackageFunction(_compare_function, _sys.modules[f"{__name__}.compare"])

__all__ = [
    "EvalReport",
    "GoldSet",
    "evaluate",
    "load_gold",
    "Job",
    "JobResult",
    "ResponseCache",
    "Store",
    "export",
    "load_job",
    "plan_job",
    "run_job",
    "read_results",
    "read_claims",
    "load_articles_metadata",
    "compare",
    "CompletionJudge",
    "CompareOptions",
    "ClaimFile",
    "Article",
    "ArticleError",
    "ArticleResult",
    "BackendError",
    "BudgetExceeded",
    "Cancelled",
    "Claim",
    "Cluster",
    "ClusterMember",
    "Comparison",
    "ConfigError",
    "ExtractionError",
    "ExtractorError",
    "InputError",
    "MatchKind",
    "ModelLoadError",
    "PromptError",
    "Quantity",
    "Rejection",
    "Relation",
    "RunSummary",
    "Settings",
    "Stance",
    "StoreError",
    "StoreLocked",
    "Timings",
    "TransportError",
    "Usage",
    "__version__",
    "extract",
    "extract_article",
    "read_articles",
    "render_report",
]
