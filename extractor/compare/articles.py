"""Where claims come from: articles' outlets and dates, from objects or a side file."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from pydantic import ValidationError

from ..errors import InputError
from ..jsonlines import json_records
from ..models import Article

__all__ = ["index_articles", "load_articles_metadata"]


def load_articles_metadata(path: str | os.PathLike[str]) -> dict[str, Article]:
    """Read articles' metadata from a JSON Lines side file, keyed by article id.

    Each non-blank line is one JSON object with ``id`` and ``source`` and optionally
    ``published`` (``YYYY-MM-DD``; a timestamp gives its day), ``title``, ``url``,
    ``origin`` and ``text`` -- that is, an :class:`Article` whose ``text`` may be left out.
    Full articles as written by ``Article.model_dump_json()`` are therefore accepted too.
    Unknown keys are errors.
    """
    articles: dict[str, Article] = {}
    for number, record in json_records(path):
        try:
            article = Article.model_validate({"text": "", **record})
        except ValidationError as exc:
            raise InputError(f"{path}:{number}: not article metadata: {exc}") from exc
        articles[article.id] = article
    return articles


def index_articles(
    articles: Mapping[str, Article] | Iterable[Article] | None,
) -> dict[str, Article]:
    """Articles by id, from objects or a mapping (whose own keys are kept as aliases)."""
    if articles is None:
        return {}
    if isinstance(articles, Mapping):
        return {**{a.id: a for a in articles.values()}, **articles}
    return {article.id: article for article in articles}
