"""Versioned prompt templates, rendered by one small function.

Templates live in ``prompts/`` as ``NAME.vN.jinja`` (inside the wheel they are shipped as
``extractor/prompts/``). Rendering refuses unknown templates and missing variables, and
the template name (with its version) is recorded with every result.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from ..errors import PromptError

__all__ = ["available_prompts", "prompt_dir", "render_prompt"]

_NAME = re.compile(r"^[a-z][a-z0-9_]*\.v\d+$")


@cache
def prompt_dir() -> Path:
    """Where the templates are: in the installed package, or the source tree's ``prompts/``."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "prompts", here.parent.parent / "prompts"):
        if candidate.is_dir():
            return candidate
    raise PromptError(f"no prompts directory next to {here}; reinstall extractor")


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(prompt_dir()),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        autoescape=False,
    )


def available_prompts() -> list[str]:
    """Names (with versions) of every template, e.g. ``['extract_sentence.v1', ...]``."""
    return sorted(p.name.removesuffix(".jinja") for p in prompt_dir().glob("*.jinja"))


def render_prompt(name: str, **variables: Any) -> str:
    """Render template ``name`` (e.g. ``"extract_claims.v1"``) with ``variables``."""
    if not _NAME.match(name) or name not in available_prompts():
        raise PromptError(
            f"unknown prompt template {name!r}; available: {', '.join(available_prompts())}"
        )
    try:
        return _environment().get_template(f"{name}.jinja").render(**variables)
    except jinja2.UndefinedError as exc:
        raise PromptError(f"prompt {name!r} is missing a variable: {exc.message}") from exc
