"""Reading claims back from JSON Lines: claim files and per-article result files.

``extractor extract -o claims.jsonl`` writes one :class:`Claim` per line and ``--results``
one :class:`ArticleResult` per line; other tools may write either. :func:`read_claims`
takes both kinds of line (in one file, even), so ``compare`` and ``eval`` accept whatever a
user has. A line that fits neither model is an :class:`InputError` naming file and line.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field

from pydantic import ValidationError

from ..errors import InputError
from ..jsonlines import json_records
from ..models import Article, ArticleResult, Claim

__all__ = ["ClaimFile", "read_claims", "read_results"]


@dataclass
class ClaimFile:
    """The claims of one or more files, and the articles the result lines carried."""

    claims: list[Claim] = field(default_factory=list)
    articles: dict[str, Article] = field(default_factory=dict)


def read_results(path: str | os.PathLike[str]) -> Iterator[ArticleResult]:
    """The :class:`ArticleResult` lines of ``path`` (as written by ``extract --results``)."""
    for number, record in json_records(path):
        try:
            yield ArticleResult.model_validate(record)
        except ValidationError as exc:
            raise InputError(f"{path}:{number}: not an article result: {exc}") from exc


def read_claims(*paths: str | os.PathLike[str]) -> ClaimFile:
    """Claims from files of :class:`Claim` lines, :class:`ArticleResult` lines, or both."""
    found = ClaimFile()
    for path in paths:
        for number, record in json_records(path):
            try:
                if "claims" in record and "status" in record:
                    result = ArticleResult.model_validate(record)
                    found.claims.extend(result.claims)
                    if result.article is not None:
                        found.articles[result.article.id] = result.article
                else:
                    found.claims.append(Claim.model_validate(record))
            except ValidationError as exc:
                raise InputError(f"{path}:{number}: not a claim or article result: {exc}") from exc
    return found
