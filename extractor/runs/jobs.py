"""Job files: what a scheduled ``extractor run`` reads, where it keeps state, what it writes.

A job is a small TOML file; paths in it are relative to the file's own directory::

    inputs = ["incoming/", "feeds/wire.jsonl"]   # files, directories, JSONL feeds
    store = "state/extractor.sqlite"             # articles, claims, runs, response cache
    embedder = "auto"                            # comparison: auto | semantic | lexical
    prune = false                                # true: forget articles whose input is gone

    [settings]                                   # any extractor.Settings field; EXTRACTOR_*
    backend = "openai"                           # environment variables fill in the rest
    base_url = "http://127.0.0.1:8080/v1"
    model = "gemma-3-270m"
    strategy = "sentence"

    [outputs]                                    # all optional
    dir = "out"                                  # claims.jsonl, comparison.json, report.html
    report = "/var/www/html/claims.html"         # or name any of them on its own

Command-line values (``extractor run --store S --output-dir D PATH...`` and the settings
flags) take precedence over the file, and can replace it altogether.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import ConfigError
from ..settings import Settings, read_settings

__all__ = ["Job", "Outputs", "load_job"]

#: file names of the outputs written into ``outputs.dir``
DEFAULT_NAMES = {"claims": "claims.jsonl", "comparison": "comparison.json", "report": "report.html"}


class Outputs(BaseModel):
    """Where a run writes its outputs; ``dir`` gives every unnamed one its default name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dir: Path | None = None
    claims: Path | None = Field(default=None, description="All stored claims, as JSON Lines.")
    comparison: Path | None = Field(default=None, description="The latest Comparison JSON.")
    report: Path | None = Field(default=None, description="The HTML report.")

    def paths(self) -> dict[str, Path]:
        """Output kind -> path, for the outputs this job writes."""
        found: dict[str, Path] = {}
        for kind, name in DEFAULT_NAMES.items():
            path: Path | None = getattr(self, kind)
            if path is None and self.dir is not None:
                path = self.dir / name
            if path is not None:
                found[kind] = path
        return found


class Job(BaseModel):
    """One scheduled job: inputs, the store, settings and outputs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    inputs: list[Path] = Field(min_length=1)
    store: Path
    settings: Settings = Field(default_factory=Settings)
    outputs: Outputs = Field(default_factory=Outputs)
    embedder: Literal["auto", "semantic", "lexical"] = Field(
        default="auto", description="Comparison embedder; 'auto' = semantic when installed."
    )
    prune: bool = Field(
        default=False,
        description="Remove from the store the articles (and their claims) no input holds "
        "any more; an input that cannot be read this time keeps its articles.",
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except FileNotFoundError:
        raise ConfigError(f"job file not found: {path}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read the job file {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc


def _under(base: Path, value: Any) -> Any:
    """``value`` as a path relative to ``base`` (absolute paths and non-strings unchanged)."""
    return base / os.path.expanduser(value) if isinstance(value, str) else value


#: settings that name a file or folder: in a job file, relative to the file too
_PATH_SETTINGS = frozenset(
    name
    for name, field in Settings.model_fields.items()
    if field.annotation is Path or Path in get_args(field.annotation)
)


def _relative_to_file(data: dict[str, Any], base: Path) -> dict[str, Any]:
    data = dict(data)
    if isinstance(data.get("settings"), dict):
        table = data["settings"]
        data["settings"] = {
            k: _under(base, v) if k in _PATH_SETTINGS else v for k, v in table.items()
        }
    if isinstance(data.get("inputs"), list):
        data["inputs"] = [_under(base, item) for item in data["inputs"]]
    if "store" in data:
        data["store"] = _under(base, data["store"])
    if isinstance(data.get("outputs"), dict):
        data["outputs"] = {k: _under(base, v) for k, v in data["outputs"].items()}
    return data


def load_job(
    path: str | os.PathLike[str] | None = None,
    *,
    inputs: Sequence[str | os.PathLike[str]] = (),
    store: str | os.PathLike[str] | None = None,
    output_dir: str | os.PathLike[str] | None = None,
    embedder: str | None = None,
    prune: bool | None = None,
    settings: Mapping[str, Any] | None = None,
) -> Job:
    """The job in the TOML file at ``path``, with command-line values taking precedence.

    Without ``path`` the job is made of the other arguments alone. Settings come from the
    file's ``[settings]`` table, then ``settings`` on top; ``EXTRACTOR_*`` environment
    variables fill in what neither sets. Raises :class:`ConfigError` saying what is wrong.
    """
    where = str(path) if path is not None else "the command line"
    data: dict[str, Any] = {}
    if path is not None:
        file = Path(path)
        data = _relative_to_file(_read_toml(file), file.resolve().parent)
    if inputs:
        data["inputs"] = [Path(item) for item in inputs]
    if store is not None:
        data["store"] = Path(store)
    if output_dir is not None:
        data["outputs"] = {**data.get("outputs", {}), "dir": Path(output_dir)}
    if embedder is not None:
        data["embedder"] = embedder
    if prune is not None:
        data["prune"] = prune
    if not data.get("inputs"):
        raise ConfigError(f"no inputs in {where}: give `inputs = [...]` or paths to read")
    if "store" not in data:
        raise ConfigError(f'no store in {where}: give `store = "..."` or --store')
    table = data.pop("settings", {})
    if not isinstance(table, dict):
        raise ConfigError(f"[settings] in {where} must be a table of Settings fields")
    try:
        job_settings = read_settings(**{**table, **(settings or {})})
        return Job(settings=job_settings, **data)
    except ValidationError as exc:
        raise ConfigError(f"invalid job in {where}: {exc}") from exc
