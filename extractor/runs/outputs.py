"""A scheduled run's output files: checked before anything is spent, replaced atomically.

:func:`check_outputs` fails early on an output that cannot be written; :func:`write_outputs`
writes the claims JSONL, the comparison JSON and the HTML report (with what changed since
the last run), each replaced whole so a reader sees the old file or the new one.
"""

from __future__ import annotations

import tempfile

from ..errors import ConfigError
from ..ingest.articles import read_back_as_input
from ..io.output import write_file
from ..io.report import render_report
from ..models import Article, Claim, Comparison, RunChanges
from .jobs import Job

__all__ = ["check_outputs", "write_outputs"]


def check_outputs(job: Job) -> None:
    """Raise :class:`ConfigError` unless every output of ``job`` can be written.

    Run before the first model call: an output that is a directory, or a directory that
    cannot be written, is found before anything is spent.
    """
    for kind, path in job.outputs.paths().items():
        if path.is_dir():
            raise ConfigError(f"the {kind} output {path} is a directory; give a file name")
        read = read_back_as_input(path, job.inputs)
        if read:
            raise ConfigError(
                f"the {kind} output {path} would overwrite the input {read} or be read as an "
                "article from it by the next run; write the outputs somewhere else"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}."):
                pass
        except OSError as exc:
            raise ConfigError(
                f"cannot write the {kind} output {path}: {exc.strerror or exc}"
            ) from exc


def write_outputs(
    job: Job,
    articles: list[Article],
    claims: list[Claim],
    comparison: Comparison,
    changes: RunChanges | None = None,
) -> dict[str, str]:
    """Write the outputs ``job`` asks for; returns kind -> path."""
    paths = job.outputs.paths()
    if "claims" in paths:
        text = "".join(claim.model_dump_json() + "\n" for claim in claims)
        write_file(str(paths["claims"]), text)
    if "comparison" in paths:
        write_file(str(paths["comparison"]), comparison.model_dump_json(indent=2) + "\n")
    if "report" in paths:
        write_file(
            str(paths["report"]), render_report(articles, claims, comparison, changes=changes)
        )
    return {kind: str(path) for kind, path in paths.items()}
