"""Gold annotations: the claims a careful reader finds in a few articles, and their clusters.

A gold set is one JSON Lines file. Each line is one record, told apart by ``"type"``
(``schemas/gold.json`` is the JSON Schema of one line)::

    {"type": "article", "path": "../news/harbour.txt"}
    {"type": "claim", "id": "port-1", "article": "harbour.txt",
     "quote": "the port handled 2.1 million containers last year",
     "speaker": "the port authority", "stance": "reported",
     "quantity": {"value": 2100000, "unit": "containers"}}
    {"type": "cluster", "id": "containers", "claims": ["port-1", "wire-3"],
     "relation": "agree"}

* ``article`` -- an article the gold covers: ``path`` (relative to the gold file; for a
  JSONL feed add ``line``, 1-based) and the ``name`` claims use for it (default: the file
  name). It is read like any other input, so its ``Article.id`` is the one ``extract``
  gives it.
* ``claim`` -- one gold claim: ``quote`` copied verbatim from the article (it must be found
  there exactly or after folding whitespace, quote marks, dashes and case, and only once),
  ``speaker`` (``"author"`` for the outlet itself), optional ``stance`` and ``quantity``.
  A quantity's ``lower``/``upper`` follow :mod:`~extractor.language.quantities`; left out they
  are the value (an exact number); ``"upper": null`` means unbounded ("at least 10,000").
* ``cluster`` -- claims that state one fact, and the ``relation`` a comparison should find
  (a value of :class:`~extractor.models.Relation`). A gold claim is in at most one cluster;
  claims in none are single-claim clusters of their own.

:func:`load_gold` reads the file, the articles and checks every reference; any problem is an
:class:`~extractor.errors.InputError` naming the file and line.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    RootModel,
    ValidationError,
    model_validator,
)

from ..errors import InputError
from ..extraction.grounding import ground
from ..ingest.articles import read_articles
from ..models import Article, MatchKind, Relation, Stance
from ..settings import Settings

__all__ = [
    "GoldArticle",
    "GoldClaim",
    "GoldCluster",
    "GoldQuantity",
    "GoldRecord",
    "GoldSet",
    "load_gold",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GoldArticle(_Model):
    """An article the gold set covers, read from ``path`` like any other input."""

    type: Literal["article"] = "article"
    path: str = Field(min_length=1, description="The article file, relative to the gold file.")
    line: int | None = Field(
        default=None, ge=1, description="For a JSONL feed: the article's 1-based line."
    )
    name: str = Field(default="", description="What claims call it; default: the file name.")

    @model_validator(mode="after")
    def _default_name(self) -> GoldArticle:
        if not self.name:
            base = Path(self.path).name
            self.name = f"{base}:{self.line}" if self.line is not None else base
        return self


class GoldQuantity(_Model):
    """The number a gold claim states, with the bounds its wording allows."""

    value: float
    lower: float | None = Field(
        default=None, description="Lowest value the wording allows; left out: the value."
    )
    upper: float | None = Field(
        default=None,
        description="Highest value the wording allows; left out: the value; null: unbounded.",
    )
    unit: str | None = Field(default=None, description="The counted thing; for readers only.")

    @model_validator(mode="before")
    @classmethod
    def _exact_by_default(cls, data: Any) -> Any:
        if isinstance(data, dict) and "value" in data:
            data = {"lower": data["value"], "upper": data["value"], **data}
        return data

    @model_validator(mode="after")
    def _bounds_hold_the_value(self) -> GoldQuantity:
        if self.lower is not None and self.lower > self.value:
            raise ValueError(f"lower bound {self.lower} exceeds the value {self.value}")
        if self.upper is not None and self.upper < self.value:
            raise ValueError(f"upper bound {self.upper} is below the value {self.value}")
        return self


class GoldClaim(_Model):
    """One claim a careful reader finds, quoted verbatim from its article."""

    type: Literal["claim"] = "claim"
    id: str = Field(min_length=1)
    article: str = Field(min_length=1, description="The name of a gold article record.")
    quote: str = Field(min_length=1, description="Copied verbatim from the article.")
    speaker: str = Field(default="author", description="Who asserts it; 'author' = the outlet.")
    stance: Stance | None = None
    quantity: GoldQuantity | None = None
    text: str | None = Field(default=None, description="A restatement for readers; not scored.")


class GoldCluster(_Model):
    """Gold claims that state one fact, and how they relate across sources."""

    type: Literal["cluster"] = "cluster"
    id: str = Field(min_length=1)
    claims: list[str] = Field(min_length=1, description="Ids of gold claims.")
    relation: Relation
    note: str | None = Field(default=None, description="Why; for readers only.")


class GoldRecord(
    RootModel[Annotated[GoldArticle | GoldClaim | GoldCluster, Field(discriminator="type")]]
):
    """One line of a gold JSON Lines file."""


class GoldSet(_Model):
    """A checked gold set: articles by name, claims, clusters, and each claim's span.

    Construction checks that ids are unique, that every reference resolves, that no claim
    is in two clusters, and that every quote is found once in its article.
    """

    articles: dict[str, Article] = Field(description="Gold article name -> the article read.")
    claims: list[GoldClaim] = Field(default_factory=list)
    clusters: list[GoldCluster] = Field(default_factory=list)
    _spans: dict[str, tuple[int, int]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> GoldSet:
        for kind, records in (("claim", self.claims), ("cluster", self.clusters)):
            counts = Counter(record.id for record in records)
            duplicates = sorted(i for i, n in counts.items() if n > 1)
            if duplicates:
                raise ValueError(f"duplicate {kind} id(s): {', '.join(duplicates)}")
        for claim in self.claims:
            article = self.articles.get(claim.article)
            if article is None:
                raise ValueError(f"claim {claim.id}: no article named {claim.article!r}")
            self._spans[claim.id] = _locate(claim, article.text)
        known, seen = {c.id for c in self.claims}, set[str]()
        for cluster in self.clusters:
            for claim_id in cluster.claims:
                if claim_id not in known:
                    raise ValueError(f"cluster {cluster.id}: no claim with id {claim_id!r}")
                if claim_id in seen:
                    raise ValueError(f"cluster {cluster.id}: claim {claim_id} is in two clusters")
                seen.add(claim_id)
        return self

    def article_of(self, claim: GoldClaim) -> Article:
        """The article ``claim`` is quoted from."""
        return self.articles[claim.article]

    def span(self, claim: GoldClaim) -> tuple[int, int]:
        """Where ``claim.quote`` is in its article's text: ``(start, end)``."""
        return self._spans[claim.id]


def _locate(claim: GoldClaim, text: str) -> tuple[int, int]:
    span = ground(claim.quote, text, fuzzy_threshold=100.0)
    if span is None or span.match is MatchKind.fuzzy:
        raise ValueError(
            f"claim {claim.id}: quote not found in article {claim.article!r}; copy it verbatim"
        )
    if span.match is MatchKind.exact and text.count(text[span.start : span.end]) > 1:
        raise ValueError(
            f"claim {claim.id}: quote occurs more than once in {claim.article!r}; quote more words"
        )
    return span.start, span.end


def load_gold(path: str | os.PathLike[str], settings: Settings | None = None) -> GoldSet:
    """Read a gold JSON Lines file and the articles it names (see the module docstring)."""
    path = Path(path)
    settings = settings or Settings()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the gold file: {exc.strerror or exc}") from exc
    articles: dict[str, Article] = {}
    claims: list[GoldClaim] = []
    clusters: list[GoldCluster] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = GoldRecord.model_validate_json(line).root
        except ValidationError as exc:
            raise InputError(f"{path}:{number}: not a gold record: {_first(exc)}") from None
        if isinstance(record, GoldArticle):
            if record.name in articles:
                raise InputError(f"{path}:{number}: a second article named {record.name!r}")
            articles[record.name] = _read_article(path.parent, record, settings, number)
        elif isinstance(record, GoldClaim):
            claims.append(record)
        else:
            clusters.append(record)
    try:
        return GoldSet(articles=articles, claims=claims, clusters=clusters)
    except ValidationError as exc:
        raise InputError(f"{path}: {_first(exc)}") from None


def _read_article(base: Path, record: GoldArticle, settings: Settings, number: int) -> Article:
    where = base / record.path
    for item in read_articles([where], settings):
        if isinstance(item, Article):
            if record.line is None or (item.origin or "").endswith(f":{record.line}"):
                return item
        elif record.line is None or item.line == record.line:
            raise InputError(f"gold line {number}: article {where}: {item.message}")
    raise InputError(f"gold line {number}: no article at {where} line {record.line}")


def _first(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message
