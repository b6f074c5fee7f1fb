"""The contract: Pydantic models passed between stages and to other tools.

Every model forbids unknown fields, so a typo in a producer fails loudly instead of
silently dropping data. ``schemas/*.json`` is the JSON Schema exported from these
models (``python -m extractor.schema``), and a test keeps the two in sync.
"""

from __future__ import annotations

import contextlib
import hashlib
import unicodedata
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    computed_field,
    field_validator,
    model_validator,
)

__all__ = [
    "Article",
    "ArticleError",
    "ArticleResult",
    "Claim",
    "Cluster",
    "ClusterMember",
    "Comparison",
    "MatchKind",
    "Quantity",
    "Rejection",
    "Relation",
    "ChangedClaim",
    "ChangeKind",
    "CompareWork",
    "FactChange",
    "RunChanges",
    "RunSummary",
    "SilentEdit",
    "Stance",
    "Timings",
    "Usage",
    "content_hash",
]


def content_hash(*parts: str, length: int = 16) -> str:
    """A short, stable hex digest of ``parts`` (joined with a separator no text contains)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MatchKind(StrEnum):
    """How our code found a claim's quote in the article text."""

    exact = "exact"  #: the quote is a verbatim substring
    normalized = "normalized"  #: equal after folding whitespace, quote marks, dashes and case
    fuzzy = "fuzzy"  #: an approximate alignment above the configured threshold


class Stance(StrEnum):
    """How the speaker holds the claim."""

    asserted = "asserted"  #: stated as fact
    reported = "reported"  #: attributed to someone ("X said", "according to X")
    denied = "denied"  #: the speaker denies or rejects it
    unverified = "unverified"  #: explicitly unconfirmed, alleged, or not independently verified


class Relation(StrEnum):
    """How the claims of one cluster relate across sources."""

    agree = "agree"
    numeric_discrepancy = "numeric_discrepancy"
    contradiction = "contradiction"
    superseded = (
        "superseded"  #: a later claim reverses an earlier one (e.g. denial, then confirmation)
    )
    single_source = "single_source"


class Article(_Model):
    """One news article. ``text`` is NFC-normalised; every offset in the project refers to it."""

    id: str = Field(description="Stable content hash of the text (and source).")
    source: str = Field(description="The outlet, e.g. 'The Independent'.")
    title: str | None = None
    url: str | None = None
    published: date | None = None
    text: str
    origin: str | None = Field(
        default=None, description="Where it was read from: a path, or path:line for JSONL."
    )

    @field_validator("published", mode="before")
    @classmethod
    def _day_of_a_timestamp(cls, value: object) -> object:
        """A timestamp ("2024-10-23T10:00:00Z") gives its day, as article ingest reads it
        (any ISO 8601 form Python reads: "20241023", "2024-W43-3")."""
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                return datetime.fromisoformat(value).date()
        return value

    @classmethod
    def from_text(
        cls,
        text: str,
        *,
        source: str,
        title: str | None = None,
        url: str | None = None,
        published: date | None = None,
        origin: str | None = None,
    ) -> Article:
        """Build an article, normalising ``text`` to NFC and deriving its stable ``id``."""
        text = unicodedata.normalize("NFC", text)
        return cls(
            id=content_hash(source, text),
            source=source,
            title=title,
            url=url,
            published=published,
            text=text,
            origin=origin,
        )


class Quantity(_Model):
    """A number in a claim, parsed by code. ``lower``/``upper`` encode the hedge."""

    raw: str = Field(description="The text it was parsed from, e.g. 'as many as 10,000 troops'.")
    value: float
    unit: str | None = Field(default=None, description="The counted thing, e.g. 'troops', '%'.")
    lower: float | None = Field(default=None, description="Lowest value the wording allows.")
    upper: float | None = Field(default=None, description="Highest value the wording allows.")
    qualifier: str | None = Field(default=None, description="The hedge, e.g. 'as many as'.")
    referent: str | None = Field(
        default=None,
        description="What is counted, whose and where to, from the parse: "
        "'North Korean troops sent to Russia'.",
    )

    @model_validator(mode="after")
    def _bounds_ordered(self) -> Quantity:
        if self.lower is not None and self.upper is not None and self.lower > self.upper:
            raise ValueError(f"lower bound {self.lower} exceeds upper bound {self.upper}")
        return self


class Claim(_Model):
    """One checkable claim, grounded in its article.

    Only ``article_id``, ``text`` and ``quote`` are required, so claims produced by other
    tools can be compared; claims produced by ``extractor`` always carry every field.
    """

    id: str = Field(
        default="",
        description="Stable id: from the article, the quote's span, the prompt and the model "
        "(or, for claims without offsets, from the article, quote and text).",
    )
    article_id: str
    text: str = Field(min_length=1, description="Standalone, decontextualised restatement.")
    quote: str = Field(min_length=1, description="Verbatim evidence from the article.")
    start: int | None = Field(default=None, ge=0, description="Offset of the quote (by our code).")
    end: int | None = Field(default=None, ge=0)
    match: MatchKind | None = None
    speaker: str = Field(default="author", description="Who asserts it; 'author' = the outlet.")
    speaker_start: int | None = Field(
        default=None, ge=0, description="Offset of the speaker's name in the article (by our code)."
    )
    speaker_end: int | None = Field(default=None, ge=0)
    cue: str | None = Field(
        default=None, description="The attribution cue found by code: 'said', 'according to'."
    )
    proposition: str | None = Field(
        default=None,
        description="What the quote states, with references resolved, built by code; the "
        "comparison keys on it.",
    )
    stance: Stance | None = None
    quantities: list[Quantity] = Field(default_factory=list)
    checkworthy: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    prompt_version: str | None = None
    model: str | None = None

    @model_validator(mode="after")
    def _derive_id_and_check_span(self) -> Claim:
        if (self.start is None) != (self.end is None):
            raise ValueError("start and end must be given together")
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError(f"empty or reversed span {self.start}..{self.end}")
        if (self.speaker_start is None) != (self.speaker_end is None):
            raise ValueError("speaker_start and speaker_end must be given together")
        if (
            self.speaker_start is not None
            and self.speaker_end is not None
            and self.speaker_end <= self.speaker_start
        ):
            span = f"{self.speaker_start}..{self.speaker_end}"
            raise ValueError(f"empty or reversed speaker span {span}")
        if not self.id:
            if self.start is not None and self.end is not None:
                # one claim per quoted span: a sentence the article repeats is two claims
                self.id = content_hash(
                    self.article_id, str(self.start), str(self.end),
                    self.prompt_version or "", self.model or "",
                )  # fmt: skip
            else:
                self.id = content_hash(self.article_id, self.quote, self.text)
        return self


class Rejection(_Model):
    """A model answer that failed validation and was dropped (never emitted as a claim)."""

    quote: str | None = None
    text: str | None = None
    reason: str


class ArticleError(_Model):
    """An error that happened to one article; the batch goes on."""

    kind: str = Field(description="Short machine-readable kind: input, backend, transport, ...")
    message: str
    origin: str | None = None
    line: int | None = Field(default=None, description="1-based line number for JSONL input.")


class Usage(_Model):
    """Tokens and calls spent, including every transport retry and validation re-ask."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = Field(default=0, description="Model calls made, retries and re-asks included.")
    retries: int = Field(default=0, description="Transport retries (429, 5xx, timeouts).")
    reasks: int = Field(default=0, description="Re-asks after a validation failure.")
    cached: int = Field(default=0, description="Answers served from the response cache.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @model_validator(mode="before")
    @classmethod
    def _accept_dumped_total(cls, data: object) -> object:
        """Read back what ``model_dump`` wrote: ``total_tokens`` is computed, never stored."""
        if isinstance(data, dict) and "total_tokens" in data:
            return {k: v for k, v in data.items() if k != "total_tokens"}
        return data

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            requests=self.requests + other.requests,
            retries=self.retries + other.retries,
            reasks=self.reasks + other.reasks,
            cached=self.cached + other.cached,
        )


class Timings(_Model):
    """Wall-clock seconds spent on one article."""

    model_s: float = 0.0
    total_s: float = 0.0


class ArticleResult(_Model):
    """Everything extraction produced for one article: claims, rejections, errors, usage."""

    article: Article | None = Field(description="None when the input could not be read at all.")
    origin: str | None = None
    status: Literal["ok", "failed", "skipped"] = "ok"
    claims: list[Claim] = Field(default_factory=list)
    rejected: list[Rejection] = Field(default_factory=list)
    errors: list[ArticleError] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    timings: Timings = Field(default_factory=Timings)

    @property
    def ok(self) -> bool:
        return self.status == "ok" and not self.errors


class RunSummary(_Model):
    """Totals of one batch, printed by the CLI and recorded by scheduled runs."""

    articles: int = 0
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    claims: int = 0
    rejected: int = 0
    errors: int = 0
    usage: Usage = Field(default_factory=Usage)
    seconds: float = 0.0
    changes: RunChanges | None = Field(
        default=None, description="What changed since the previous run (scheduled runs only)."
    )

    def add(self, result: ArticleResult) -> None:
        """Count one article's result in."""
        self.articles += 1
        if result.status == "skipped":
            self.skipped += 1
        elif result.ok:
            self.ok += 1
        else:
            self.failed += 1
        self.claims += len(result.claims)
        self.rejected += len(result.rejected)
        self.errors += len(result.errors)
        self.usage = self.usage + result.usage


class ClusterMember(_Model):
    """One claim inside a cluster, with what a reader needs side by side."""

    claim_id: str
    article_id: str
    source: str | None = None
    published: date | None = None
    speaker: str
    stance: Stance
    text: str
    quote: str
    quantities: list[Quantity] = Field(default_factory=list)
    duplicates: list[str] = Field(
        default_factory=list, description="Ids of claims merged into this one as duplicates."
    )


class Cluster(_Model):
    """Claims about the same fact, across sources, and how they relate."""

    id: str
    relation: Relation
    explanation: str = Field(description="One line: why this relation.")
    members: list[ClusterMember]
    sources: list[str]
    decided_by: Literal["code", "model"] = "code"
    checked: bool = Field(
        default=True,
        description="False when neither code's rules nor a model could decide the relation "
        "(no numbers, no stance cue, loosely similar wording, no judge or an unreadable "
        "answer): the claims are grouped and the relation is code's tentative guess.",
    )


class Comparison(_Model):
    """The cross-source comparison of a set of claims."""

    clusters: list[Cluster] = Field(default_factory=list)
    claims: int = Field(default=0, description="Claims compared (after deduplication).")
    duplicates: int = Field(default=0, description="Claims merged as duplicates.")
    prompt_version: str | None = None
    model: str | None = None


class ChangeKind(StrEnum):
    """Kinds of change a scheduled run reports against the previous run."""

    NEW_FACT = "new_fact"
    NEW_DISCREPANCY = "new_discrepancy"
    REVISED_NUMBER = "revised_number"
    DENIAL_SUPERSEDED = "denial_superseded"


class ChangedClaim(_Model):
    """One claim cited by a change: enough to show it without the store."""

    claim_id: str
    article_id: str
    source: str | None = None
    published: date | None = None
    speaker: str = "author"
    quote: str
    quantities: list[Quantity] = Field(default_factory=list)


class FactChange(_Model):
    """A cluster that changed in a way worth telling: new, newly disputed, revised, superseded."""

    kind: ChangeKind
    cluster_id: str
    relation: Relation
    explanation: str = Field(description="One line: why this relation (the cluster's).")
    claims: list[ChangedClaim] = Field(
        description="The claims the change is about (the new ones first, then those they meet)."
    )
    previous_relation: Relation | None = Field(
        default=None, description="The cluster's relation after the previous run, if it existed."
    )
    checked: bool = Field(
        default=True,
        description="The cluster's: False when its relation is code's tentative guess.",
    )


class SilentEdit(_Model):
    """An article whose text changed at the same URL or path since it was last seen."""

    article_id: str = Field(description="Id of the new text.")
    previous_article_id: str = Field(description="Id of the text seen before.")
    url: str | None = None
    path: str | None = None
    added: list[ChangedClaim] = Field(default_factory=list)
    removed: list[ChangedClaim] = Field(default_factory=list)


class CompareWork(_Model):
    """What the comparison of one scheduled run did: proportional to what was new."""

    mode: Literal["incremental", "full", "none"] = "none"
    reason: str | None = Field(default=None, description="Why a full recompute, when it was.")
    fingerprint: str | None = None
    claims_embedded: int = 0
    claims_assigned: int = 0
    clusters_opened: int = 0
    clusters_redecided: int = 0
    clusters_total: int = 0


class RunChanges(_Model):
    """What changed since the previous run: in the run's JSON line, the store and the report."""

    run_id: str | None = None
    since_run_id: str | None = Field(default=None, description="The run compared against.")
    new_facts: list[FactChange] = Field(default_factory=list)
    new_discrepancies: list[FactChange] = Field(default_factory=list)
    revised_numbers: list[FactChange] = Field(default_factory=list)
    superseded_denials: list[FactChange] = Field(default_factory=list)
    silent_edits: list[SilentEdit] = Field(default_factory=list)
    work: CompareWork = Field(default_factory=CompareWork)

    @property
    def empty(self) -> bool:
        return not (
            self.new_facts
            or self.new_discrepancies
            or self.revised_numbers
            or self.superseded_denials
            or self.silent_edits
        )


RunSummary.model_rebuild()
