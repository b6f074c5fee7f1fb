"""extractor: typed, grounded claims from news articles, lined up across sources.

The library is the product; the ``extractor`` command is a thin layer over it::

    import extractor

    for result in extractor.extract(["samples/"]):
        for claim in result.claims:
            print(claim.speaker, "|", claim.text)
"""

from __future__ import annotations

from .errors import (
    BackendError,
    BudgetExceeded,
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
from .ingest import read_articles
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
from .pipeline import extract, extract_article
from .settings import Settings

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ArticleError",
    "ArticleResult",
    "BackendError",
    "BudgetExceeded",
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
]
