"""Export the contract's JSON Schemas into ``schemas/`` (``python -m extractor.schema``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from .evaluation.gold import GoldRecord
from .evaluation.score import EvalReport
from .models import Article, ArticleResult, Claim, Comparison, RunChanges, RunSummary
from .runs.scheduled import JobResult

__all__ = ["SCHEMA_MODELS", "schema_documents", "write_schemas"]

#: file name (without .json) -> model
SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "article": Article,
    "claim": Claim,
    "article_result": ArticleResult,
    "comparison": Comparison,
    "run_summary": RunSummary,
    "run_changes": RunChanges,
    "job_result": JobResult,
    "gold": GoldRecord,
    "eval_report": EvalReport,
}


def schema_documents() -> dict[str, str]:
    """Each schema file's name and exact text."""
    return {
        f"{name}.json": json.dumps(model.model_json_schema(mode="serialization"), indent=2) + "\n"
        for name, model in SCHEMA_MODELS.items()
    }


def write_schemas(directory: Path) -> list[Path]:
    """Write every schema into ``directory``; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, text in schema_documents().items():
        path = directory / filename
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("schemas")
    for path in write_schemas(target):
        print(path)
